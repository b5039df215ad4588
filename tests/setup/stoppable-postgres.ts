import http from "node:http";
import net from "node:net";

/**
 * A TCP front for the test Postgres that the fault tests can stop and start: to the Worker it is a
 * Postgres server on its own port. Stopping closes every connection and the listening socket, so
 * new connections are refused, as with a stopped server; Postgres itself keeps serving the other
 * tests. It can also stop at a given statement, before Postgres sees it or just after Postgres
 * answered it (the answer never reaches the Worker: a commit it cannot know about).
 *
 * Controlled over loopback HTTP, since the tests run in workerd: POST /stop, POST /start,
 * POST /stop-on {"text", "when": "before"|"after"}.
 */
export interface StoppablePostgres {
  port: number;
  controlUrl: string;
  close(): Promise<void>;
}

export async function startStoppablePostgres(target: { host: string; port: number }): Promise<StoppablePostgres> {
  const open = new Set<net.Socket>();
  let trigger: { text: Buffer; when: "before" | "after" } | undefined;
  let server: net.Server | undefined;
  let port = 0;

  const stop = async () => {
    trigger = undefined;
    for (const socket of open) socket.destroy();
    open.clear();
    const closing = server;
    server = undefined;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  const start = async () => {
    if (server) return;
    const listener = net.createServer((client) => {
      const upstream = net.connect(target);
      open.add(client).add(upstream);
      let stopAfterAnswer = false;
      client.on("data", (chunk: Buffer) => {
        if (trigger && chunk.includes(trigger.text)) {
          if (trigger.when === "before") return void stop();
          stopAfterAnswer = true;
        }
        upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        if (stopAfterAnswer) return void stop();
        client.write(chunk);
      });
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ]) {
        a.on("close", () => {
          open.delete(a);
          b.destroy();
        });
        a.on("error", () => b.destroy());
      }
    });
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(port, "127.0.0.1", () => resolve());
    });
    port = (listener.address() as net.AddressInfo).port;
    server = listener;
  };

  await start();
  const control = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      if (request.method === "POST" && request.url === "/stop") await stop();
      else if (request.method === "POST" && request.url === "/start") await start();
      else if (request.method === "POST" && request.url === "/stop-on") {
        const { text, when } = JSON.parse(body) as { text: string; when: "before" | "after" };
        trigger = { text: Buffer.from(text), when };
      } else return void response.writeHead(404).end();
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  return {
    port,
    controlUrl: `http://127.0.0.1:${(control.address() as net.AddressInfo).port}`,
    close: async () => {
      await stop();
      await new Promise((resolve) => control.close(resolve));
    },
  };
}

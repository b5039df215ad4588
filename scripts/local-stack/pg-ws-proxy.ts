import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * The Neon driver speaks the Postgres protocol over a WebSocket; Neon's edge turns it into TCP.
 * Locally this proxy does that job in front of PGlite or a real Postgres. It only forwards to
 * loopback addresses so it can never be used to reach another host.
 */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export interface PgWebSocketProxy {
  /** host:port to give the driver as its wsProxy base */
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function startPgWebSocketProxy(port = 0): Promise<PgWebSocketProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port, path: "/v1" });
  server.on("connection", (ws, request) => {
    const target = new URL(request.url ?? "", "http://proxy").searchParams.get("address") ?? "";
    const [host, portText] = target.split(/:(?=\d+$)/);
    if (!LOOPBACK.has(host) || !/^\d+$/.test(portText ?? "")) {
      ws.close(1008, "only loopback Postgres addresses are proxied");
      return;
    }
    bridge(ws, net.connect({ host, port: Number(portText) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const actualPort = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

function bridge(ws: WebSocket, tcp: net.Socket): void {
  const frames = new FrontendMessageReader();
  let closed = false;
  const closeBoth = () => {
    if (closed) return;
    closed = true;
    tcp.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
  };
  const pending: Buffer[] = [];
  tcp.once("connect", () => {
    for (const chunk of pending.splice(0)) tcp.write(chunk);
  });
  ws.on("message", (data: Buffer) => {
    if (tcp.connecting) pending.push(data);
    else tcp.write(data);
    // The driver's Client.end() sends Terminate but leaves the WebSocket open: close it here.
    if (frames.push(data)) tcp.end(() => closeBoth());
  });
  tcp.on("data", (chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk);
  });
  ws.on("close", closeBoth);
  ws.on("error", closeBoth);
  tcp.on("close", closeBoth);
  tcp.on("error", closeBoth);
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/**
 * Follows the frontend side of the Postgres protocol just enough to notice Terminate: untyped
 * startup packets first (SSL/GSS requests, then StartupMessage), then typed messages.
 */
class FrontendMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private inStartup = true;

  /** Returns true once a Terminate message has been seen. */
  push(chunk: Buffer): boolean {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.inStartup) {
        if (this.buffer.length < 8) return false;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return false;
        const code = this.buffer.readInt32BE(4);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.inStartup = false;
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return false;
      const type = this.buffer[0];
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return false;
      if (type === TERMINATE) return true;
      this.buffer = this.buffer.subarray(1 + length);
    }
  }
}

/**
 * A small HTTP receiver on 127.0.0.1 for the Workers tests that make the Worker call out (alert
 * channels): it records what arrives and answers as each test planned.
 *   ANY  /in/<key>/…     recorded under <key>; answered with the next planned status (default 200)
 *   PUT  /plan/<key>     body: a JSON array of statuses for the next requests to /in/<key>, e.g. [500, 200];
 *                        0 answers 200 only after 7 s (longer than a delivery's timeout)
 *   GET  /requests/<key> the recorded requests: [{method, path, headers, body}]
 * Keys are random per test, so test files running in parallel never see each other's requests.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export async function startRecordingServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const recorded = new Map<string, RecordedRequest[]>();
  const plans = new Map<string, number[]>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    const [, route, key] = url.pathname.split("/");
    const body = await readBody(request);
    if (route === "in" && key) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      recorded.set(key, [...(recorded.get(key) ?? []), { method: request.method ?? "", path: url.pathname + url.search, headers, body }]);
      let status = plans.get(key)?.shift() ?? 200;
      if (status === 0) {
        await new Promise((resolve) => setTimeout(resolve, 7_000));
        status = 200;
      }
      const location = status >= 300 && status < 400 ? { location: "http://127.0.0.1:9/elsewhere" } : {};
      response.writeHead(status, { "content-type": "text/plain", ...location }).end(status < 300 ? "ok" : "no");
    } else if (route === "plan" && key && request.method === "PUT") {
      plans.set(key, JSON.parse(body) as number[]);
      response.writeHead(204).end();
    } else if (route === "requests" && key) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(recorded.get(key) ?? []));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

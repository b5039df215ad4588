import type { Pool } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import { api, type BenchResult, type BenchStack, inParallel, percentile } from "./harness";
import { meterWithHistory } from "./model.bench";

const SOCKETS = 1_000;
const BROADCASTS = 5;
const NOTIFICATIONS = 15;

/** One socket of the user, with a hook for the next message of a type. */
async function openSocket(stack: BenchStack, onMessage: (type: string, at: number) => void): Promise<WebSocket> {
  const { ticket } = await api<{ ticket: string }>(stack, "POST", "/api/ws/ticket");
  const socket = new WebSocket(`${stack.baseUrl.replace(/^http/, "ws")}/api/ws?ticket=${encodeURIComponent(ticket)}`);
  socket.on("message", (data) => onMessage(JSON.parse(data.toString()).type, performance.now()));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

async function post(stack: BenchStack, meter: { id: string; webhook: { secret: string } }, readings: unknown[]): Promise<number> {
  const body = JSON.stringify({ readings });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const sent = performance.now();
  const response = await fetch(`${stack.baseUrl}/api/ingest/${meter.id}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": await signWebhookBody(meter.webhook.secret, timestamp, new TextEncoder().encode(body)),
    },
    body,
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  return sent;
}

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

/** Fan-out of one hub to 1,000 sockets, and webhook post to notification on a socket. */
export async function benchLive(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  // A meter on a chart, so each post makes the hub broadcast a refresh to every socket.
  const meter = await api<{ id: string; webhook: { secret: string } }>(stack, "POST", "/api/meters", {
    name: "bench live",
    timezone: "UTC",
  });
  const tab = await api<{ id: string }>(stack, "POST", "/api/tabs", { title: "bench" });
  await api(stack, "POST", "/api/charts", {
    tabId: tab.id,
    title: "live",
    spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_hour" } },
  });

  let received: number[] = [];
  const sockets: WebSocket[] = [];
  log(`  opening ${SOCKETS} sockets…`);
  await inParallel(Array.from({ length: SOCKETS }), 20, async () => {
    sockets.push(await openSocket(stack, (type, at) => type === "meter.readings" && received.push(at)));
  });
  const fanOut: number[] = [];
  for (let i = 0; i < BROADCASTS; i++) {
    received = [];
    const sent = await post(stack, meter, [{ ts: new Date(Date.now() - i * 1_000).toISOString(), power_w: 100 + i }]);
    await waitFor(() => received.length === SOCKETS, `${SOCKETS} sockets to receive broadcast ${i + 1}`);
    fanOut.push(...received.map((at) => at - sent));
  }
  for (const socket of sockets) socket.close();
  log(
    `  broadcast to ${SOCKETS} sockets: p50 ${percentile(fanOut, 50).toFixed(0)} ms, p95 ${percentile(fanOut, 95).toFixed(0)} ms (from the webhook post)`,
  );

  // Post to notification: each meter's run finds a peak above a tiny limit (one notification per meter: rate limit).
  const arrivals = new Map<number, number>();
  let count = 0;
  const listener = await openSocket(stack, (type, at) => type === "notification" && arrivals.set(count++, at));
  const latencies: number[] = [];
  for (let i = 0; i <= NOTIFICATIONS; i++) {
    const target = await meterWithHistory(stack, pool, `bench notify ${i}`);
    await api(stack, "PATCH", `/api/meters/${target.id}`, { assets: { peakLimitKw: 0.1 } });
    const before = count;
    const sent = await post(stack, target, [{ ts: new Date().toISOString(), power_w: 400 }]);
    await waitFor(() => count > before, "a notification");
    // The first one includes loading the model on this isolate: not counted.
    if (i > 0) latencies.push(arrivals.get(before)! - sent);
  }
  listener.close();
  log(`  webhook post to notification: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`);

  return {
    live_broadcast_1000: {
      value: Number(percentile(fanOut, 95).toFixed(1)),
      unit: "ms p95",
      note: `${BROADCASTS} webhook posts to a charted meter, each fanned out by the user's hub to ${SOCKETS} open sockets; p95 of post-to-receipt over all deliveries (p50 ${percentile(fanOut, 50).toFixed(1)} ms). Goal: p95 < 200 ms`,
    },
    live_post_to_notification: {
      value: Number(percentile(latencies, 95).toFixed(1)),
      unit: "ms p95",
      note: `${NOTIFICATIONS} signed posts, each queued (batch timeout 0), run through the model, composed into a notification and pushed to an open socket (p50 ${percentile(latencies, 50).toFixed(1)} ms). Goal: p95 < 250 ms`,
    },
  };
}

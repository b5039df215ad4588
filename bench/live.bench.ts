import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Pool } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import { api, type BenchResult, type BenchStack, inParallel, percentile } from "./harness";
import { meterWithHistory } from "./model.bench";

const SOCKETS = 1_000;
/** Per way: with 5, the p95 of 5,000 receipts was the slowest single post's fan-out. */
const BROADCASTS = 20;
const MANY_USERS = 200;
const MANY_SOCKETS_EACH = 5;
const MANY_ROUNDS = 3;
const NOTIFICATIONS = 15;
/** Threads holding the sockets: one Node thread reading 1,000 sockets was a large part of the figure. */
const CLIENT_THREADS = Number(process.env.LIVE_CLIENT_THREADS ?? 4);

type Meter = { id: string; webhook: { secret: string } };

/** The wall clock shared by the main thread and the socket threads, in ms with sub-ms resolution. */
const now = () => performance.timeOrigin + performance.now();

/** Sockets whose `meter.readings` events come back as [meterId, arrival time]. */
abstract class Clients {
  protected receipts: [string, number][] = [];
  abstract open(urls: string[]): Promise<void>;
  abstract close(): Promise<void>;

  /** The receipts since the last call. */
  take(): [string, number][] {
    const taken = this.receipts;
    this.receipts = [];
    return taken;
  }

  get count(): number {
    return this.receipts.length;
  }
}

/** The way this bench read sockets before issue 20: all in the main thread, which also runs vite preview. */
class MainThreadClients extends Clients {
  private readonly sockets: WebSocket[] = [];

  async open(urls: string[]): Promise<void> {
    await inParallel(urls, 20, async (url) => {
      const socket = new WebSocket(url);
      socket.on("message", (data) => {
        const at = now();
        const event = JSON.parse(data.toString());
        if (event.type === "meter.readings") this.receipts.push([event.payload.meterId, at]);
      });
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      this.sockets.push(socket);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.close();
  }
}

/**
 * Sockets spread over worker threads (bench/live-clients.mjs); every `meter.readings` event comes
 * back as [meterId, arrival time].
 */
class SocketClients extends Clients {
  private readonly workers: Worker[];

  constructor(threads: number) {
    super();
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL("./live-clients.mjs", import.meta.url));
      worker.on("message", (message: { kind: string; receipts?: [string, number][] }) => {
        if (message.kind === "receipts") this.receipts.push(...message.receipts!);
      });
      return worker;
    });
  }

  async open(urls: string[]): Promise<void> {
    await Promise.all(
      this.workers.map((worker, i) => {
        const share = urls.filter((_, j) => j % this.workers.length === i);
        return this.request(worker, { kind: "open", urls: share }, "opened");
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.request(worker, { kind: "close" }, "closed")));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private request(worker: Worker, message: unknown, answer: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: { kind: string }) => {
        if (reply.kind !== answer) return;
        worker.off("message", onMessage);
        worker.off("error", reject);
        resolve();
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      worker.postMessage(message);
    });
  }
}

/**
 * Where the sockets connect. vite preview relays each socket message through Node (miniflare's
 * coupleWebSocket), in the same process as this bench: 1,000 extra receives and sends per broadcast
 * that production (Cloudflare's edge) does not have. So the sockets go straight to workerd's own
 * port when it can be found (Linux: `ss` and /proc), else through vite preview.
 */
async function socketBaseUrl(stack: BenchStack): Promise<{ url: string; direct: boolean }> {
  try {
    const children = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const [comm, rest] = [stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), stat.slice(stat.lastIndexOf(")") + 2)];
          return comm.includes("workerd") && rest.split(" ")[1] === String(process.pid);
        } catch {
          return false;
        }
      });
    const listening = execFileSync("ss", ["-ltnpH"]).toString().split("\n");
    for (const line of listening) {
      if (!children.some((pid) => line.includes(`pid=${pid},`))) continue;
      const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
      if (!port) continue;
      const url = `http://127.0.0.1:${port}`;
      const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      if (health?.ok && (await health.text()).includes("ok")) return { url, direct: true };
    }
  } catch {
    // Not Linux, or no `ss`: through vite preview.
  }
  return { url: stack.baseUrl, direct: false };
}

async function ticketUrl(stack: BenchStack, base: string, token: string): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/api/ws/ticket`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`ticket: ${response.status} ${await response.text()}`);
  const { ticket } = (await response.json()) as { ticket: string };
  return `${base.replace(/^http/, "ws")}/api/ws?ticket=${encodeURIComponent(ticket)}`;
}

/** One socket per token, in chunks: a ticket is valid for 60 s only. */
async function openSockets(stack: BenchStack, clients: Clients, base: string, tokens: string[]): Promise<void> {
  for (let start = 0; start < tokens.length; start += 100) {
    const urls: string[] = [];
    await inParallel(tokens.slice(start, start + 100), 20, async (token) => {
      urls.push(await ticketUrl(stack, base, token));
    });
    await clients.open(urls);
  }
}

/** One socket in this thread (the notification listener), with a hook for each message. */
async function openSocket(stack: BenchStack, onMessage: (type: string, at: number) => void): Promise<WebSocket> {
  const socket = new WebSocket(await ticketUrl(stack, stack.baseUrl, stack.token));
  socket.on("message", (data) => onMessage(JSON.parse(data.toString()).type, now()));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** A signed post; `sent` is taken just before the request, `answered` when the webhook's answer is in. */
async function post(stack: BenchStack, meter: Meter, readings: unknown[]): Promise<{ sent: number; answered: number }> {
  const body = JSON.stringify({ readings });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await signWebhookBody(meter.webhook.secret, timestamp, new TextEncoder().encode(body));
  const sent = now();
  const response = await fetch(`${stack.baseUrl}/api/ingest/${meter.id}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Wattboard-Timestamp": timestamp, "X-Wattboard-Signature": signature },
    body,
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  await response.arrayBuffer();
  return { sent, answered: now() };
}

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 6_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

async function authed<T>(stack: BenchStack, token: string, method: string, path: string, body?: unknown): Promise<T> {
  return api<T>({ ...stack, token }, method, path, body);
}

/** A meter on a chart of the token's user, so each post makes the user's hub broadcast a refresh. */
async function chartedMeter(stack: BenchStack, token: string, name: string): Promise<Meter> {
  const meter = await authed<Meter>(stack, token, "POST", "/api/meters", { name, timezone: "UTC" });
  const tab = await authed<{ id: string }>(stack, token, "POST", "/api/tabs", { title: name });
  await authed(stack, token, "POST", "/api/charts", {
    tabId: tab.id,
    title: "live",
    spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_hour" } },
  });
  return meter;
}

const ms = (values: number[], p: number) => percentile(values, p).toFixed(1);

/**
 * Fan-out of one hub to 1,000 sockets; 200 users with 5 sockets each posting at once (hubs must not
 * wait for each other); webhook post to notification on a socket.
 */
export async function benchLive(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const { url: socketBase, direct } = await socketBaseUrl(stack);
  const path = direct ? "straight to workerd" : "through vite preview's Node relay";
  log(`  sockets connect ${path}, held by ${CLIENT_THREADS} client threads`);

  // Two users, each with a charted meter and 1,000 sockets: one read the new way, one the old way
  // (the reference). Their broadcasts alternate, so both see the same load on this shared machine.
  const response = await fetch(`${stack.baseUrl}/api/auth/dev`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": "10.19.0.1" },
    body: JSON.stringify({ email: `bench-live-old-${Date.now()}@wattboard.local` }),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const { access_token: oldToken } = (await response.json()) as { access_token: string };
  const ways = [
    { name: "old way", clients: new MainThreadClients() as Clients, token: oldToken, base: stack.baseUrl },
    {
      name: `broadcast to ${SOCKETS} sockets`,
      clients: new SocketClients(CLIENT_THREADS) as Clients,
      token: stack.token,
      base: socketBase,
    },
  ].map((way) => ({
    ...way,
    meter: undefined as Meter | undefined,
    fanOut: [] as number[],
    firsts: [] as number[],
    answers: [] as number[],
  }));
  log(
    `  opening ${SOCKETS} sockets ${path} (read by ${CLIENT_THREADS} threads) and ${SOCKETS} the old way (main thread, through vite preview's relay)…`,
  );
  for (const way of ways) {
    way.meter = await chartedMeter(stack, way.token, "bench live");
    await openSockets(stack, way.clients, way.base, Array(SOCKETS).fill(way.token));
  }
  for (let i = 0; i < BROADCASTS; i++) {
    for (const way of i % 2 ? [...ways].reverse() : ways) {
      way.clients.take();
      const { sent, answered } = await post(stack, way.meter!, [{ ts: new Date(Date.now() - i * 1_000).toISOString(), power_w: 100 + i }]);
      await waitFor(() => way.clients.count >= SOCKETS, `${SOCKETS} sockets to receive broadcast ${i + 1}`);
      const latencies = way.clients.take().map(([, at]) => at - sent);
      way.fanOut.push(...latencies);
      way.firsts.push(Math.min(...latencies));
      way.answers.push(answered - sent);
    }
  }
  for (const way of ways) await way.clients.close();
  const [before, fan] = ways;
  for (const r of ways) {
    log(
      `  ${r.name}: p50 ${ms(r.fanOut, 50)} ms, p95 ${ms(r.fanOut, 95)} ms from the webhook post (webhook answered p50 ${ms(r.answers, 50)} ms, p95 ${ms(r.answers, 95)} ms; first socket p50 ${ms(r.firsts, 50)} ms)`,
    );
  }

  // Post to notification (before the burst below, whose runs would queue ahead of these): each meter's run finds a peak above a tiny limit (one notification per meter: rate limit).
  const arrivals = new Map<number, number>();
  let count = 0;
  const listener = await openSocket(stack, (type, at) => type === "notification" && arrivals.set(count++, at));
  const latencies: number[] = [];
  for (let i = 0; i <= NOTIFICATIONS; i++) {
    const target = await meterWithHistory(stack, pool, `bench notify ${i}`);
    await api(stack, "PATCH", `/api/meters/${target.id}`, { assets: { peakLimitKw: 0.1 } });
    const before = count;
    const { sent } = await post(stack, target, [{ ts: new Date().toISOString(), power_w: 400 }]);
    await waitFor(() => count > before, "a notification");
    // The first one includes loading the model on this isolate: not counted.
    if (i > 0) latencies.push(arrivals.get(before)! - sent);
  }
  listener.close();
  log(`  webhook post to notification: p50 ${ms(latencies, 50)} ms, p95 ${ms(latencies, 95)} ms`);

  // Many hubs at once: each user's post fans out to that user's own sockets only.
  log(`  setting up ${MANY_USERS} users with ${MANY_SOCKETS_EACH} sockets each…`);
  const users: { token: string; meter: Meter }[] = [];
  await inParallel(
    Array.from({ length: MANY_USERS }, (_, n) => n),
    10,
    async (n) => {
      const response = await fetch(`${stack.baseUrl}/api/auth/dev`, {
        method: "POST",
        // Sign-in is limited per address; locally the Worker keeps the CF-Connecting-IP a client sends.
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": `10.20.${n >> 8}.${n & 255}` },
        body: JSON.stringify({ email: `bench-live-${Date.now()}-${n}@wattboard.local` }),
      });
      if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
      const { access_token: token } = (await response.json()) as { access_token: string };
      const userMeter = await chartedMeter(stack, token, `bench many ${n}`);
      users.push({ token, meter: userMeter });
    },
  );
  const clients = new SocketClients(CLIENT_THREADS);
  await openSockets(
    stack,
    clients,
    socketBase,
    users.flatMap(({ token }) => Array(MANY_SOCKETS_EACH).fill(token)),
  );
  const many: number[] = [];
  const manyAnswers: number[] = [];
  /** Receipt minus the webhook's answer: what the hubs add once the readings are stored (negative: before the answer). */
  const afterAnswer: number[] = [];
  let failed = 0;
  for (let round = 0; round < MANY_ROUNDS; round++) {
    clients.take();
    const ts = new Date(Date.now() - round * 1_000).toISOString();
    const posts = await Promise.all(
      users.map(({ meter: m }) =>
        post(stack, m, [{ ts, power_w: 200 + round }]).then(
          (timing) => [m.id, timing] as const,
          () => undefined,
        ),
      ),
    );
    const stored = posts.filter((p) => p !== undefined);
    failed += posts.length - stored.length;
    const sentAt = new Map(stored.map(([id, { sent }]) => [id, sent]));
    const answeredAt = new Map(stored.map(([id, { answered }]) => [id, answered]));
    manyAnswers.push(...stored.map(([, { sent, answered }]) => answered - sent));
    const expected = stored.length * MANY_SOCKETS_EACH;
    await waitFor(() => clients.count >= expected, `${expected} sockets to receive round ${round + 1}`);
    for (const [meterId, at] of clients.take()) {
      if (!sentAt.has(meterId)) continue;
      many.push(at - sentAt.get(meterId)!);
      afterAnswer.push(at - answeredAt.get(meterId)!);
    }
  }
  await clients.close();
  log(
    `  ${MANY_USERS} users × ${MANY_SOCKETS_EACH} sockets, all posting at once: p50 ${ms(many, 50)} ms, p95 ${ms(many, 95)} ms (webhook answered p50 ${ms(manyAnswers, 50)}, p95 ${ms(manyAnswers, 95)} ms; ${failed} posts failed; receipt after the answer p95 ${ms(afterAnswer, 95)} ms)`,
  );

  return {
    live_broadcast_1000: {
      value: Number(ms(fan.fanOut, 95)),
      unit: "ms p95",
      reference: Number(ms(before.fanOut, 95)),
      ratio: Number((percentile(fan.fanOut, 95) / percentile(before.fanOut, 95)).toFixed(2)),
      note: `${BROADCASTS} webhook posts to a charted meter, each fanned out by the user's hub to ${SOCKETS} open sockets (${path}, read by ${CLIENT_THREADS} threads); p95 of post-to-receipt over all deliveries (p50 ${ms(fan.fanOut, 50)} ms; first socket p50 ${ms(fan.firsts, 50)} ms; webhook answered p50 ${ms(fan.answers, 50)} ms). Reference: the same, alternating with it in the same run, read the old way (another user's 1,000 sockets in one Node thread, through vite preview's relay; p50 ${ms(before.fanOut, 50)} ms, webhook answered p50 ${ms(before.answers, 50)} ms). Goal: p95 < 200 ms`,
    },
    live_broadcast_many: {
      value: Number(ms(many, 95)),
      unit: "ms p95",
      reference: Number(ms(manyAnswers, 95)),
      ratio: Number((percentile(many, 95) / percentile(manyAnswers, 95)).toFixed(2)),
      note: `${MANY_USERS} users with ${MANY_SOCKETS_EACH} sockets each (${path}), all posting at once, ${MANY_ROUNDS} rounds; p95 of post-to-receipt over all deliveries (p50 ${ms(many, 50)} ms). Reference: the webhook's own answer time under that burst, p95 (p50 ${ms(manyAnswers, 50)} ms): a ratio near 1 means the hubs add nothing to the ingest path; receipt minus answer p95 ${ms(afterAnswer, 95)} ms; ${failed} of ${MANY_USERS * MANY_ROUNDS} posts failed (not counted)`,
    },
    live_post_to_notification: {
      value: Number(ms(latencies, 95)),
      unit: "ms p95",
      note: `${NOTIFICATIONS} signed posts, each queued (batch timeout 0), run through the model, composed into a notification and pushed to an open socket (p50 ${ms(latencies, 50)} ms). Goal: p95 < 250 ms`,
    },
  };
}

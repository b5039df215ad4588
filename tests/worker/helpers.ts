import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { createApp } from "../../worker/app";
import type { ToolContext } from "../../worker/chat/tools/tool";
import type { Database } from "../../worker/db/client";
import type { Env } from "../../worker/env";

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the real Worker (its default export) the way a browser or script would. */
export async function call<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers["Content-Type"] = "application/json";
  const response = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** The same app with a changed configuration, for cases the test bindings cannot express. */
export async function callWithEnv(
  overrides: Partial<Env>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResult> {
  const app = createApp();
  const waits: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => waits.push(p),
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext;
  const response = await app.fetch(
    new Request(`http://wattboard.test${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { ...env, ...overrides },
    ctx,
  );
  await Promise.allSettled(waits);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export function uniqueEmail(label = "user"): string {
  return `${label}-${crypto.randomUUID()}@example.test`;
}

/** An address from the IPv6 documentation range, different on every call. */
export function randomClientIp(): string {
  const groups = Array.from(crypto.getRandomValues(new Uint16Array(4)), (g) => g.toString(16));
  return `2001:db8:${groups.join(":")}`;
}

/** Signs a new person in through dev sign-in and returns their token and id. */
export async function signIn(label?: string): Promise<{ token: string; userId: string; email: string }> {
  const email = uniqueEmail(label);
  // Each person signs in from their own address, as people do: sign-in is rate limited per address.
  const result = await call("POST", "/api/auth/dev", { body: { email }, headers: { "CF-Connecting-IP": randomClientIp() } });
  if (result.status !== 200) throw new Error(`dev sign-in failed: ${result.status} ${JSON.stringify(result.body)}`);
  return { token: result.body.access_token, userId: result.body.user.id, email };
}

export const RELATIVE_24H = { kind: "relative", preset: "last_24h" } as const;

/** A spec that is only well-formed: its meter belongs to nobody (for validation cases). */
export function chartSpec(overrides: Record<string, unknown> = {}) {
  return { meterIds: [crypto.randomUUID()], metric: "power_w", window: RELATIVE_24H, ...overrides };
}

const meterOfToken = new Map<string, Promise<string>>();

/** A valid spec on a meter of the user (one meter per token, created on first use). */
export async function ownChartSpec(token: string, overrides: Record<string, unknown> = {}) {
  if (!meterOfToken.has(token))
    meterOfToken.set(
      token,
      createMeter(token, { name: "Chart meter" }).then((m) => m.id),
    );
  return chartSpec({ meterIds: [await meterOfToken.get(token)!], ...overrides });
}

/** Creates a meter for the user and returns it with its webhook secret. */
export async function createMeter(token: string, overrides: Record<string, unknown> = {}) {
  const result = await call("POST", "/api/meters", { token, body: { name: "House", timezone: "Europe/London", ...overrides } });
  if (result.status !== 201) throw new Error(`meter creation failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { id: string; name: string; webhook: { url: string; secret: string } };
}

export async function sign(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`));
  return `sha256=${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Posts to the meter webhook exactly as a meter would: raw body, timestamp and HMAC headers. */
export async function postReadings(
  meterId: string,
  secret: string,
  payload: unknown,
  options: { timestamp?: number; signature?: string; rawBody?: string } = {},
): Promise<ApiResult> {
  const body = options.rawBody ?? JSON.stringify(payload);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const response = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test/api/ingest/${meterId}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": options.signature ?? (await sign(secret, timestamp, body)),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** Hourly readings ending before now, oldest first. */
export function hourlyReadings(count: number, start = Date.now() - (count + 1) * 3_600_000) {
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(start + i * 3_600_000).toISOString(),
    power_w: 1000 + i,
    energy_wh: 1000 + i,
  }));
}

/** How many readings of the meter hold `metric` (every reading since 2020, in monthly buckets). */
export async function storedCount(token: string, meterId: string, metric = "power_w"): Promise<number> {
  const series = await call(
    "GET",
    `/api/meters/${meterId}/series?metric=${metric}&from=2020-01-01T00:00:00Z&to=${new Date(Date.now() + 3_600_000).toISOString()}&points=5000&bucket=1mo`,
    { token },
  );
  return series.body.points.reduce((total: number, p: { count: number }) => total + p.count, 0);
}

/** A small seeded generator (mulberry32): the same data and windows on every run, so a failure replays. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A home of its own (not anyone's personal one) with an owner and, for each role asked, a member
 * who joined through an invite link; `home` is the query string that acts in it.
 */
export async function sharedHome(roles: ("editor" | "viewer")[] = ["editor", "viewer"]) {
  const owner = await signIn("owner");
  const created = await call("POST", "/api/homes", { token: owner.token, body: { name: "Flat 3" } });
  if (created.status !== 201) throw new Error(`home creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  const homeId = created.body.id as string;
  const members: Record<string, { token: string; userId: string; email: string }> = {};
  for (const role of roles) {
    const person = await signIn(role);
    await joinHome(owner.token, homeId, person.token, role);
    members[role] = person;
  }
  return { homeId, home: `home=${homeId}`, owner, members };
}

/** The owner invites, the person accepts. */
export async function joinHome(ownerToken: string, homeId: string, token: string, role: "owner" | "editor" | "viewer") {
  const invite = await call("POST", `/api/homes/${homeId}/invites`, { token: ownerToken, body: { role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const accepted = await call("POST", `/api/invites/${invite.body.token}/accept`, { token });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
}

/** What a chat message gives the tools: the person acting in their personal home (its owner), in a session of its own. */
export function toolContext(
  db: Database,
  userId: string,
  { sessionTitle = "Tests", messageAt = new Date().toISOString() }: { sessionTitle?: string; messageAt?: string } = {},
): ToolContext {
  return {
    db,
    env: env as Env,
    userId,
    homeId: userId,
    role: "owner",
    origin: "http://wattboard.test",
    sessionId: crypto.randomUUID(),
    sessionTitle,
    messageId: crypto.randomUUID(),
    messageAt,
  };
}

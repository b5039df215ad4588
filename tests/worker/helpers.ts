import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { createApp } from "../../worker/app";
import type { Env } from "../../worker/env";

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the real Worker (its default export) the way a browser or script would. */
export async function call<T = any>(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
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
export async function callWithEnv(overrides: Partial<Env>, method: string, path: string, body?: unknown): Promise<ApiResult> {
  const app = createApp();
  const waits: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  const response = await app.fetch(
    new Request(`http://wattboard.test${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
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

/** Signs a new person in through dev sign-in and returns their token and id. */
export async function signIn(label?: string): Promise<{ token: string; userId: string; email: string }> {
  const email = uniqueEmail(label);
  const result = await call("POST", "/api/auth/dev", { body: { email } });
  if (result.status !== 200) throw new Error(`dev sign-in failed: ${result.status} ${JSON.stringify(result.body)}`);
  return { token: result.body.access_token, userId: result.body.user.id, email };
}

export const RELATIVE_24H = { kind: "relative", preset: "last_24h" } as const;

export function chartSpec(overrides: Record<string, unknown> = {}) {
  return { meterIds: [crypto.randomUUID()], metric: "power_w", window: RELATIVE_24H, ...overrides };
}

import { createMiddleware } from "hono/factory";
import type { AppEnv, Env } from "./env";
import { ApiError } from "./errors";

/**
 * Cloudflare rate-limiting bindings (wrangler.jsonc "ratelimits") count per fixed period at each
 * location; the period is all a client can be told to wait, so Retry-After is the period.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

type LimiterName =
  | "SIGN_IN_LIMITER"
  | "WEBHOOK_LIMITER"
  | "CHAT_LIMITER"
  | "SHARE_IP_LIMITER"
  | "SHARE_TOKEN_LIMITER"
  | "CHANNEL_TEST_LIMITER";

const rateLimited = (message: string) =>
  new ApiError(429, "rate_limited", message, undefined, { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) });

/** Throws 429 once `key` has used up the limiter's allowance for this period. */
export async function enforceLimit(env: Env, limiter: LimiterName, key: string, message: string): Promise<void> {
  if (!(await env[limiter].limit({ key })).success) throw rateLimited(message);
}

/** Cloudflare sets CF-Connecting-IP on every request it forwards (clients cannot choose it). */
export const clientIp = (header: (name: string) => string | undefined) => header("CF-Connecting-IP") ?? "unknown";

/** Sign-in, per client address: guessing and account-creation floods. */
export const limitSignIn = createMiddleware<AppEnv>(async (c, next) => {
  await enforceLimit(
    c.env,
    "SIGN_IN_LIMITER",
    clientIp((name) => c.req.header(name)),
    "Too many sign-in attempts from this address; wait a minute and try again",
  );
  await next();
});

/** Chat turns, per user: each one may run tools and, with an LLM engine, costs tokens. */
export const limitChatTurns = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "POST")
    await enforceLimit(c.env, "CHAT_LIMITER", c.var.user.id, "Too many chat messages in a minute; wait a moment and send it again");
  await next();
});

import type { Database } from "./db/client";
import type { InferenceJob } from "./runs/queue-job";

/** Bindings and configuration the Worker receives (wrangler.jsonc, secrets, or the dev stack). */
export interface Env {
  ASSETS: Fetcher;
  USER_HUB: DurableObjectNamespace<import("../durable-objects/user-hub/user-hub").UserHub>;
  INFERENCE_QUEUE: Queue<InferenceJob>;
  SHARE_IP_LIMITER: RateLimit;
  SHARE_TOKEN_LIMITER: RateLimit;
  SIGN_IN_LIMITER: RateLimit;
  WEBHOOK_LIMITER: RateLimit;
  CHAT_LIMITER: RateLimit;

  /** Postgres connection string (Neon in production). */
  DATABASE_URL?: string;
  /** host:port of the local WebSocket-to-TCP proxy; unset in production (Neon speaks WebSocket). */
  DB_WS_PROXY?: string;

  /** Supabase project URL, e.g. https://abc.supabase.co. When set, only Supabase tokens are accepted. */
  SUPABASE_URL?: string;
  /** Supabase's legacy HS256 JWT secret, for projects that have not moved to signing keys. */
  SUPABASE_JWT_SECRET?: string;
  /** Public anon key, handed to the web app so supabase-js can sign in. */
  SUPABASE_ANON_KEY?: string;
  /** Master key the per-meter webhook secrets are derived from (a Worker secret). */
  WEBHOOK_SECRET_KEY?: string;
  /** Signs dev sign-in tokens. Dev sign-in exists only when this is set and SUPABASE_URL is not. */
  DEV_AUTH_SECRET?: string;

  /** The opencode server for LLM chat (e.g. http://127.0.0.1:4096); the offline engine when unset. */
  OPENCODE_URL?: string;
  /** The server's OPENCODE_SERVER_PASSWORD (basic auth), a Worker secret. */
  OPENCODE_PASSWORD?: string;
  /** What opencode's tools send back to /api/internal/opencode/tool, a Worker secret shared with the server. */
  OPENCODE_TOOL_SECRET?: string;
  /** The model's context window in tokens (default 128000); sessions are compressed at 70 %. */
  OPENCODE_CONTEXT_TOKENS?: string;
  /** Seconds without a sign of life from the model before a turn is ended (default 60). */
  OPENCODE_IDLE_TIMEOUT_SECONDS?: string;
}

export interface AuthenticatedUser {
  id: string;
  email: string | null;
}

export interface AppVariables {
  db: Database;
  user: AuthenticatedUser;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

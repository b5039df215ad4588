import { z } from "zod";
import type { Database } from "./db/client";
import type { ResolvedHome } from "./homes/resolve";

const secret = z.string().min(1, "must not be empty");
const wholeNumber = z.string().regex(/^\d+$/, "must be a whole number");

/**
 * The Worker's string settings (vars and secrets: `wrangler secret put`, or the dev stack's vars).
 * Bindings (ASSETS, USER_HUB, the queue, rate limiters) come from wrangler.jsonc through
 * `npm run types` (worker/worker-configuration.d.ts). Every setting is optional here because each
 * one switches a feature on; what a deployment cannot work without is reported by
 * `missingSettings` and logged at start.
 */
export const Settings = z
  .object({
    /** Postgres connection string (Neon in production). */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
      .optional(),
    /** host:port of the local WebSocket-to-TCP proxy; unset in production (Neon speaks WebSocket). */
    DB_WS_PROXY: z
      .string()
      .regex(/^[\w.-]+:\d+$/, "must be host:port")
      .optional(),
    /**
     * How queries outside a transaction reach Postgres: `http` (default: Neon's SQL-over-HTTP, no
     * connection per request) or `websocket` (each request opens one connection, as transactions
     * do; for a Postgres without Neon's HTTP endpoint).
     */
    DB_ONE_SHOT_QUERIES: z.enum(["http", "websocket"], "must be http or websocket").optional(),
    /** Supabase project URL, e.g. https://abc.supabase.co. When set, only Supabase tokens are accepted. */
    SUPABASE_URL: z.url("must be a URL such as https://abc.supabase.co").optional(),
    /** Supabase's legacy HS256 JWT secret, for projects that have not moved to signing keys. */
    SUPABASE_JWT_SECRET: secret.optional(),
    /** Public anon key, handed to the web app so supabase-js can sign in. */
    SUPABASE_ANON_KEY: secret.optional(),
    /** Server-only key of Supabase's admin API: with it, a home invite given an address is also sent by Supabase's invite e-mail. */
    SUPABASE_SERVICE_ROLE_KEY: secret.optional(),
    /** Master key the per-meter webhook secrets are derived from. */
    WEBHOOK_SECRET_KEY: secret.optional(),
    /** Signs dev sign-in tokens. Dev sign-in exists only when this is set and SUPABASE_URL is not. */
    DEV_AUTH_SECRET: secret.optional(),
    /** The opencode server for LLM chat (e.g. http://127.0.0.1:4096); the offline engine when unset. */
    OPENCODE_URL: z.url("must be the opencode server's URL").optional(),
    /** The server's OPENCODE_SERVER_PASSWORD (basic auth). */
    OPENCODE_PASSWORD: secret.optional(),
    /** What opencode's tools send back to /api/internal/opencode/tool, shared with the server. */
    OPENCODE_TOOL_SECRET: secret.optional(),
    /** The model's context window in tokens (default 128000); sessions are compressed at 70 %. */
    OPENCODE_CONTEXT_TOKENS: wholeNumber.optional(),
    /** Seconds without a sign of life from the model before a turn is ended (default 60). */
    OPENCODE_IDLE_TIMEOUT_SECONDS: wholeNumber.optional(),
    /** `vite dev` only: the inference sidecar's URL (scripts/local-stack/inference-sidecar.ts). */
    DEV_INFERENCE_URL: z.url().optional(),
    /**
     * "true" lets alert channels use http and loopback or private addresses (the local dev stack and
     * the tests, whose receivers run on 127.0.0.1). Unset in production: https to public hosts only.
     */
    ALLOW_LOCAL_CHANNEL_URLS: z.enum(["true", "false"], "must be true or false").optional(),
  })
  .superRefine((settings, context) => {
    // opencode's tools call back to the Worker: without the shared secret every tool call would fail.
    if (settings.OPENCODE_URL && !settings.OPENCODE_TOOL_SECRET) {
      context.addIssue({ code: "custom", path: ["OPENCODE_TOOL_SECRET"], message: "is required when OPENCODE_URL is set" });
    }
  });
export type Settings = z.infer<typeof Settings>;

declare global {
  namespace Cloudflare {
    /** The bindings wrangler generates, plus the settings above. */
    interface Env extends Settings {}
  }
}

/** Bindings and settings the Worker receives. */
export type Env = Cloudflare.Env;

const checked = new WeakMap<object, string | null>();

/**
 * Why these settings cannot work ("OPENCODE_CONTEXT_TOKENS must be a whole number"), or null.
 * Checked once per env object; names what is wrong, never a value.
 */
export function settingsProblem(env: Env): string | null {
  let problem = checked.get(env);
  if (problem === undefined) {
    const result = Settings.safeParse(env);
    problem = result.success ? null : result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ");
    checked.set(env, problem);
    if (problem) console.error(`configuration: ${problem}`);
    else for (const missing of missingSettings(env)) warnOnce(`configuration: ${missing}`);
  }
  return problem;
}

/** What a deployment lacks, in words that say what stops working. */
export function missingSettings(env: Env): string[] {
  const missing: string[] = [];
  if (!env.DATABASE_URL) missing.push("DATABASE_URL is not set: every API call answers 503");
  if (!env.WEBHOOK_SECRET_KEY) missing.push("WEBHOOK_SECRET_KEY is not set: meters cannot be created or post readings");
  if (!env.SUPABASE_URL && !env.DEV_AUTH_SECRET) missing.push("neither SUPABASE_URL nor DEV_AUTH_SECRET is set: nobody can sign in");
  return missing;
}

const warned = new Set<string>();
function warnOnce(message: string) {
  if (warned.has(message)) return;
  warned.add(message);
  console.error(message);
}

export interface AuthenticatedUser {
  id: string;
  email: string | null;
}

export interface AppVariables {
  db: Database;
  user: AuthenticatedUser;
  /** The home the request acts on and the person's role there (homes/resolve.ts). */
  home: ResolvedHome;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

import { auditSignIn } from "../audit/service";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { routeNotFound } from "../errors";
import { ensureUser } from "../users/queries";
import type { AuthSetup, DevSignIn } from "./contract";
import { authConfig, devUserId, mintDevToken } from "./tokens";

/** What the web app needs to sign people in; never a secret (the anon key is public by design). */
export function authSetup(env: Env): AuthSetup {
  const config = authConfig(env);
  if (config.mode === "supabase") return { mode: "supabase", supabaseUrl: env.SUPABASE_URL!, anonKey: env.SUPABASE_ANON_KEY ?? "" };
  return { mode: config.mode };
}

/** Dev sign-in by email. With Supabase (or nothing) configured it must look like it does not exist. */
export async function devSignIn(db: Database, env: Env, email: string): Promise<DevSignIn> {
  const config = authConfig(env);
  if (config.mode !== "dev") throw routeNotFound("POST", "/api/auth/dev");
  const user = { id: await devUserId(email), email };
  await ensureUser(db, user);
  await auditSignIn(db, user.id);
  const { token, expiresAt } = await mintDevToken(config.secret, user);
  return { access_token: token, token_type: "bearer", expires_at: expiresAt, user };
}

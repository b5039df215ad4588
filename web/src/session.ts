import { type AuthSetup, wattboard } from "./api/wattboard";

/** The signed-in person, however they signed in. */
export interface Session {
  accessToken: string;
  email: string;
  signOut(): Promise<void>;
}

const DEV_SESSION_KEY = "wattboard.devSession";

export function restoreDevSession(): Session | null {
  const stored = localStorage.getItem(DEV_SESSION_KEY);
  if (!stored) return null;
  const { accessToken, email, expiresAt } = JSON.parse(stored) as { accessToken: string; email: string; expiresAt: number };
  if (expiresAt * 1000 <= Date.now()) {
    localStorage.removeItem(DEV_SESSION_KEY);
    return null;
  }
  return devSession(accessToken, email);
}

export async function devSignIn(email: string): Promise<Session> {
  const result = await wattboard.devSignIn(email);
  localStorage.setItem(
    DEV_SESSION_KEY,
    JSON.stringify({ accessToken: result.access_token, email: result.user.email, expiresAt: result.expires_at }),
  );
  return devSession(result.access_token, result.user.email);
}

function devSession(accessToken: string, email: string): Session {
  return { accessToken, email, signOut: async () => localStorage.removeItem(DEV_SESSION_KEY) };
}

/** supabase-js is loaded only when a Supabase project is configured, so dev mode stays light. */
export async function supabaseClient(setup: Extract<AuthSetup, { mode: "supabase" }>) {
  const { createClient } = await import("@supabase/supabase-js");
  return createClient(setup.supabaseUrl, setup.anonKey);
}

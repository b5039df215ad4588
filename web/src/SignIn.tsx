import { type FormEvent, useState } from "react";
import type { AuthSetup } from "./api/wattboard";
import { devSignIn, type Session, supabaseClient } from "./session";
import { ErrorLine } from "./ui/ErrorLine";

/** The account the demo feed fills (scripts/demo/demo-feed.ts). */
const DEMO_EMAIL = "demo@wattboard.local";

export function SignIn({ setup, onSignedIn }: { setup: AuthSetup; onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(event: FormEvent | null, as: string) {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (setup.mode === "dev") onSignedIn(await devSignIn(as));
      if (setup.mode === "supabase") {
        const client = await supabaseClient(setup);
        const { error: signInError } = await client.auth.signInWithPassword({ email, password });
        if (signInError) throw signInError;
      }
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  if (setup.mode === "unconfigured") {
    return (
      <main className="centered">
        <div className="card sign-in">
          <h1>Sign-in is not configured</h1>
          <p>
            Set SUPABASE_URL and SUPABASE_ANON_KEY on the Worker (see the README), or run <code>npm run dev</code> for dev sign-in.
          </p>
        </div>
      </main>
    );
  }

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={(event) => void signIn(event, email)}>
        <h1>
          <span className="logo" aria-hidden="true">
            ⚡
          </span>{" "}
          Wattboard
        </h1>
        {setup.mode === "dev" && (
          <p className="notice">
            <strong>Dev mode.</strong> No Supabase project is configured: any email signs you in, no password. Your data stays in the local
            database.
          </p>
        )}
        <label>
          Email
          <input
            type="email"
            required
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="you@example.com"
          />
        </label>
        {setup.mode === "supabase" && (
          <label>
            Password
            <input
              type="password"
              required
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        )}
        <ErrorLine error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {setup.mode === "dev" && (
          // Signs in at once: the demo is for looking around, there is nothing to type.
          <button type="button" onClick={() => void signIn(null, DEMO_EMAIL)} disabled={busy}>
            Use the demo account (live meters from real households)
          </button>
        )}
      </form>
    </main>
  );
}

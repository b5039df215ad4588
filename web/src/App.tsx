import { useCallback, useEffect, useState } from "react";
import { setAccessToken } from "./api/client";
import { type AuthSetup, wattboard } from "./api/wattboard";
import { Shell } from "./Shell";
import { SignIn } from "./SignIn";
import { restoreDevSession, type Session, supabaseClient } from "./session";

export function App() {
  const [setup, setSetup] = useState<AuthSetup | null>(null);
  const [setupError, setSetupError] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(null);

  const signedOut = useCallback(() => {
    setAccessToken(null);
    setSession(null);
  }, []);

  const signedIn = useCallback(
    (next: Session) => {
      setAccessToken(next.accessToken, () => void next.signOut().then(signedOut));
      setSession(next);
    },
    [signedOut],
  );

  useEffect(() => {
    wattboard.authSetup().then(setSetup, (error: Error) => setSetupError(error.message));
  }, []);

  useEffect(() => {
    if (setup?.mode === "dev") {
      const restored = restoreDevSession();
      if (restored) signedIn(restored);
    }
    if (setup?.mode === "supabase") {
      let unsubscribe = () => {};
      void supabaseClient(setup).then((client) => {
        const { data } = client.auth.onAuthStateChange((_event, supabaseSession) => {
          if (!supabaseSession) return signedOut();
          signedIn({
            accessToken: supabaseSession.access_token,
            email: supabaseSession.user.email ?? "",
            signOut: async () => void (await client.auth.signOut()),
          });
        });
        unsubscribe = () => data.subscription.unsubscribe();
      });
      return () => unsubscribe();
    }
  }, [setup, signedIn, signedOut]);

  if (setupError)
    return (
      <main className="centered">
        <p className="error">{setupError}</p>
      </main>
    );
  if (!setup) return <main className="centered" aria-busy="true" />;
  if (!session) return <SignIn setup={setup} onSignedIn={signedIn} />;
  return <Shell session={session} onSignOut={() => void session.signOut().then(signedOut)} />;
}

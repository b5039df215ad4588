/** Values the global setup hands to the tests (vitest provide/inject). */
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbWsProxy: string;
    /** The test database behind a front that tests/setup/stoppable-postgres.ts can stop and start. */
    stoppableDatabaseUrl: string;
    stoppableControl: string;
    databaseKind: "embedded" | "external";
    supabaseUrl: string;
    supabasePrivateJwk: string;
    supabasePublicJwk: string;
    /** A recording HTTP receiver on 127.0.0.1 (tests/setup/recording-server.ts). */
    receiverUrl: string;
  }
}

export {};

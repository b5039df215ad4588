/** Values the global setup hands to the tests (vitest provide/inject). */
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbWsProxy: string;
    databaseKind: "embedded" | "external";
    supabaseUrl: string;
    supabasePrivateJwk: string;
    supabasePublicJwk: string;
  }
}
export {};

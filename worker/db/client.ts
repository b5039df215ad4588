import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "./schema";

export type Database = ReturnType<typeof drizzle<typeof schema>>;
/** A transaction on the request's connection; queries that must commit together take this or a Database. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseConnection {
  db: Database;
  /** Ends the pool's sockets; call it once the request is done (in waitUntil). */
  close(): Promise<void>;
}

/**
 * Locally there is no Neon endpoint: a small WebSocket-to-TCP proxy (scripts/local-stack) sits in
 * front of Postgres. These settings are global to the driver, and the same for every request.
 * pipelineConnect must be off: it breaks SCRAM auth and hangs PGlite.
 */
function routeThroughLocalProxy(proxyHost: string): void {
  neonConfig.wsProxy = (host, port) => `${proxyHost}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
}

/**
 * Long enough to wait out a burst queued at the pooler (Neon's, or the local proxy's) and a
 * suspended Neon compute waking up; a refused or lost connection still fails at once (503).
 */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * One pool per request (Workers cannot share sockets across requests). A single connection keeps
 * every request on one Postgres session, which the embedded PGlite needs: a second connection
 * while a transaction is open would wait forever.
 */
export function connectDatabase(databaseUrl: string, localProxy?: string): DatabaseConnection {
  if (localProxy) routeThroughLocalProxy(localProxy);
  const pool = new Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A socket error (e.g. Postgres stopping) must not crash the isolate, whether the client is
  // idle or checked out for a transaction: the query in flight fails with it anyway.
  pool.on("error", () => {});
  pool.on("connect", (client: { on(event: "error", listener: () => void): void }) => client.on("error", () => {}));
  return { db: drizzle({ client: pool, schema }), close: () => pool.end() };
}

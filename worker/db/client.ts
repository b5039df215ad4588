import { neon, neonConfig, Pool, type PoolConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";

/**
 * Without the relational-query schema (`db.query.*`, which nothing uses): drizzle() builds that
 * schema's relational config on every call, about half a millisecond of CPU per request.
 */
export type Database = ReturnType<typeof drizzle>;
/** A transaction on the request's connection; queries that must commit together take this or a Database. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseConnection {
  db: Database;
  /** Ends the pool's sockets; call it once the request is done (in waitUntil). */
  close(): Promise<void>;
}

/**
 * Locally there is no Neon endpoint: a small WebSocket-to-TCP proxy (scripts/local-stack) sits in
 * front of Postgres and serves Neon's SQL-over-HTTP endpoint on the same port. These settings are
 * global to the driver, and the same for every request. pipelineConnect must be off: it breaks
 * SCRAM auth and hangs PGlite.
 */
function routeThroughLocalProxy(proxyHost: string): void {
  neonConfig.wsProxy = (host, port) => `${proxyHost}/v1?address=${host}:${port}`;
  neonConfig.fetchEndpoint = `http://${proxyHost}/sql`;
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
 * The request's pool. A one-shot `query()` (every drizzle read or write outside a transaction, and
 * `db.$client.query`) goes over Neon's SQL-over-HTTP endpoint: one HTTPS request to Neon's proxy,
 * which keeps its Postgres connections warm, instead of a WebSocket, a Postgres startup and
 * authentication per request. `connect()` (drizzle's `transaction()`) still opens the one
 * WebSocket connection, lazily, only when a transaction runs, so a transaction keeps its session.
 *
 * The driver's own `poolQueryViaFetch` does the same but drops the port from the connection
 * string (a local Postgres is not on 5432), and is turned off by the "connect" listener below.
 */
export class HttpQueryPool extends Pool {
  private readonly http: ReturnType<typeof neon<false, true>>;

  constructor(config: PoolConfig & { connectionString: string }) {
    super(config);
    this.http = neon(config.connectionString, { fullResults: true });
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() overloads (config or text, values, callback)
  override query(config: any, values?: any, callback?: any): any {
    if (
      typeof config === "function" ||
      typeof values === "function" ||
      typeof callback === "function" ||
      typeof config?.submit === "function"
    )
      return super.query(config, values, callback);
    const text: string = typeof config === "string" ? config : config.text;
    const params: unknown[] = values ?? config?.values ?? [];
    return this.http.query(text, params, { arrayMode: config?.rowMode === "array", types: config?.types ?? this.options?.types });
  }

  /**
   * The statements as one non-interactive transaction in one HTTPS request (Neon's batch: the
   * endpoint runs BEGIN, each statement in order, COMMIT, on one of its warm connections), so a
   * write that needs no answer between its statements pays no WebSocket, no Postgres startup and
   * one round trip instead of one per statement. Read committed, said rather than left to the
   * server's default: each statement takes a new snapshot, so those after one that waited for a
   * row lock see what the lock's holder committed (ingest relies on it: rollups/queries.ts).
   */
  transactionBatch(statements: { text: string; values: unknown[] }[]): Promise<{ rows: unknown[] }[]> {
    return this.http.transaction((batch) => statements.map(({ text, values }) => batch.query(text, values)), {
      fullResults: true,
      types: this.options?.types,
      isolationLevel: "ReadCommitted",
    });
  }
}

/**
 * One pool per request (Workers cannot share sockets across requests). Its single connection, when
 * a transaction opens one, keeps that transaction on one Postgres session; the embedded PGlite has
 * only one, so nothing may query through another connection (HTTP included) while a transaction is
 * open and wait for it: the local endpoint runs an HTTP query only between transactions there.
 */
export function connectDatabase(
  databaseUrl: string,
  localProxy?: string,
  oneShotQueries: "http" | "websocket" = "http",
): DatabaseConnection {
  if (localProxy) routeThroughLocalProxy(localProxy);
  const pool = new (oneShotQueries === "http" ? HttpQueryPool : Pool)({
    connectionString: databaseUrl,
    max: 1,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A socket error (e.g. Postgres stopping) must not crash the isolate, whether the client is
  // idle or checked out for a transaction: the query in flight fails with it anyway.
  pool.on("error", () => {});
  pool.on("connect", (client: { on(event: "error", listener: () => void): void }) => client.on("error", () => {}));
  return { db: drizzle({ client: pool }), close: () => pool.end() };
}

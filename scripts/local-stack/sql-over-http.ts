import type http from "node:http";
import pg from "pg";

/**
 * Neon's SQL-over-HTTP endpoint, served locally (the Worker's one-shot queries use it, as they use
 * Neon's own in production): `POST /sql` with the target in `Neon-Connection-String` and a JSON body
 * `{"query", "params"}` (or `{"queries": [...]}`, a batch run in one transaction shaped by the
 * `Neon-Batch-Isolation-Level`, `-Read-Only` and `-Deferrable` headers). The answer is
 * `{"command", "rowCount", "fields", "rows", "rowAsArray"}` (a batch: `{"results": [...]}`), every
 * value as Postgres's text output (the driver parses it with node-postgres's type parsers, drizzle's
 * overrides included; it always sends `Neon-Raw-Text-Output: true`), rows as arrays when
 * `Neon-Array-Mode: true`. A Postgres error answers 400 with its fields (`message`, `code`, `detail`,
 * ...); a Postgres that cannot be reached answers 503 with a text saying so.
 *
 * Queries run on a `pg` pool per target, kept warm between requests (the point: no new Postgres
 * connection per query). Only loopback targets are served, like the WebSocket proxy.
 */

/** Lets a query run alone on a shared session (PGlite): held from before connecting until the answer. */
export type SessionGate = (target: string) => ((work: () => Promise<void>) => Promise<void>) | undefined;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
/** Per target; Postgres 15 allows 100 and the WebSocket proxy takes up to 40. */
const POOL_SIZE = Number(process.env.PG_HTTP_POOL_SIZE ?? 20);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Every value stays as Postgres's text: the client parses it. */
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

interface Statement {
  query: string;
  params?: unknown[];
}

/** A statement the endpoint ran, as received (for benchmarks that replay a request's SQL). */
export type SqlObserver = (statement: { query: string; params: unknown[] }) => void;

export interface SqlOverHttp {
  handle(request: http.IncomingMessage, response: http.ServerResponse): void;
  /** Calls `observer` with every statement received until the returned function is called. */
  observe(observer: SqlObserver): () => void;
  close(): Promise<void>;
}

export function sqlOverHttp(gate: SessionGate, poolSize = POOL_SIZE): SqlOverHttp {
  const pools = new Map<string, pg.Pool>();
  const observers = new Set<SqlObserver>();
  const poolFor = (connectionString: string, oneSession: boolean) => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: oneSession ? 1 : poolSize, idleTimeoutMillis: 10_000, types: rawText });
      // An idle connection dropped (Postgres stopped): the pool replaces it on the next query.
      pool.on("error", () => {});
      // ... and one dropped while it runs a query fails that query, never the process.
      pool.on("connect", (client) => client.on("error", () => {}));
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const connectionString = request.headers["neon-connection-string"];
    let target: URL;
    try {
      target = new URL(String(connectionString));
    } catch {
      return answerText(response, 400, "Neon-Connection-String is missing or not a URL");
    }
    if (!LOOPBACK.has(target.hostname)) return answerText(response, 403, "only loopback databases are served");
    let body: { query?: string; params?: unknown[]; queries?: Statement[] };
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      return answerText(response, 400, `body is not JSON: ${(error as Error).message}`);
    }
    for (const observer of observers)
      for (const statement of body.queries ?? [{ query: body.query ?? "", params: body.params }])
        observer({ query: statement.query, params: statement.params ?? [] });
    const arrayMode = request.headers["neon-array-mode"] === "true";
    const run = gate(`${target.hostname}:${target.port || "5432"}`);
    const pool = poolFor(String(connectionString), run !== undefined);
    let answer: unknown;
    const work = async () => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new Unreachable(error as Error);
      }
      let broken: Error | undefined;
      try {
        if (body.queries) answer = { results: await batch(client, body.queries, request.headers, arrayMode) };
        else answer = await one(client, { query: body.query ?? "", params: body.params }, arrayMode);
      } catch (error) {
        // A connection that failed outside Postgres's answer is not handed out again.
        if (!(error as { code?: string }).code) broken = error as Error;
        throw error;
      } finally {
        client.release(broken);
      }
    };
    try {
      await (run ? run(work) : work());
      answerJson(response, 200, answer);
    } catch (error) {
      if (error instanceof Unreachable) return answerText(response, 503, `could not connect to Postgres: ${error.cause.message}`);
      answerJson(response, 400, errorBody(error as Error & Record<string, unknown>));
    }
  };

  return {
    handle: (request, response) => {
      handle(request, response).catch((error: Error) => {
        if (!response.headersSent) answerText(response, 500, error.message);
      });
    },
    observe: (observer) => {
      observers.add(observer);
      return () => void observers.delete(observer);
    },
    close: async () => {
      const closing = [...pools.values()].map((pool) => pool.end().catch(() => {}));
      pools.clear();
      await Promise.all(closing);
    },
  };
}

class Unreachable extends Error {
  constructor(readonly cause: Error) {
    super(cause.message);
  }
}

async function one(client: pg.PoolClient, statement: Statement, arrayMode: boolean) {
  const result = await client.query({
    text: statement.query,
    values: statement.params ?? [],
    rowMode: arrayMode ? "array" : undefined,
    types: rawText,
  } as pg.QueryConfig);
  // Several statements without parameters (simple protocol) answer each: the last one stands.
  const last = (Array.isArray(result) ? result.at(-1) : result) as pg.QueryResult;
  return {
    command: last.command,
    rowCount: last.rowCount,
    fields: last.fields.map(({ name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format }) => ({
      name,
      tableID,
      columnID,
      dataTypeID,
      dataTypeSize,
      dataTypeModifier,
      format,
    })),
    rows: last.rows,
    rowAsArray: arrayMode,
  };
}

async function batch(client: pg.PoolClient, statements: Statement[], headers: http.IncomingHttpHeaders, arrayMode: boolean) {
  const level = headers["neon-batch-isolation-level"];
  const modes = [
    typeof level === "string" && /^[A-Za-z]+$/.test(level)
      ? `ISOLATION LEVEL ${level.replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase()}`
      : "",
    headers["neon-batch-read-only"] === "true" ? "READ ONLY" : "",
    headers["neon-batch-deferrable"] === "true" ? "DEFERRABLE" : "",
  ].filter(Boolean);
  await client.query(`BEGIN ${modes.join(" ")}`);
  try {
    const results = [];
    for (const statement of statements) results.push(await one(client, statement, arrayMode));
    await client.query("COMMIT");
    return results;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

function errorBody(error: Error & Record<string, unknown>) {
  const body: Record<string, unknown> = { message: error.message };
  for (const field of ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
  return body;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return void request.destroy(new Error("body too large"));
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function answerJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function answerText(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "text/plain" }).end(text);
}

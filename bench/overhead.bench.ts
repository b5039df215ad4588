import { Client, neon, type Pool } from "@neondatabase/serverless";
import { type BenchResult, type BenchStack, median } from "./harness";

const RUNS = 30;

/**
 * Fixed costs every API request pays before its own query, so small-query ratios can be read:
 * an authenticated request that touches no database, opening a Postgres connection (what a
 * transaction still pays, once per request) and a one-shot query over SQL-over-HTTP (what every
 * other query pays), each against a query on an open connection.
 */
export async function benchOverhead(stack: BenchStack, pool: Pool, databaseUrl: string): Promise<Record<string, BenchResult>> {
  const request: number[] = [];
  const connect: number[] = [];
  const query: number[] = [];
  const overHttp: number[] = [];
  const http = neon(databaseUrl);
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    await (await fetch(`${stack.baseUrl}/api/me`, { headers: { Authorization: `Bearer ${stack.token}` } })).text();
    request.push(performance.now() - t);

    t = performance.now();
    const client = new Client(databaseUrl);
    await client.connect();
    await client.query("SELECT 1");
    connect.push(performance.now() - t);
    await client.end();

    t = performance.now();
    await http.query("SELECT 1");
    overHttp.push(performance.now() - t);

    t = performance.now();
    await pool.query("SELECT 1");
    query.push(performance.now() - t);
  }
  return {
    overhead_request: {
      value: Number(median(request).toFixed(2)),
      unit: "ms",
      note: `median of ${RUNS}: GET /api/me (HTTP, JWT check, no database) through workerd`,
    },
    overhead_db_connect: {
      value: Number(median(connect).toFixed(2)),
      unit: "ms",
      reference: Number(median(query).toFixed(2)),
      ratio: Number((median(connect) / median(query)).toFixed(3)),
      note: "new connection + SELECT 1 (what a Worker request that runs a transaction pays once) vs SELECT 1 on an open connection",
    },
    overhead_db_http: {
      value: Number(median(overHttp).toFixed(2)),
      unit: "ms",
      reference: Number(median(query).toFixed(2)),
      ratio: Number((median(overHttp) / median(query)).toFixed(3)),
      note: "SELECT 1 over SQL-over-HTTP (the Worker's one-shot queries; locally the proxy's POST /sql on a warm pg pool) vs SELECT 1 on an open connection",
    },
  };
}

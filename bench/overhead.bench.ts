import { Client, type Pool } from "@neondatabase/serverless";
import { type BenchResult, type BenchStack, median } from "./harness";

const RUNS = 30;

/**
 * Fixed costs every API request pays before its own query, so small-query ratios can be read:
 * an authenticated request that touches no database, and opening a Postgres connection (the
 * Worker opens one per request) against a query on an open connection.
 */
export async function benchOverhead(stack: BenchStack, pool: Pool, databaseUrl: string): Promise<Record<string, BenchResult>> {
  const request: number[] = [];
  const connect: number[] = [];
  const query: number[] = [];
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
      note: "new connection + SELECT 1 (what each Worker request pays) vs SELECT 1 on an open connection",
    },
  };
}

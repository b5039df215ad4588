import { type Database, HttpQueryPool } from "./client";

/** Whatever runs parameterised SQL text: the request's pool, or the connection a transaction holds. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** One parameterised statement. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** A drizzle database's pool, or a client as it is. */
export function sqlClientOf(db: Database | SqlClient): SqlClient {
  return "$client" in db ? db.$client : db;
}

/**
 * Runs `work` in one transaction on a connection of the pool (the request's only one): committed
 * when it resolves, rolled back when it throws. Nothing else may query the same pool meanwhile.
 */
export async function inTransaction<T>(db: Database, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const client = await db.$client.connect();
  // A connection that cannot even roll back is broken: dropped, not returned to the pool.
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `statements` in one transaction, in order, and answers each one's result: over Neon's
 * SQL-over-HTTP path in one request (client.ts, HttpQueryPool.transactionBatch) when the pool has
 * it, else on the pool's connection (DB_ONE_SHOT_QUERIES=websocket). For writes whose later
 * statements need nothing from the earlier ones' answers but what SQL can read itself.
 */
export async function transactionBatch(db: Database, statements: Statement[]): Promise<{ rows: unknown[] }[]> {
  const pool = db.$client;
  if (pool instanceof HttpQueryPool) return pool.transactionBatch(statements);
  return inTransaction(db, async (client) => {
    const results: { rows: unknown[] }[] = [];
    for (const { text, values } of statements) results.push(await client.query(text, values));
    return results;
  });
}

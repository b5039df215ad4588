import type { Database } from "./client";

/** Whatever runs parameterised SQL text: the request's pool, or the connection a transaction holds. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
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

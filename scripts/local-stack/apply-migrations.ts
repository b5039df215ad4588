import { fileURLToPath } from "node:url";
import { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { configureNodeDriver } from "./node-driver";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Applies the drizzle-kit migrations in migrations/ that the database has not seen yet. */
export async function migrateDatabase(databaseUrl: string, wsProxy?: string): Promise<void> {
  await withPool(databaseUrl, wsProxy, (pool) => migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_FOLDER }));
}

/** Drops everything the app created, for test runs that must start from an empty database. */
export async function resetDatabase(databaseUrl: string, wsProxy?: string): Promise<void> {
  await withPool(databaseUrl, wsProxy, async (pool) => {
    await pool.query("DROP SCHEMA IF EXISTS drizzle CASCADE");
    await pool.query("DROP SCHEMA IF EXISTS public CASCADE");
    await pool.query("CREATE SCHEMA public");
  });
}

export async function withPool<T>(databaseUrl: string, wsProxy: string | undefined, work: (pool: Pool) => Promise<T>): Promise<T> {
  configureNodeDriver(wsProxy);
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

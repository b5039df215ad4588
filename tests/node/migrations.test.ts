import { readFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { migrateDatabase, withPool } from "../../scripts/local-stack/apply-migrations";
import { onFreshDatabases } from "../support/fresh-databases";

const journal = JSON.parse(readFileSync(new URL("../../migrations/meta/_journal.json", import.meta.url), "utf8")) as { entries: unknown[] };

async function schemaOf(url: string, proxy: string | undefined) {
  return withPool(url, proxy, async (pool) => {
    const tables = await pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    const indexes = await pool.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
    const applied = await pool.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
    return {
      tables: tables.rows.map((r) => r.table_name),
      indexes: indexes.rows.map((r) => r.indexname),
      applied: applied.rows[0].n as number,
    };
  });
}

async function expectMigratesFromEmpty(url: string, proxy: string | undefined) {
  await migrateDatabase(url, proxy);
  const first = await schemaOf(url, proxy);
  expect(first.tables).toEqual(expect.arrayContaining(["users", "tabs", "charts"]));
  expect(first.indexes).toEqual(expect.arrayContaining(["tabs_owner_position_idx", "charts_tab_idx", "charts_owner_idx"]));
  expect(first.applied).toBe(journal.entries.length);
  // Applying again changes nothing.
  await migrateDatabase(url, proxy);
  expect(await schemaOf(url, proxy)).toEqual(first);
}

describe("migrations from an empty database", () => {
  onFreshDatabases("apply", expectMigratesFromEmpty);
});

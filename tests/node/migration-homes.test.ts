import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { describe, expect } from "vitest";
import { migrateDatabase, withPool } from "../../scripts/local-stack/apply-migrations";
import { onFreshDatabases } from "../support/fresh-databases";

/** The last migration before homes: the database is filled in the shape it left. */
const BEFORE_HOMES = "0018_annotations";
const MIGRATIONS = fileURLToPath(new URL("../../migrations", import.meta.url));

/** A copy of migrations/ that stops at BEFORE_HOMES. */
function migrationsUpToBeforeHomes(): string {
  const folder = mkdtempSync(join(tmpdir(), "wattboard-migrations-"));
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === BEFORE_HOMES);
  expect(last).toBeGreaterThan(0);
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, last + 1) }));
  return folder;
}

const ALICE = "aaaaaaaa-0000-4000-8000-000000000001";
const BOB = "bbbbbbbb-0000-4000-8000-000000000002";

/** Each person's rows in the old shape: owner_id is the user's id everywhere. */
async function fillOldShape(pool: Pool) {
  await pool.query(
    `INSERT INTO users (id, email, raw_retention_days) VALUES ($1, 'alice@example.test', 30), ($2, 'bob@example.test', NULL)`,
    [ALICE, BOB],
  );
  for (const [owner, n] of [
    [ALICE, 2],
    [BOB, 1],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const meter = (
        await pool.query(`INSERT INTO meters (owner_id, name, timezone) VALUES ($1, $2, 'Europe/London') RETURNING id`, [
          owner,
          `Meter ${i}`,
        ])
      ).rows[0].id;
      await pool.query(
        `INSERT INTO readings (meter_id, ts, power_w) VALUES ($1, '2026-01-01T00:00Z', 100), ($1, '2026-01-01T01:00Z', 200)`,
        [meter],
      );
      const tab = (
        await pool.query(`INSERT INTO tabs (owner_id, title, position) VALUES ($1, $2, $3) RETURNING id`, [owner, `Tab ${i}`, i])
      ).rows[0].id;
      const chart = (
        await pool.query(
          `INSERT INTO charts (owner_id, tab_id, title, spec, layout) VALUES ($1, $2, 'Power', '{"meterIds": []}', '{"x":0,"y":0,"w":6,"h":8}') RETURNING id`,
          [owner, tab],
        )
      ).rows[0].id;
      await pool.query(`INSERT INTO shares (token, owner_id, kind, target_id) VALUES ($1, $2, 'chart', $3)`, [
        `token-${owner}-${i}`,
        owner,
        chart,
      ]);
      await pool.query(`INSERT INTO meter_write_tokens (owner_id, meter_id, name, token_hash, prefix) VALUES ($1, $2, 'HA', $3, 'wbw_')`, [
        owner,
        meter,
        `hash-${owner}-${i}`,
      ]);
      await pool.query(
        `INSERT INTO alert_rules (owner_id, meter_id, name, kind, params) VALUES ($1, $2, 'Peak', 'threshold', '{"kind":"threshold"}')`,
        [owner, meter],
      );
    }
    await pool.query(
      `INSERT INTO tariffs (owner_id, name, currency, starts_at, slot_minutes, prices) VALUES ($1, 'Agile', 'GBP', '2026-01-01T00:00Z', 30, '{0.1,0.2}')`,
      [owner],
    );
    await pool.query(`INSERT INTO notifications (owner_id, kind, title, body, context) VALUES ($1, 'test', 'Hello', 'Body', '[]')`, [
      owner,
    ]);
  }
}

const OWNED = ["meters", "tabs", "charts", "shares", "meter_write_tokens", "alert_rules", "tariffs", "notifications"];

async function countsByOwner(pool: Pool): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const table of OWNED) {
    const rows = (await pool.query(`SELECT owner_id, count(*)::int AS n FROM ${table} GROUP BY owner_id`)).rows as {
      owner_id: string;
      n: number;
    }[];
    counts[table] = Object.fromEntries(rows.map((r) => [r.owner_id, r.n]));
  }
  const readings = (
    await pool.query(`SELECT m.owner_id, count(*)::int AS n FROM readings r JOIN meters m ON m.id = r.meter_id GROUP BY m.owner_id`)
  ).rows as { owner_id: string; n: number }[];
  counts.readings = Object.fromEntries(readings.map((r) => [r.owner_id, r.n]));
  return counts;
}

async function expectEveryoneKeepsTheirData(url: string, proxy: string | undefined) {
  const folder = migrationsUpToBeforeHomes();
  try {
    await withPool(url, proxy, (pool) => migrate(drizzle({ client: pool }), { migrationsFolder: folder }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const before = await withPool(url, proxy, async (pool) => {
    await fillOldShape(pool);
    return countsByOwner(pool);
  });
  expect(before.meters).toEqual({ [ALICE]: 2, [BOB]: 1 });

  await migrateDatabase(url, proxy);

  await withPool(url, proxy, async (pool) => {
    // Every row is where it was: owner_id is now the personal home, whose id is the person's.
    expect(await countsByOwner(pool)).toEqual(before);
    const homes = (await pool.query(`SELECT id, name, raw_retention_days FROM homes ORDER BY id`)).rows;
    expect(homes).toEqual([
      { id: ALICE, name: "My home", raw_retention_days: 30 },
      { id: BOB, name: "My home", raw_retention_days: null },
    ]);
    const members = (await pool.query(`SELECT home_id, user_id, role FROM home_members ORDER BY home_id`)).rows;
    expect(members).toEqual([
      { home_id: ALICE, user_id: ALICE, role: "owner" },
      { home_id: BOB, user_id: BOB, role: "owner" },
    ]);
    // Home-owned tables now point at homes: a row of a home that does not exist is refused…
    await expect(pool.query(`INSERT INTO tabs (owner_id, title, position) VALUES (gen_random_uuid(), 'Orphan', 0)`)).rejects.toThrow(
      /foreign key/,
    );
    // …and deleting a home deletes what it owns, while its people and their notifications stay.
    await pool.query(`DELETE FROM homes WHERE id = $1`, [BOB]);
    const after = await countsByOwner(pool);
    expect(after.meters).toEqual({ [ALICE]: 2 });
    expect(after.notifications).toEqual(before.notifications);
  });
}

describe("migration 0019: homes", () => {
  onFreshDatabases("moves a database of the old shape into personal homes", expectEveryoneKeepsTheirData);
});

/**
 * The local SQL-over-HTTP endpoint (scripts/local-stack/sql-over-http.ts) behind the Worker's pool
 * (worker/db/client.ts): one-shot queries go over HTTP and open no WebSocket, give the same values
 * as the same query on the WebSocket connection (drizzle's array mode and type parsers, pg's
 * defaults for $client.query), and fail the way the WebSocket path fails.
 */
import { sql } from "drizzle-orm";
import { doublePrecision, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDatabase, startLocalDatabase } from "../../scripts/local-stack/database";
import { configureNodeDriver } from "../../scripts/local-stack/node-driver";
import { type PgWebSocketProxy, startPgWebSocketProxy } from "../../scripts/local-stack/pg-ws-proxy";
import { connectDatabase } from "../../worker/db/client";
import { isDatabaseUnavailable } from "../../worker/errors";

const tableName = `sql_over_http_${process.pid}_${Date.now()}`;
const things = pgTable(tableName, {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  at: timestamp("at", { withTimezone: true, mode: "date" }),
  values: doublePrecision("values").array(),
  meta: jsonb("meta"),
});

let database: LocalDatabase;
let proxy: PgWebSocketProxy;
beforeAll(async () => {
  database = await startLocalDatabase({ databaseUrl: process.env.TEST_DATABASE_URL });
  // A proxy of this test's own, so the tunnels it counts are only this file's.
  proxy = await startPgWebSocketProxy(0, undefined, { oneSession: database.kind === "embedded" });
  configureNodeDriver(proxy.address);
  const { db, close } = connectDatabase(database.databaseUrl, proxy.address);
  await db.execute(
    sql.raw(`CREATE TABLE ${tableName} (id int PRIMARY KEY, name text NOT NULL, at timestamptz, "values" float8[], meta jsonb)`),
  );
  await close();
});
afterAll(async () => {
  const { db, close } = connectDatabase(database.databaseUrl, proxy.address);
  await db.execute(sql.raw(`DROP TABLE IF EXISTS ${tableName}`));
  await close();
  await proxy.close();
  await database.stop();
});

describe("SQL over HTTP (the Worker's one-shot queries)", () => {
  it("reads and writes through drizzle without opening a WebSocket, with the same values as a transaction", async () => {
    const { db, close } = connectDatabase(database.databaseUrl, proxy.address);
    try {
      const at = new Date("2025-03-30T00:59:59.123Z");
      const inserted = await db
        .insert(things)
        .values([
          { id: 1, name: "it's", at, values: [1.5, -2, 1e-12], meta: { a: [1, "b"], nested: { ok: true } } },
          { id: 2, name: "nulls", at: null, values: null, meta: null },
        ])
        .returning();
      expect(proxy.openTunnels()).toBe(0);
      const overHttp = await db.select().from(things).orderBy(things.id);
      const rawText = `SELECT id, at, "values", meta, $1::int8 AS big, $2::numeric AS exact, $3::timestamptz AS param, interval '90 minutes' AS span FROM ${tableName} ORDER BY id`;
      const rawParams = ["9007199254740993", "1.10", at];
      const raw = await db.$client.query(rawText, rawParams);
      const executed = await db.execute(sql.raw(`SELECT at, now() - now() AS span, '{1,2}'::int[] AS ints FROM ${tableName} ORDER BY id`));
      expect(proxy.openTunnels()).toBe(0);
      const [inTransaction, executedInTransaction] = await db.transaction(async (tx) => [
        await tx.select().from(things).orderBy(things.id),
        await tx.execute(sql.raw(`SELECT at, now() - now() AS span, '{1,2}'::int[] AS ints FROM ${tableName} ORDER BY id`)),
      ]);
      // The same query with pg's default parsers on a WebSocket connection.
      const client = await db.$client.connect();
      const rawOnSocket = await client.query(rawText, rawParams).finally(() => client.release());
      expect(inserted).toEqual(inTransaction);
      expect(overHttp).toEqual(inTransaction);
      expect(overHttp[0]).toMatchObject({ name: "it's", at, values: [1.5, -2, 1e-12], meta: { a: [1, "b"], nested: { ok: true } } });
      expect(executed.rows).toEqual(executedInTransaction.rows);
      expect(raw.rows).toEqual(rawOnSocket.rows);
      expect(raw.rows[0]).toMatchObject({ big: "9007199254740993", exact: "1.10", param: at });
      expect(raw.rowCount).toBe(2);
    } finally {
      await close();
    }
  });

  it("fails with Postgres's error code, and as unavailable when Postgres cannot be reached", async () => {
    const { db, close } = connectDatabase(database.databaseUrl, proxy.address);
    try {
      const duplicate = await db
        .insert(things)
        .values({ id: 1, name: "again" })
        .catch((error: unknown) => error);
      expect((duplicate as { cause?: { code?: string } }).cause?.code).toBe("23505");
      expect(isDatabaseUnavailable(duplicate)).toBe(false);
      const syntax = await db.$client.query("SELEC 1").catch((error: unknown) => error);
      expect((syntax as { code?: string }).code).toBe("42601");
      // The connection survives an error.
      expect((await db.$client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await close();
    }
    const down = connectDatabase("postgres://postgres:postgres@127.0.0.1:1/postgres", proxy.address);
    try {
      const error = await down.db.execute(sql`SELECT 1`).catch((caught: unknown) => caught);
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await down.close();
    }
  });

  it("never runs a query inside another connection's open transaction (PGlite has one session)", async () => {
    const { db, close } = connectDatabase(database.databaseUrl, proxy.address);
    const other = connectDatabase(database.databaseUrl, proxy.address);
    try {
      let committed = false;
      let seen: Promise<{ n: number; afterCommit: boolean }> | undefined;
      await db.transaction(async (tx) => {
        await tx.insert(things).values({ id: 3, name: "uncommitted" });
        seen = other.db.$client
          .query(`SELECT count(*)::int AS n FROM ${tableName} WHERE id = 3`)
          .then((result) => ({ n: (result.rows[0] as { n: number }).n, afterCommit: committed }));
        await new Promise((resolve) => setTimeout(resolve, 200));
        committed = true;
      });
      const { n, afterCommit } = await seen!;
      // Real Postgres answers at once from its own session (not the uncommitted row); PGlite's
      // endpoint waits for the transaction to end, then sees it committed.
      if (database.kind === "embedded") expect({ n, afterCommit }).toEqual({ n: 1, afterCommit: true });
      else expect(n === 0 || afterCommit).toBe(true);
    } finally {
      await Promise.all([close(), other.close()]);
    }
  });

  it("serves a batch in one transaction, and refuses targets other than loopback", async () => {
    const post = (body: unknown, connectionString = database.databaseUrl, headers: Record<string, string> = {}) =>
      fetch(`http://${proxy.address}/sql`, {
        method: "POST",
        headers: { "Neon-Connection-String": connectionString, "Neon-Array-Mode": "true", ...headers },
        body: JSON.stringify(body),
      });
    const batch = await post(
      {
        queries: [
          { query: `INSERT INTO ${tableName} (id, name) VALUES ($1, $2)`, params: ["10", "batch"] },
          { query: "SELECT current_setting('transaction_read_only') AS ro, $1::text AS echo", params: ["x"] },
        ],
      },
      database.databaseUrl,
      { "Neon-Batch-Isolation-Level": "RepeatableRead" },
    );
    expect(batch.status).toBe(200);
    const { results } = (await batch.json()) as { results: { rows: unknown[][]; command: string }[] };
    expect(results.map((r) => r.command)).toEqual(["INSERT", "SELECT"]);
    expect(results[1].rows).toEqual([["off", "x"]]);
    const failing = await post({
      queries: [
        { query: `INSERT INTO ${tableName} (id, name) VALUES (11, 'rolled back')`, params: [] },
        { query: `INSERT INTO ${tableName} (id, name) VALUES (10, 'duplicate')`, params: [] },
      ],
    });
    expect(failing.status).toBe(400);
    expect(((await failing.json()) as { code: string }).code).toBe("23505");
    const count = await post({ query: `SELECT count(*) FROM ${tableName} WHERE id = 11`, params: [] });
    expect(((await count.json()) as { rows: unknown[][] }).rows).toEqual([["0"]]);
    expect((await post({ query: "SELECT 1", params: [] }, "postgres://postgres@10.0.0.1:5432/postgres")).status).toBe(403);
  });
});

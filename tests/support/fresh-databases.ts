import { afterAll, describe, it } from "vitest";
import { withPool } from "../../scripts/local-stack/apply-migrations";
import { startLocalDatabase } from "../../scripts/local-stack/database";

/**
 * `check` on an empty embedded PGlite, and on a database created for it on TEST_DATABASE_URL's
 * server when one is set (dropped after): migration tests need a database of their own, not the
 * suite's shared one.
 */
export function onFreshDatabases(title: string, check: (url: string, proxy: string | undefined) => Promise<void>): void {
  it(`${title} on the embedded PGlite`, async () => {
    const database = await startLocalDatabase({});
    try {
      await check(database.databaseUrl, database.wsProxy);
    } finally {
      await database.stop();
    }
  });

  const realPostgres = process.env.TEST_DATABASE_URL;
  describe.runIf(realPostgres)("on a real Postgres (TEST_DATABASE_URL)", () => {
    const name = `wattboard_fresh_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    let cleanup = async () => {};
    afterAll(() => cleanup());

    it(`${title} on a freshly created database`, async () => {
      const admin = await startLocalDatabase({ databaseUrl: realPostgres });
      cleanup = async () => {
        await withPool(realPostgres!, admin.wsProxy, (pool) => pool.query(`DROP DATABASE IF EXISTS ${name}`));
        await admin.stop();
      };
      await withPool(realPostgres!, admin.wsProxy, (pool) => pool.query(`CREATE DATABASE ${name}`));
      const url = new URL(realPostgres!);
      url.pathname = `/${name}`;
      await check(url.toString(), admin.wsProxy);
    });
  });
}

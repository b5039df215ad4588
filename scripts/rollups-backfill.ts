/**
 * `npm run rollups:backfill`: rebuilds the rollups of every meter whose rollups are not ready
 * (after migration 0011 that is every existing meter; later, one whose queued rebuild gave up),
 * each in its own transaction (rollups/service.ts rebuildRollups), against DATABASE_URL like
 * `npm run db:migrate`. Safe to run while readings arrive (a rebuild locks its meter) and to run
 * again: a meter rebuilt is ready and skipped.
 */

import { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { rebuildRollups } from "../worker/rollups/service";
import { startLocalDatabase } from "./local-stack/database";
import { configureNodeDriver } from "./local-stack/node-driver";

if (!process.env.DATABASE_URL) {
  console.error("Set DATABASE_URL to the Postgres to backfill, e.g. DATABASE_URL=postgres://… npm run rollups:backfill");
  process.exit(2);
}
const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
configureNodeDriver(database.wsProxy);
const pool = new Pool({ connectionString: database.databaseUrl, max: 1 });
try {
  const db = drizzle({ client: pool });
  const pending = await pool.query("SELECT id FROM meters WHERE NOT rollups_ready ORDER BY created_at, id");
  const ids = pending.rows.map((row: { id: string }) => row.id);
  console.log(`${ids.length} meter(s) to rebuild`);
  let hours = 0;
  let days = 0;
  for (const [i, id] of ids.entries()) {
    const started = Date.now();
    const outcome = await rebuildRollups(db, id);
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (!outcome) console.log(`meter ${i + 1}/${ids.length} ${id}: deleted meanwhile, skipped`);
    else {
      hours += outcome.hours;
      days += outcome.days;
      console.log(`meter ${i + 1}/${ids.length} ${id}: ${outcome.hours} hourly rows, ${outcome.days} daily rows (${took})`);
    }
  }
  console.log(`Done: ${ids.length} meter(s), ${hours} hourly rows, ${days} daily rows.`);
} finally {
  await pool.end();
  await database.stop();
}

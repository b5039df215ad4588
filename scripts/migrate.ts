/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (Neon in production, or any
 * Postgres on this machine through the local WebSocket proxy).
 */

import { migrateDatabase } from "./local-stack/apply-migrations";
import { startLocalDatabase } from "./local-stack/database";

if (!process.env.DATABASE_URL) {
  console.error("Set DATABASE_URL to the Postgres to migrate, e.g. DATABASE_URL=postgres://… npm run db:migrate");
  process.exit(2);
}
const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
try {
  await migrateDatabase(database.databaseUrl, database.wsProxy);
  console.log("Migrations applied.");
} finally {
  await database.stop();
}

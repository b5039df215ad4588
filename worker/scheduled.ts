import { evaluateScheduledRules } from "./alerts/rules-evaluation";
import { purgeOldAuditEvents } from "./audit/service";
import { connectDatabase } from "./db/client";
import { type Env, settingsProblem } from "./env";
import { makeDueReports } from "./reports/service";
import { queueStaleRollupsRebuilds } from "./rollups/rebuild-queue";
import { applyRetention } from "./rollups/retention";

/**
 * Periodic work, fired by the Cron Trigger of wrangler.jsonc (and by the local stack's scheduler,
 * scripts/local-stack/scheduler.ts). Each job is idempotent: a schedule that fires twice, or late,
 * does the same work once.
 */
export async function runScheduledJobs(env: Env, at: Date): Promise<void> {
  const problem = settingsProblem(env);
  if (problem) throw new Error(`the Worker is misconfigured: ${problem}`);
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    const rebuilds = await queueStaleRollupsRebuilds(env, connection.db);
    if (rebuilds > 0) console.log(`rollups: rebuild queued for ${rebuilds} meter(s) whose rollups are not ready`);
    const retention = await applyRetention(connection.db, at);
    if (retention.readingsDeleted > 0)
      console.log(`retention: ${retention.readingsDeleted} raw readings of ${retention.meters} meter(s) past their retention deleted`);
    const reports = await makeDueReports(env, connection.db, at);
    if (reports.made + reports.failed > 0) console.log(`reports: ${reports.made} made, ${reports.failed} failed (retried next round)`);
    const changed = await evaluateScheduledRules(env, connection.db, at);
    if (changed > 0) console.log(`alerts: ${changed} no_data or budget rule(s) changed state`);
    const purged = await purgeOldAuditEvents(connection.db, at);
    if (purged > 0) console.log(`audit: ${purged} event(s) older than a year deleted`);
  } finally {
    await connection.close().catch(() => {});
  }
}

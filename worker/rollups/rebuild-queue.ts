import { asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { meters } from "../db/schema";
import type { Env } from "../env";
import type { RollupsRebuildJob } from "../runs/queue-job";

/** Meters queued for a rebuild by each round of the schedule, at most. */
export const REBUILDS_PER_ROUND = 25;

/**
 * Puts a rebuild of the meter's rollups on the queue, after the commit that marked them not ready
 * (a changed reading interval or time zone). A failure is logged: reads stay raw, and exact.
 */
export async function queueRollupsRebuild(env: Env, meterId: string): Promise<void> {
  const job: RollupsRebuildJob = { kind: "rollups.rebuild", meterId };
  await env.INFERENCE_QUEUE.send(job).catch((error: Error) =>
    console.error(`rollups: could not enqueue the rebuild of meter ${meterId}: ${error.message}`),
  );
}

/**
 * The schedule's part: queues a rebuild for meters whose rollups are not ready, so a migration
 * that invalidates them (0016) or a rebuild that gave up heals without `npm run rollups:backfill`.
 * A meter rebuilt meanwhile is skipped by the rebuild itself. Answers how many were queued.
 */
export async function queueStaleRollupsRebuilds(env: Env, db: Database): Promise<number> {
  const stale = await db
    .select({ id: meters.id })
    .from(meters)
    .where(eq(meters.rollupsReady, false))
    .orderBy(asc(meters.updatedAt))
    .limit(REBUILDS_PER_ROUND);
  if (stale.length === 0) return 0;
  const jobs: RollupsRebuildJob[] = stale.map(({ id }) => ({ kind: "rollups.rebuild", meterId: id }));
  await env.INFERENCE_QUEUE.sendBatch(jobs.map((body) => ({ body, contentType: "json" as const })));
  return jobs.length;
}

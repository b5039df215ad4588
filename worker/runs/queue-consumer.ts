import { userHub } from "../../durable-objects/user-hub/stub";
import { evaluateReadingRules } from "../alerts/rules-evaluation";
import { connectDatabase } from "../db/client";
import type { Env } from "../env";
import { findMeterById } from "../meters/queries";
import { rebuildRollups } from "../rollups/service";
import { runAndPublish } from "./pipeline";
import { InferenceJob, latestJobPerMeter, RollupsRebuildJob } from "./queue-job";

/** Runs one meter's job: runMeterFromQueue in the Worker, a stand-in in tests of the batching. */
export type MeterRunner = (env: Env, job: InferenceJob) => Promise<void>;

/**
 * Consumes the "inference" queue: malformed messages are acknowledged and logged (retrying them
 * cannot help), the rest are reduced to one job per meter. A failing meter is retried with
 * backoff without holding back the other meters of the batch.
 */
export async function consumeInferenceBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  runMeter: MeterRunner,
  rebuild: RollupsRebuilder = rebuildFromQueue,
): Promise<void> {
  const valid: { message: Message<unknown>; job: InferenceJob }[] = [];
  const rebuilds = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const rebuildJob = RollupsRebuildJob.safeParse(message.body);
    if (rebuildJob.success) {
      rebuilds.set(rebuildJob.data.meterId, [...(rebuilds.get(rebuildJob.data.meterId) ?? []), message]);
      continue;
    }
    const parsed = InferenceJob.safeParse(message.body);
    if (parsed.success) {
      valid.push({ message, job: parsed.data });
    } else {
      console.error(
        `inference: dropped malformed message ${message.id}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
      );
      message.ack();
    }
  }
  // Rollups first: one rebuild per meter however many were queued; the runs after read them.
  for (const [meterId, messages] of rebuilds) {
    try {
      await rebuild(env, meterId);
      for (const message of messages) message.ack();
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      console.error(`rollups: rebuild failed for meter ${meterId}: ${reason}`);
      for (const message of messages) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
  for (const job of latestJobPerMeter(valid.map((v) => v.job))) {
    const messages = valid.filter((v) => v.job.meterId === job.meterId).map((v) => v.message);
    try {
      await runMeter(env, job);
      for (const message of messages) message.ack();
    } catch (error) {
      // First line only: drizzle appends the query's parameters on the next lines.
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      const attempts = Math.max(...messages.map((m) => m.attempts));
      console.error(
        `inference: run failed for meter ${job.meterId} (attempt ${attempts}, retry in ${retryDelaySeconds(attempts)} s): ${reason}`,
      );
      for (const message of messages) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/**
 * One queued job: the meter's alert rules on its new readings, then the run pipeline for the
 * meter (an automatic run is skipped when the meter ran in the last quarter hour). A meter deleted since the job was queued is simply skipped; errors
 * propagate so the message is retried. A run that ran is logged in one line.
 */
export async function runMeterFromQueue(env: Env, job: InferenceJob): Promise<void> {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  const connection = connectDatabase(env.DATABASE_URL, env.DB_WS_PROXY, env.DB_ONE_SHOT_QUERIES);
  try {
    const meter = await findMeterById(connection.db, job.meterId);
    if (!meter || meter.ownerId !== job.userId) return;
    // Rules first, and for every job: the run below is throttled, an alert must not wait for it.
    // A failure is logged and the run goes on; the readings stay unjudged until the next job.
    await evaluateReadingRules(env, connection.db, meter, new Date()).catch((error: Error) =>
      console.error(`alerts: evaluation failed for meter ${meter.id}: ${error.message.split("\n")[0]}`),
    );
    const started = Date.now();
    const outcome = await runAndPublish(env, connection.db, meter, job.trigger);
    // One line per run that ran; throttled and skipped jobs (most of them) say nothing.
    if (outcome.status === "ran")
      console.log(
        `inference: ${job.trigger} run of meter ${meter.id}: ${outcome.run.figures.forecastKwh.toFixed(1)} kWh forecast, ${outcome.run.findings.length} finding(s), ${Date.now() - started} ms`,
      );
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Rebuilds one meter's rollups: rebuildFromQueue in the Worker, a stand-in in tests. */
export type RollupsRebuilder = (env: Env, meterId: string) => Promise<void>;

/** A queued rebuild (the meter's reading interval or zone changed); a meter deleted since is skipped. */
export async function rebuildFromQueue(env: Env, meterId: string): Promise<void> {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  const connection = connectDatabase(env.DATABASE_URL, env.DB_WS_PROXY);
  try {
    const started = Date.now();
    const outcome = await rebuildRollups(connection.db, meterId);
    if (outcome) console.log(`rollups: rebuilt meter ${meterId}: ${outcome.hours} hours, ${outcome.days} days, ${Date.now() - started} ms`);
  } finally {
    await connection.close().catch(() => {});
  }
}

/** 10 s, 20 s, 40 s, … capped at 5 minutes; after max_retries the message goes to the dead letter queue. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 10 * 2 ** (attempts - 1));
}

/**
 * The dead letter queue's consumer: jobs that failed every retry. Each is logged and listed for
 * its home (GET /api/model-runs/failed), through the hub named by the home's id since Postgres
 * may be the reason.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const rebuild = RollupsRebuildJob.safeParse(message.body);
    if (rebuild.success) {
      // The meter keeps reading raw (exact, slower); `npm run rollups:backfill` rebuilds it.
      console.error(`rollups: gave up rebuilding meter ${rebuild.data.meterId} after its retries: it reads raw readings until a backfill`);
      message.ack();
      continue;
    }
    const parsed = InferenceJob.safeParse(message.body);
    if (!parsed.success) {
      console.error(`inference: dropped malformed dead letter ${message.id}`);
      message.ack();
      continue;
    }
    const job = parsed.data;
    console.error(
      `inference: gave up on meter ${job.meterId} (${job.trigger} run for readings up to ${job.newestTs}) after its retries; listed in its owner's failed runs`,
    );
    await userHub(env, job.userId).recordFailedRun({
      meterId: job.meterId,
      trigger: job.trigger,
      newestTs: job.newestTs,
      failedAt: new Date().toISOString(),
    });
    message.ack();
  }
}

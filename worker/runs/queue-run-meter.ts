import { connectDatabase } from "../db/client";
import { findMeterById } from "../meters/queries";
import type { Env } from "../env";
import { runAndPublish } from "./pipeline";
import type { InferenceJob } from "./queue-job";

/**
 * One queued job: run the model for the meter unless it ran in the last quarter hour. A meter
 * deleted since the job was queued is simply skipped; errors propagate so the message is retried.
 */
export async function runMeterFromQueue(env: Env, job: InferenceJob): Promise<void> {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  const connection = connectDatabase(env.DATABASE_URL, env.DB_WS_PROXY);
  try {
    const meter = await findMeterById(connection.db, job.meterId);
    if (!meter || meter.ownerId !== job.userId) return;
    await runAndPublish(env, connection.db, meter, job.trigger);
  } finally {
    await connection.close().catch(() => {});
  }
}

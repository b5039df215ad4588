import type { Env } from "../env";
import type { RollupsRebuildJob } from "../runs/queue-job";

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

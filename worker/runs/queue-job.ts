import { z } from "zod";

/** What ingestion (auto) or a person (manual) puts on the inference queue for one meter. */
export const InferenceJob = z.object({
  meterId: z.uuid(),
  /** The meter's home (its owner_id): the hub of that id lists the job if it fails every retry. */
  userId: z.uuid(),
  /** Newest reading timestamp the producer committed (ISO-8601). */
  newestTs: z.iso.datetime({ offset: true }),
  trigger: z.enum(["auto", "manual"]),
});
export type InferenceJob = z.infer<typeof InferenceJob>;

/** Rebuild a meter's rollups from raw (its reading interval or zone changed): rollups/service.ts rebuildRollups. */
export const RollupsRebuildJob = z.object({ kind: z.literal("rollups.rebuild"), meterId: z.uuid() });
export type RollupsRebuildJob = z.infer<typeof RollupsRebuildJob>;

/**
 * A batch often holds several jobs for the same meter (one per webhook post); only the newest
 * matters, and a manual request wins over automatic ones so the person's ask is never throttled.
 */
export function latestJobPerMeter(jobs: InferenceJob[]): InferenceJob[] {
  const byMeter = new Map<string, InferenceJob>();
  for (const job of jobs) {
    const kept = byMeter.get(job.meterId);
    if (!kept) {
      byMeter.set(job.meterId, job);
      continue;
    }
    const newer = Date.parse(job.newestTs) >= Date.parse(kept.newestTs) ? job : kept;
    const trigger = job.trigger === "manual" || kept.trigger === "manual" ? "manual" : "auto";
    byMeter.set(job.meterId, { ...newer, trigger });
  }
  return [...byMeter.values()];
}

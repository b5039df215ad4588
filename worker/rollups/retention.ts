import type { Actor } from "../actor";
import { audit } from "../audit/service";
import type { Database } from "../db/client";
import { requireRole } from "../homes/policy";
import type { DataRetention, DataRetentionChoice } from "./retention-contract";
import { deleteRawBefore, expiringMeters, getRetention, moveWatermark, setRetentionDays } from "./retention-queries";

/** Raw readings deleted per statement: each delete stays short, so ingestion is never held up for long. */
const DELETE_CHUNK = 50_000;

function statement(rawDays: number | null, rawKeptFrom: Date | null): string {
  if (rawDays === null) return "Every reading is kept for good, along with its hourly and daily totals.";
  const kept = `Raw readings are kept for ${rawDays} days; hourly and daily totals are kept for good, so charts of older periods show hourly detail at most.`;
  return rawKeptFrom ? `${kept} Raw readings before ${rawKeptFrom.toISOString().slice(0, 10)} have been deleted.` : kept;
}

export async function dataRetention(actor: Actor): Promise<DataRetention> {
  const { rawDays, rawKeptFrom } = await getRetention(actor.db, actor.homeId);
  return { rawDays, rawKeptFrom: rawKeptFrom?.toISOString() ?? null, statement: statement(rawDays, rawKeptFrom) };
}

/** Takes effect at the next scheduled run (within 5 minutes); a longer retention keeps what is left from then on. */
export async function saveDataRetention(actor: Actor, choice: DataRetentionChoice): Promise<DataRetention> {
  requireRole(actor, "editor");
  await setRetentionDays(actor.db, actor.homeId, choice.rawDays);
  await audit(actor, "settings.retention", { kind: "home", id: actor.homeId }, { rawDays: choice.rawDays });
  return dataRetention(actor);
}

/**
 * The scheduled retention job: for each meter past its owner's retention, first the watermark
 * moves (rollups before it are final), then raw readings older than the cutoff go, in chunks. A
 * span's worth of readings before the cutoff (1.5 reading intervals) stays, so the first hour kept
 * still integrates from its previous reading. Running twice does the work once.
 */
export async function applyRetention(db: Database, at: Date): Promise<{ meters: number; readingsDeleted: number }> {
  let readingsDeleted = 0;
  const expiring = await expiringMeters(db, at);
  for (const meter of expiring) {
    if (!(await moveWatermark(db, meter.id, meter.cutoff))) continue;
    const before = new Date(meter.cutoff.getTime() - 1.5 * meter.intervalMs);
    for (;;) {
      const deleted = await deleteRawBefore(db, meter.id, before, DELETE_CHUNK);
      readingsDeleted += deleted;
      if (deleted < DELETE_CHUNK) break;
    }
  }
  return { meters: expiring.length, readingsDeleted };
}

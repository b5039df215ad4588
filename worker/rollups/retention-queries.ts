import { eq, min } from "drizzle-orm";
import type { Database } from "../db/client";
import { homes, meters } from "../db/schema";

export async function getRetention(db: Database, homeId: string): Promise<{ rawDays: number | null; rawKeptFrom: Date | null }> {
  const [home] = await db.select({ rawDays: homes.rawRetentionDays }).from(homes).where(eq(homes.id, homeId));
  const [kept] = await db
    .select({ from: min(meters.rawKeptFrom) })
    .from(meters)
    .where(eq(meters.ownerId, homeId));
  return { rawDays: home?.rawDays ?? null, rawKeptFrom: kept?.from ?? null };
}

export async function setRetentionDays(db: Database, homeId: string, rawDays: number | null): Promise<void> {
  await db.update(homes).set({ rawRetentionDays: rawDays }).where(eq(homes.id, homeId));
}

/** A meter whose raw readings have passed its home's retention: `cutoff` is the hour they are kept from. */
export interface ExpiringMeter {
  id: string;
  cutoff: Date;
  intervalMs: number;
}

/**
 * Meters whose home keeps raw readings for a limited time and whose cutoff hour has moved past
 * their watermark. Only meters whose rollups are ready: raw data is never deleted before the
 * hourly and daily totals that replace it are complete.
 */
export async function expiringMeters(db: Database, at: Date): Promise<ExpiringMeter[]> {
  const result = await db.$client.query(
    `SELECT m.id, date_trunc('hour', $1::timestamptz - make_interval(days => h.raw_retention_days)) AS cutoff,
            coalesce(m.reading_interval_ms, 0) AS interval_ms
     FROM meters m JOIN homes h ON h.id = m.owner_id
     WHERE h.raw_retention_days IS NOT NULL AND m.rollups_ready
       AND coalesce(m.raw_kept_from, '-infinity') < date_trunc('hour', $1::timestamptz - make_interval(days => h.raw_retention_days))`,
    [at.toISOString()],
  );
  return (result.rows as { id: string; cutoff: Date | string; interval_ms: number }[]).map((row) => ({
    id: row.id,
    cutoff: new Date(row.cutoff),
    intervalMs: Number(row.interval_ms),
  }));
}

/**
 * Moves the meter's watermark to `cutoff` (never back), under the meter's row lock, which ingestion
 * takes too when it stores readings: from the commit on, no hour before the cutoff is recomputed
 * from raw readings. False when the rollups stopped being ready meanwhile.
 */
export async function moveWatermark(db: Database, meterId: string, cutoff: Date): Promise<boolean> {
  const result = await db.$client.query(
    `UPDATE meters SET raw_kept_from = greatest(coalesce(raw_kept_from, '-infinity'), $2::timestamptz)
     WHERE id = $1 AND rollups_ready RETURNING id`,
    [meterId, cutoff.toISOString()],
  );
  return result.rows.length > 0;
}

/** Deletes at most `limit` raw readings of the meter older than `before`, oldest first; returns how many. */
export async function deleteRawBefore(db: Database, meterId: string, before: Date, limit: number): Promise<number> {
  const result = await db.$client.query(
    `DELETE FROM readings WHERE meter_id = $1 AND ts IN (
       SELECT ts FROM readings WHERE meter_id = $1 AND ts < $2 ORDER BY ts LIMIT $3)`,
    [meterId, before.toISOString(), limit],
  );
  return result.rowCount ?? 0;
}

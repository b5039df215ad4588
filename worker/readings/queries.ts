import type { Metric } from "../charts/chart-spec-contract";
import type { Database } from "../db/client";
import type { BucketPlan } from "../series/buckets";
import type { SeriesPoint } from "../series/contract";
import type { Reading } from "./contract";

/**
 * Stores a batch in one statement, so it is all or nothing: readings already stored for the same
 * meter and instant are skipped (and counted by the caller as duplicates), and the meter's
 * last_reading_at moves forward. Arrays go in as seven parameters whatever the batch size.
 * `charted` says whether any chart shows this meter (only then do open dashboards need a refresh).
 */
export async function insertReadings(
  db: Database,
  meterId: string,
  batch: Reading[],
): Promise<{ accepted: number; newest: Date | null; charted: boolean }> {
  const column = <K extends keyof Reading>(key: K) => batch.map((r) => r[key] ?? null);
  const result = await db.$client.query(
    `WITH inserted AS (
       INSERT INTO readings (meter_id, ts, power_w, energy_wh, voltage_v, current_a, power_factor, thd_pct)
       SELECT $1, r.* FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[]) AS r
       ON CONFLICT (meter_id, ts) DO NOTHING
       RETURNING ts
     ), newest AS (SELECT count(*)::int AS accepted, max(ts) AS newest FROM inserted),
     touched AS (
       UPDATE meters SET last_reading_at = greatest(coalesce(last_reading_at, '-infinity'), newest.newest)
       FROM newest WHERE meters.id = $1 AND newest.newest IS NOT NULL
       RETURNING 1
     )
     SELECT accepted, newest, EXISTS (SELECT 1 FROM charts WHERE charts.owner_id = (SELECT owner_id FROM meters WHERE id = $1) AND charts.spec->'meterIds' ? $1::text) AS charted FROM newest`,
    [
      meterId,
      column("ts"),
      column("power_w"),
      column("energy_wh"),
      column("voltage_v"),
      column("current_a"),
      column("power_factor"),
      column("thd_pct"),
    ],
  );
  const row = result.rows[0] as { accepted: number; newest: Date | string | null; charted: boolean };
  return { accepted: row.accepted, newest: row.newest === null ? null : new Date(row.newest), charted: row.charted };
}

export async function countReadings(db: Database, meterId: string): Promise<number> {
  const result = await db.$client.query("SELECT count(*)::int AS n FROM readings WHERE meter_id = $1", [meterId]);
  return (result.rows[0] as { n: number }).n;
}

/** Metric names come from a zod enum, never from the request text: safe to place in SQL. */
const METRIC_COLUMNS: Record<Metric, string> = {
  power_w: "power_w",
  energy_wh: "energy_wh",
  voltage_v: "voltage_v",
  current_a: "current_a",
  power_factor: "power_factor",
  thd_pct: "thd_pct",
};

/**
 * The bucketed aggregation behind every chart: one index range scan of (meter_id, ts). Calendar
 * buckets use date_trunc in the meter's zone (correct across DST); fixed ones use date_bin from a
 * local midnight, so hours line up with the meter's clock.
 */
export function seriesQuery(
  meterId: string,
  metric: Metric,
  from: Date,
  to: Date,
  plan: BucketPlan,
  timezone: string,
): { text: string; values: unknown[] } {
  const column = METRIC_COLUMNS[metric];
  const bucket = plan.calendar
    ? `date_trunc('${plan.calendar}', ts, $4)`
    : `date_bin($4::interval, ts, ('2000-01-03 00:00'::timestamp AT TIME ZONE $5))`;
  const text = `SELECT ${bucket} AS t, avg(${column}) AS avg, min(${column}) AS min, max(${column}) AS max, sum(${column}) AS sum, count(${column})::int AS count
    FROM readings
    WHERE meter_id = $1 AND ts >= $2 AND ts < $3 AND ${column} IS NOT NULL
    GROUP BY 1 ORDER BY 1`;
  const range = [meterId, from.toISOString(), to.toISOString()];
  return { text, values: plan.calendar ? [...range, timezone] : [...range, plan.interval, timezone] };
}

export async function querySeries(db: Database, ...query: Parameters<typeof seriesQuery>): Promise<SeriesPoint[]> {
  const { text, values } = seriesQuery(...query);
  const result = await db.$client.query(text, values);
  return (result.rows as { t: Date | string; avg: number; min: number; max: number; sum: number; count: number }[]).map((row) => ({
    t: new Date(row.t).toISOString(),
    avg: Number(row.avg),
    min: Number(row.min),
    max: Number(row.max),
    sum: Number(row.sum),
    count: row.count,
  }));
}

/**
 * Hourly kWh of a meter for [from, to), one value per hour (NaN where the hour has no data).
 * energy_wh belongs to the interval ending at ts, so a reading at 10:00 counts for 09:00-10:00;
 * hours with only power readings use their average power.
 */
export async function hourlyKwh(db: Database, meterId: string, from: Date, to: Date): Promise<number[]> {
  const result = await db.$client.query(
    `SELECT date_trunc('hour', ts - interval '1 millisecond') AS hour, sum(energy_wh) AS energy_wh, avg(power_w) AS power_w
     FROM readings WHERE meter_id = $1 AND ts > $2 AND ts <= $3
     GROUP BY 1`,
    [meterId, from.toISOString(), to.toISOString()],
  );
  const hours = Math.round((to.getTime() - from.getTime()) / 3_600_000);
  const values = new Array<number>(hours).fill(Number.NaN);
  for (const row of result.rows as { hour: Date | string; energy_wh: number | null; power_w: number | null }[]) {
    const index = Math.round((new Date(row.hour).getTime() - from.getTime()) / 3_600_000);
    if (index < 0 || index >= hours) continue;
    const kwh = row.energy_wh !== null ? Number(row.energy_wh) / 1000 : row.power_w !== null ? Number(row.power_w) / 1000 : Number.NaN;
    values[index] = Math.max(0, kwh);
  }
  return values;
}

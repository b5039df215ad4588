import type { Database } from "../db/client";

export interface UsageFigures {
  meterId: string;
  peakW: number | null;
  /** 10th percentile of hourly average power: what the site draws when nothing much runs. */
  baseLoadW: number | null;
  avgPowerFactor: number | null;
  avgThdPct: number | null;
  readings: number;
}

/** Peak, base load and power quality of several meters over [from, to) in one query (energy: rollups/read.ts wholeEnergy). */
export async function usageFigures(db: Database, meterIds: string[], from: Date, to: Date): Promise<UsageFigures[]> {
  const result = await db.$client.query(
    `WITH hourly AS (
       SELECT meter_id, date_trunc('hour', ts) AS hour, avg(power_w) AS power_w
       FROM readings WHERE meter_id = ANY($1) AND ts >= $2 AND ts < $3 GROUP BY 1, 2
     ), base AS (
       SELECT meter_id, percentile_cont(0.1) WITHIN GROUP (ORDER BY power_w) AS base_w FROM hourly WHERE power_w IS NOT NULL GROUP BY 1
     )
     SELECT r.meter_id, max(r.power_w) AS peak_w,
            avg(r.power_factor) AS pf, avg(r.thd_pct) AS thd, count(*)::int AS readings, b.base_w
     FROM readings r LEFT JOIN base b ON b.meter_id = r.meter_id
     WHERE r.meter_id = ANY($1) AND r.ts >= $2 AND r.ts < $3
     GROUP BY r.meter_id, b.base_w`,
    [meterIds, from.toISOString(), to.toISOString()],
  );
  const byMeter = new Map(
    (
      result.rows as {
        meter_id: string;
        peak_w: number | null;
        pf: number | null;
        thd: number | null;
        readings: number;
        base_w: number | null;
      }[]
    ).map((r) => [r.meter_id, r]),
  );
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return meterIds.map((meterId) => {
    const row = byMeter.get(meterId);
    if (!row) return { meterId, peakW: null, baseLoadW: null, avgPowerFactor: null, avgThdPct: null, readings: 0 };
    return {
      meterId,
      peakW: num(row.peak_w),
      baseLoadW: num(row.base_w),
      avgPowerFactor: num(row.pf),
      avgThdPct: num(row.thd),
      readings: row.readings,
    };
  });
}

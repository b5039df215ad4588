/**
 * The energy model's spans, as SQL: the one definition the raw energy query (readings/queries.ts
 * energyQuery) and the rollups (rollups/queries.ts) share, so both integrate the same spans.
 *
 * Every reading with power_w or energy_wh stands for a span [a, b) of constant power `watts` (ms
 * since the epoch):
 * - a power reading holds from its ts until the next reading, at most `cap` ms (left Riemann sum);
 * - an energy_wh reading covers (previous reading, ts] at the average power that energy implies,
 *   or, after a gap longer than the cap (or as the meter's first), one typical interval before ts;
 *   energy_wh wins where a reading has both, so reported energy is used as is.
 * A span with b <= a (a power reading followed at once by a cap of 0) holds nothing.
 */
export interface SpanSql {
  /**
   * A FROM item giving one meter's readings that have power_w or energy_wh, with at least ts,
   * power_w and energy_wh, over the range to integrate widened by the cap on both sides (spans
   * reaching into the range start or end up to one cap away).
   */
  readings: string;
  /** float8 SQL expression: the cap in ms (1.5 x the meter's reading interval). */
  capMs: string;
  /** float8 SQL expression: the span of an energy reading after a gap, max(reading interval, 1) ms. */
  afterGapMs: string;
}

/** Two CTEs, `reach` and `held` (ms, a, b, watts, energy_wh, power_w), to follow a WITH. */
export function energySpanCtes({ readings, capMs, afterGapMs }: SpanSql): string {
  return `reach AS (
      SELECT ms, power_w, energy_wh, lag(ms) OVER by_time AS prev_ms, lead(ms) OVER by_time AS next_ms
      -- Magnitudes below 1e-100 count as 0: Postgres raises an underflow error rather than round to 0.
      FROM (SELECT ts, date_part('epoch', ts) * 1000 AS ms,
                   CASE WHEN abs(power_w) < 1e-100 THEN 0 ELSE power_w END AS power_w,
                   CASE WHEN energy_wh < 1e-100 THEN 0 ELSE energy_wh END AS energy_wh
            FROM ${readings}) AS r
      WINDOW by_time AS (ORDER BY ts)
    ),
    held AS (
      SELECT ms, a, b, energy_wh, power_w,
             -- An energy span is never empty (b - a >= 1 ms), so the division is safe.
             CASE WHEN energy_wh IS NOT NULL THEN energy_wh * 3.6e6 / (b - a) ELSE power_w END AS watts
      FROM (SELECT ms, energy_wh, power_w,
                   CASE WHEN energy_wh IS NULL THEN ms WHEN prev_ms >= ms - ${capMs} THEN prev_ms ELSE ms - ${afterGapMs} END AS a,
                   CASE WHEN energy_wh IS NOT NULL THEN ms ELSE least(next_ms, ms + ${capMs}) END AS b
            FROM reach) AS s
    )`;
}

/**
 * SQL (one row, `interval_ms`): the median gap between a meter's last 500 readings with power_w or
 * energy_wh (0 with fewer than two). `meter` is the SQL of the meter id; `before` an optional
 * timestamptz expression the readings must precede. One short backward index scan.
 */
export function readingIntervalSql(meter: string, before?: string): string {
  return `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap), 0) AS interval_ms
     FROM (
       SELECT ms - lag(ms) OVER (ORDER BY ms) AS gap
       FROM (SELECT date_part('epoch', ts) * 1000 AS ms FROM readings
             WHERE meter_id = ${meter}${before ? ` AND ts < ${before}` : ""} AND (power_w IS NOT NULL OR energy_wh IS NOT NULL)
             ORDER BY ts DESC LIMIT 500) AS recent
     ) AS gaps`;
}

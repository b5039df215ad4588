import type { Statement } from "../db/sql-client";
import { energySpanCtes, readingIntervalSql } from "../readings/energy-spans";

/**
 * The rollup tiers' SQL. An hourly row (reading_rollups_hourly) holds, for one meter and UTC hour,
 * sum/count/min/max of each plain reading column over the readings whose ts is in the hour, the
 * energy model's integral over the hour (readings/energy-spans.ts, spans cut at the hour's and its
 * quarters' edges, exactly as a raw energy query cuts them at bucket edges) and its highest power
 * held (peak_w, peak_start_ms). A daily row (reading_rollups_daily) is the same, without the peak,
 * over one local day of the meter's zone, the sum/min/max of that day's hourly rows, and exists
 * only for days whose two midnights are whole UTC hours.
 */

/** The plain reading columns, as in the readings table. */
export const ROLLUP_COLUMNS = ["power_w", "energy_wh", "voltage_v", "current_a", "power_factor", "thd_pct"] as const;

const QUARTER_MS = 900_000;

/** Every aggregate column of a rollup row, hourly and daily alike. */
const AGGREGATES = [
  ...ROLLUP_COLUMNS.flatMap((c) => [`${c}_sum`, `${c}_count`, `${c}_min`, `${c}_max`]),
  "integral_wh",
  "covered_ms",
  "readings",
];

/** How one tier's aggregates of finer rows combine: sums and counts add, minima and maxima fold. */
function combined(column: string): string {
  if (column.endsWith("_min")) return `min(${column}) AS ${column}`;
  if (column.endsWith("_max")) return `max(${column}) AS ${column}`;
  if (column.endsWith("_count") || column === "readings") return `sum(${column})::int AS ${column}`;
  return `sum(${column}) AS ${column}`;
}

/** Which hours to recompute. */
export type RefreshRange =
  /** Every UTC hour intersecting [from, to). */
  | { kind: "hours"; from: Date; to: Date }
  /**
   * Readings were just stored at instants first..last: the hours their spans reach, plus those of
   * the stored neighbours whose spans they change (a previous power reading's span now ends at a
   * new one, a next energy reading's span now starts at one), all within [first - cap, last + cap].
   */
  | { kind: "change"; first: Date; last: Date }
  /** Every hour the meter's retained readings reach (from its raw_kept_from on), found in SQL. */
  | { kind: "retained" };

/**
 * When a refresh does its work:
 * - `always` (a rebuild, a range asked for);
 * - `ready`: in the transaction that stored a batch, after its insert: nothing for a meter whose
 *   rollups are not ready (a rebuild will do it all); it then also answers the median gap of the
 *   meter's last 500 readings (`recent_interval_ms`) next to the stored one;
 * - `ready-after-insert`: the same, sent in one batch with the insert (no answer in between), so it
 *   also does nothing unless that insert stored a reading. Only then does the transaction hold the
 *   meter's row lock (the insert moved last_reading_at, so the row's xmin is this transaction's):
 *   a batch of duplicates has no lock, and recomputing from a snapshot taken while another batch
 *   of the meter is uncommitted would then overwrite that batch's rollups with values missing it;
 * - `first-interval-set`: only if intervalCheckStatement gave the meter its first reading interval
 *   earlier in this transaction (every hour so far was computed without one).
 */
export type RefreshCondition = "always" | "ready" | "ready-after-insert" | "first-interval-set";

/** The meter row was written by this transaction (its insert of readings), which holds its lock until the end. */
const METER_WRITTEN_HERE = "xmin = pg_current_xact_id()::xid";

/**
 * A transaction-local setting (set_config's is_local: gone at COMMIT or ROLLBACK) by which
 * intervalCheckStatement tells the statements after it, in the same batch, that it set the
 * meter's first interval.
 */
const FIRST_INTERVAL_SET = "wattboard.first_interval_set";

/**
 * ONE statement that recomputes from raw the hourly rows of `range` (never hours before the
 * meter's raw_kept_from) and the daily rows of the local days those hours touch: rows that come
 * out empty are deleted, the rest upserted, when `condition` holds (`refreshed` answers whether).
 * Answers one row: hours and days written.
 */
export function refreshStatement(meterId: string, range: RefreshRange, condition: RefreshCondition): Statement {
  const values =
    range.kind === "retained"
      ? [meterId]
      : [
          meterId,
          (range.kind === "hours" ? range.from : range.first).toISOString(),
          (range.kind === "hours" ? range.to : range.last).toISOString(),
        ];
  const ms = "* interval '1 millisecond'";
  // [lo, hi]: the instants whose hours change.
  const edges = {
    hours: `$2::timestamptz AS lo, $3::timestamptz - interval '1 microsecond' AS hi`,
    // The previous stored reading, if within the cap, and the next one are never further than the
    // cap from the batch: one cap either side covers their changed spans (and an energy reading
    // after a gap, which covers one interval before its ts).
    change: `$2::timestamptz - greatest(1.5 * interval_ms, 1) ${ms} AS lo, $3::timestamptz + 1.5 * interval_ms ${ms} AS hi`,
    // As refreshWholeMeter (rollups/service.ts) reaches; no readings: both null, no hour recomputed.
    retained: `(SELECT min(ts) FROM readings WHERE meter_id = $1 AND ts >= coalesce(raw_kept_from, '-infinity')) - (1.5 * interval_ms + 1) ${ms} AS lo,
               (SELECT max(ts) FROM readings WHERE meter_id = $1) + (1.5 * interval_ms + 1) ${ms} AS hi`,
  }[range.kind];
  const plainAggregates = ROLLUP_COLUMNS.map(
    (c) => `sum(${c}) AS ${c}_sum, count(${c})::int AS ${c}_count, min(${c}) AS ${c}_min, max(${c}) AS ${c}_max`,
  ).join(",\n             ");
  const fromPlain = ROLLUP_COLUMNS.map((c) => `p.${c}_sum, coalesce(p.${c}_count, 0) AS ${c}_count, p.${c}_min, p.${c}_max`).join(
    ",\n             ",
  );
  const columns = AGGREGATES.join(", ");
  const updates = (extra: string[]) => [...AGGREGATES, ...extra].map((c) => `${c} = excluded.${c}`).join(", ");
  const recent = condition === "ready" ? `(${readingIntervalSql("$1")})` : "NULL::float8";
  const onlyWhen = {
    always: "",
    ready: " AND rollups_ready",
    "ready-after-insert": ` AND rollups_ready AND ${METER_WRITTEN_HERE}`,
    "first-interval-set": ` AND current_setting('${FIRST_INTERVAL_SET}', true) = 'yes'`,
  }[condition];
  const text = `WITH
    m AS (
      SELECT timezone AS zone, reading_interval_ms AS stored_interval_ms, coalesce(reading_interval_ms, 0)::float8 AS interval_ms, raw_kept_from
      FROM meters WHERE id = $1${onlyWhen}
    ),
    edges AS (SELECT m.*, ${edges} FROM m),
    hours AS (
      SELECT zone, interval_ms, 1.5 * interval_ms AS cap,
             -- Hours before the retention watermark have lost their raw readings: never recomputed.
             greatest(date_trunc('hour', lo, 'UTC'),
                      coalesce(date_trunc('hour', raw_kept_from - interval '1 microsecond', 'UTC') + interval '1 hour', '-infinity')) AS h_lo,
             date_trunc('hour', hi, 'UTC') + interval '1 hour' AS h_hi
      FROM edges
    ),
    bounds AS (
      SELECT zone, interval_ms, cap, h_lo, h_hi,
             date_part('epoch', h_lo) * 1000 AS lo_ms, date_part('epoch', h_hi) * 1000 AS hi_ms,
             -- Spans reach one cap into the hours from either side (1 ms more against rounding).
             h_lo - (cap + 1) ${ms} AS scan_lo, h_hi + (cap + 1) ${ms} AS scan_hi,
             date_trunc('day', h_lo, zone) AS d_lo,
             date_trunc('day', date_trunc('day', h_hi - interval '1 microsecond', zone) + interval '26 hours', zone) AS d_hi
      FROM hours WHERE h_hi > h_lo
    ),
    -- One index range scan serves both the spans and the plain aggregates.
    src AS MATERIALIZED (
      SELECT * FROM readings WHERE meter_id = $1 AND ts >= (SELECT scan_lo FROM bounds) AND ts < (SELECT scan_hi FROM bounds)
    ),
    ${energySpanCtes({
      readings: "src WHERE power_w IS NOT NULL OR energy_wh IS NOT NULL",
      capMs: "(SELECT cap FROM bounds)",
      afterGapMs: "(SELECT greatest(interval_ms, 1) FROM bounds)",
    })},
    -- span_a: the span's own start, which the hour's peak keeps (see energyRollupQuery).
    clipped AS (
      SELECT greatest(a, lo_ms) AS a, least(b, hi_ms) AS b, watts, a AS span_a
      FROM held, bounds WHERE b > a AND b > lo_ms AND a < hi_ms
    ),
    -- Spans cut at quarter-hour edges (q: quarters since the epoch); most lie inside one quarter.
    pieces AS (
      SELECT floor(a / ${QUARTER_MS})::bigint AS q, a, b, watts, span_a FROM clipped WHERE ceil(b / ${QUARTER_MS}) - floor(a / ${QUARTER_MS}) <= 1
      UNION ALL
      SELECT q, greatest(a, q * ${QUARTER_MS}::float8), least(b, (q + 1) * ${QUARTER_MS}::float8), watts, span_a
      FROM clipped, generate_series(floor(a / ${QUARTER_MS})::bigint, ceil(b / ${QUARTER_MS})::bigint - 1) AS q
      WHERE ceil(b / ${QUARTER_MS}) - floor(a / ${QUARTER_MS}) > 1
    ),
    quarters AS (
      SELECT q, sum(watts * (b - a)) / 3.6e6 AS wh, sum(b - a) AS covered, max(ARRAY[watts, span_a]) AS peak
      FROM pieces WHERE b > a GROUP BY q
    ),
    energy AS (
      SELECT to_timestamp((q / 4) * 3600) AS hour, sum(wh) AS integral_wh, sum(covered) AS covered_ms,
             ARRAY[coalesce(sum(wh) FILTER (WHERE q % 4 = 0), 0), coalesce(sum(wh) FILTER (WHERE q % 4 = 1), 0),
                   coalesce(sum(wh) FILTER (WHERE q % 4 = 2), 0), coalesce(sum(wh) FILTER (WHERE q % 4 = 3), 0)]::float8[] AS quarter_wh,
             max(peak) AS peak
      FROM quarters GROUP BY q / 4
    ),
    plain AS (
      SELECT date_trunc('hour', ts, 'UTC') AS hour,
             ${plainAggregates},
             count(*) FILTER (WHERE power_w IS NOT NULL OR energy_wh IS NOT NULL)::int AS readings
      FROM src WHERE ts >= (SELECT h_lo FROM bounds) AND ts < (SELECT h_hi FROM bounds)
      GROUP BY 1
    ),
    computed AS (
      SELECT coalesce(p.hour, e.hour) AS hour,
             ${fromPlain},
             coalesce(e.integral_wh, 0) AS integral_wh, coalesce(e.covered_ms, 0) AS covered_ms, coalesce(p.readings, 0) AS readings,
             coalesce(e.quarter_wh, '{0,0,0,0}') AS quarter_wh, e.peak[1] AS peak_w, e.peak[2] AS peak_start_ms
      FROM plain p FULL JOIN energy e ON e.hour = p.hour
    ),
    hourly_gone AS (
      DELETE FROM reading_rollups_hourly h USING bounds
      WHERE h.meter_id = $1 AND h.hour >= bounds.h_lo AND h.hour < bounds.h_hi
        AND NOT EXISTS (SELECT 1 FROM computed c WHERE c.hour = h.hour)
    ),
    hourly_kept AS (
      INSERT INTO reading_rollups_hourly (meter_id, hour, ${columns}, quarter_wh, peak_w, peak_start_ms)
      SELECT $1, hour, ${columns}, quarter_wh, peak_w, peak_start_ms FROM computed
      ON CONFLICT (meter_id, hour) DO UPDATE SET ${updates(["quarter_wh", "peak_w", "peak_start_ms"])}
      RETURNING 1
    ),
    -- The touched days' hours as they are after this statement: the stored ones outside the
    -- recomputed hours, and the recomputed ones.
    day_hours AS (
      SELECT h.hour, ${AGGREGATES.map((c) => `h.${c}`).join(", ")}
      FROM reading_rollups_hourly h, bounds
      WHERE h.meter_id = $1 AND h.hour >= bounds.d_lo AND h.hour < bounds.d_hi AND (h.hour < bounds.h_lo OR h.hour >= bounds.h_hi)
      UNION ALL
      SELECT hour, ${columns} FROM computed
    ),
    days AS (
      SELECT day, ${AGGREGATES.map(combined).join(", ")}
      FROM (SELECT date_trunc('day', hour, bounds.zone) AS day, day_hours.* FROM day_hours, bounds) AS by_day
      GROUP BY day
    ),
    -- Only days whose two local midnights are whole UTC hours (most zones; not Asia/Kolkata).
    whole_days AS (
      SELECT days.* FROM days, bounds, LATERAL (SELECT date_trunc('day', day + interval '26 hours', bounds.zone) AS next_day) AS n
      WHERE date_trunc('hour', day, 'UTC') = day AND date_trunc('hour', n.next_day, 'UTC') = n.next_day
    ),
    daily_gone AS (
      DELETE FROM reading_rollups_daily d USING bounds
      WHERE d.meter_id = $1 AND d.day >= bounds.d_lo AND d.day < bounds.d_hi
        AND NOT EXISTS (SELECT 1 FROM whole_days w WHERE w.day = d.day)
    ),
    daily_kept AS (
      INSERT INTO reading_rollups_daily (meter_id, day, ${columns})
      SELECT $1, day, ${columns} FROM whole_days
      ON CONFLICT (meter_id, day) DO UPDATE SET ${updates([])}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM hourly_kept)::int AS hours, (SELECT count(*) FROM daily_kept)::int AS days,
           (SELECT stored_interval_ms FROM m) AS stored_interval_ms, EXISTS (SELECT 1 FROM m) AS refreshed,
           ${recent} AS recent_interval_ms`;
  return { text, values };
}

/**
 * After a batch's insert, in the same transaction and before its refresh: the meter's reading
 * interval against the median gap of its last 500 readings. Never set yet, and `setsFirst` (a
 * `retained` refresh follows in the batch): set, and the transaction-local FIRST_INTERVAL_SET
 * lets that refresh (`first-interval-set`) recompute every hour with it. Moved by more than
 * `tolerance` (relative): replaced, and the rollups marked not ready (`rebuild`: queue one; the
 * refresh after it then does nothing). Nothing unless the insert stored a reading and the rollups
 * are ready, like the refresh.
 */
export function intervalCheckStatement(meterId: string, tolerance: number, setsFirst: boolean): Statement {
  return {
    text: `WITH m AS (
      SELECT reading_interval_ms AS stored, (${readingIntervalSql("$1")}) AS recent
      FROM meters WHERE id = $1 AND rollups_ready AND ${METER_WRITTEN_HERE}
    ),
    changed AS (
      UPDATE meters SET reading_interval_ms = m.recent, rollups_ready = m.stored IS NULL FROM m
      WHERE meters.id = $1 AND m.recent > 0 AND (($3 AND m.stored IS NULL) OR abs(m.recent - m.stored) > $2 * m.stored)
      RETURNING m.stored IS NULL AS first
    )
    SELECT EXISTS (SELECT 1 FROM changed WHERE NOT first) AS rebuild,
           set_config('${FIRST_INTERVAL_SET}', CASE WHEN EXISTS (SELECT 1 FROM changed WHERE first) THEN 'yes' ELSE 'no' END, true)
             AS first_interval_set`,
    values: [meterId, tolerance, setsFirst],
  };
}

/** Recomputes every daily row of a meter from its hourly rows (after a rebuild or a zone change); the old ones are deleted first (CLEAR_DAILY). */
export const DAILY_FROM_HOURLY = `WITH z AS (SELECT timezone AS zone FROM meters WHERE id = $1),
    days AS (
      SELECT date_trunc('day', hour, z.zone) AS day, ${AGGREGATES.map(combined).join(", ")}
      FROM reading_rollups_hourly, z WHERE meter_id = $1 GROUP BY 1
    )
  INSERT INTO reading_rollups_daily (meter_id, day, ${AGGREGATES.join(", ")})
  SELECT $1, days.* FROM days, z, LATERAL (SELECT date_trunc('day', day + interval '26 hours', z.zone) AS next_day) AS n
  WHERE date_trunc('hour', day, 'UTC') = day AND date_trunc('hour', n.next_day, 'UTC') = n.next_day`;

export const CLEAR_DAILY = "DELETE FROM reading_rollups_daily WHERE meter_id = $1";

/** Deletes a meter's hourly rows from the first whole hour of its retained raw readings on ($1 meter). */
export const CLEAR_HOURLY = `DELETE FROM reading_rollups_hourly h USING meters m
  WHERE h.meter_id = $1 AND m.id = $1
    AND h.hour >= coalesce(date_trunc('hour', m.raw_kept_from - interval '1 microsecond', 'UTC') + interval '1 hour', '-infinity')`;

/** The instants of a meter's retained raw readings, and its interval ($1 meter). */
export const READINGS_EXTENT = `SELECT (SELECT min(ts) FROM readings WHERE meter_id = $1 AND ts >= coalesce(m.raw_kept_from, '-infinity')) AS first,
         (SELECT max(ts) FROM readings WHERE meter_id = $1) AS last,
         coalesce(m.reading_interval_ms, 0)::float8 AS interval_ms
  FROM meters m WHERE m.id = $1`;

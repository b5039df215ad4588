import type { Metric } from "../charts/chart-spec-contract";
import type { Database } from "../db/client";
import { type SqlClient, type Statement, sqlClientOf } from "../db/sql-client";
import type { BucketPlan } from "../series/buckets";
import type { Reading } from "./contract";
import { energySpanCtes, readingIntervalSql } from "./energy-spans";

/** What one stored batch changed. */
export interface InsertedReadings {
  accepted: number;
  /** Readings older than the meter's raw_kept_from (retention): refused. */
  expired: number;
  newest: Date | null;
  charted: boolean;
  /**
   * The accepted instants as clusters (first..last), split where two are more than a day plus
   * twice the cap apart: the hours in between keep their rollups.
   */
  stored: { first: Date; last: Date }[];
}

/**
 * Stores a batch in one statement, so it is all or nothing: readings already stored for the same
 * meter and instant are skipped (and counted by the caller as duplicates), readings before the
 * meter's raw_kept_from are refused (expired), and the meter's last_reading_at moves forward,
 * which locks the meter's row until the transaction ends (rollup maintenance relies on it).
 * Arrays go in as seven parameters whatever the batch size. `charted` says whether any chart shows
 * this meter (only then do open dashboards need a refresh).
 */
export async function insertReadings(db: Database | SqlClient, meterId: string, batch: Reading[]): Promise<InsertedReadings> {
  const { text, values } = insertReadingsStatement(meterId, batch);
  return insertedReadings((await sqlClientOf(db).query(text, values)).rows[0]);
}

/** insertReadings' statement, for a caller that sends it with others (answer: insertedReadings). */
export function insertReadingsStatement(meterId: string, batch: Reading[]): Statement {
  const column = <K extends keyof Reading>(key: K) => batch.map((r) => r[key] ?? null);
  return {
    text: `WITH meter AS (SELECT coalesce(raw_kept_from, '-infinity') AS kept_from, 3 * coalesce(reading_interval_ms, 0) + 86400000 AS apart_ms FROM meters WHERE id = $1),
     batch AS (SELECT r.* FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
                     AS r (ts, power_w, energy_wh, voltage_v, current_a, power_factor, thd_pct)),
     inserted AS (
       INSERT INTO readings (meter_id, ts, power_w, energy_wh, voltage_v, current_a, power_factor, thd_pct)
       SELECT $1, batch.* FROM batch WHERE batch.ts >= (SELECT kept_from FROM meter)
       ON CONFLICT (meter_id, ts) DO NOTHING
       RETURNING ts
     ), newest AS (SELECT count(*)::int AS accepted, max(ts) AS newest FROM inserted),
     touched AS (
       UPDATE meters SET last_reading_at = greatest(coalesce(last_reading_at, '-infinity'), newest.newest)
       FROM newest WHERE meters.id = $1 AND newest.newest IS NOT NULL
       RETURNING 1
     ),
     clusters AS (
       SELECT min(ts) AS first, max(ts) AS last
       FROM (SELECT ts, count(*) FILTER (WHERE starts) OVER (ORDER BY ts) AS cluster
             FROM (SELECT ts, coalesce(date_part('epoch', ts - lag(ts) OVER (ORDER BY ts)) * 1000 > (SELECT apart_ms FROM meter), true) AS starts
                   FROM inserted) AS gaps) AS numbered
       GROUP BY cluster
     )
     SELECT accepted, newest,
            (SELECT count(*)::int FROM batch WHERE batch.ts < (SELECT kept_from FROM meter)) AS expired,
            (SELECT coalesce(array_agg(first ORDER BY first), '{}') FROM clusters) AS firsts,
            (SELECT coalesce(array_agg(last ORDER BY first), '{}') FROM clusters) AS lasts,
            EXISTS (SELECT 1 FROM charts WHERE charts.owner_id = (SELECT owner_id FROM meters WHERE id = $1) AND charts.spec->'meterIds' ? $1::text) AS charted
     FROM newest`,
    values: [
      meterId,
      column("ts"),
      column("power_w"),
      column("energy_wh"),
      column("voltage_v"),
      column("current_a"),
      column("power_factor"),
      column("thd_pct"),
    ],
  };
}

/** The row insertReadingsStatement answers. */
export function insertedReadings(answer: unknown): InsertedReadings {
  const row = answer as {
    accepted: number;
    expired: number;
    newest: Date | string | null;
    charted: boolean;
    firsts: (Date | string)[];
    lasts: (Date | string)[];
  };
  return {
    accepted: row.accepted,
    expired: row.expired,
    newest: row.newest === null ? null : new Date(row.newest),
    charted: row.charted,
    stored: row.firsts.map((first, i) => ({ first: new Date(first), last: new Date(row.lasts[i]) })),
  };
}

export async function countReadings(db: Database, meterId: string): Promise<number> {
  const result = await db.$client.query("SELECT count(*)::int AS n FROM readings WHERE meter_id = $1", [meterId]);
  return (result.rows[0] as { n: number }).n;
}

/** Metric names come from a zod enum, never from the request text: safe to place in SQL. */
export const METRIC_COLUMNS: Record<Exclude<Metric, "cost">, string> = {
  power_w: "power_w",
  energy_wh: "energy_wh",
  voltage_v: "voltage_v",
  current_a: "current_a",
  power_factor: "power_factor",
  thd_pct: "thd_pct",
};

/**
 * The raw bucketed aggregation the rollup reads replaced (the series bench times it for scale): one
 * index range scan of (meter_id, ts). Calendar
 * buckets use date_trunc in the meter's zone (correct across DST); fixed ones use date_bin from a
 * local midnight, so hours line up with the meter's clock.
 */
export function seriesQuery(
  meterId: string,
  metric: Exclude<Metric, "energy_wh" | "cost">,
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

/** How an energy query cuts its window: fixed widths from a local midnight, calendar units in the meter's zone, or one bucket for all of it. */
export type EnergyBuckets = BucketPlan | "whole";

/** worker/costs/pricing.ts's PriceGrid (restated here: this file is also compiled for the Node benches). */
interface PriceGrid {
  origin: number;
  slotMs: number;
  prices: number[];
}

/**
 * Prices as SQL takes them: the grid merged into runs of one price, so a year of a time-of-use
 * tariff's quarter hours travels as about a thousand runs, not 35,000 slots. Run i (1-based in
 * SQL) holds `prices[i]` over [starts[i], starts[i + 1]); the first run starts at -Infinity and the
 * last runs on forever, both without a price (NaN), so width_bucket(t, starts) always finds one.
 */
export interface PriceParameters {
  starts: number[];
  prices: number[];
  /** cumulative[i]: the integral of price over time (price x ms, missing prices as 0) up to starts[i]. */
  cumulative: number[];
  /** missingBefore[i]: how many runs before run i have no price (one more entry than runs). */
  missingBefore: number[];
}

const samePrice = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

export function priceParameters(grid: PriceGrid): PriceParameters {
  const starts = [Number.NEGATIVE_INFINITY];
  const prices = [Number.NaN];
  grid.prices.forEach((raw, i) => {
    // Prices below 1e-100 count as 0, like tiny readings (Postgres raises underflow rather than round).
    const price = Math.abs(raw) < 1e-100 ? 0 : raw;
    if (samePrice(price, prices[prices.length - 1])) return;
    starts.push(grid.origin + i * grid.slotMs);
    prices.push(price);
  });
  if (!Number.isNaN(prices[prices.length - 1])) {
    starts.push(grid.origin + grid.prices.length * grid.slotMs);
    prices.push(Number.NaN);
  }
  const cumulative = [0];
  const missingBefore = [0];
  prices.forEach((price, i) => {
    const missing = Number.isNaN(price);
    if (i + 1 < prices.length) cumulative.push(cumulative[i] + (missing ? 0 : price * (starts[i + 1] - starts[i])));
    missingBefore.push(missingBefore[i] + (missing ? 1 : 0));
  });
  return { starts, prices, cumulative, missingBefore };
}

/**
 * The cost of each piece (k, a, b, watts, and any other columns) of a `pieces` relation, from price parameters added
 * through `param`. A piece [a, b) touches runs ja (width_bucket of a, a binary search) to j_last
 * (the run b lies in, or the one before when b is that run's start). Most pieces lie inside one
 * run: watts x price x time (NaN if the price is missing). A piece across runs uses P(t) =
 * cumulative[j] + price[j] x (t - starts[j]) with j the run of t, and is NaN if any run it touches
 * has no price. Shared by energyQuery and the rollups' raw fringe (rollups/read-queries.ts).
 */
export function pricedPiecesSql(prices: PriceParameters, param: (value: unknown) => string): string {
  const [starts, price, cumulative, missing] = [prices.starts, prices.prices, prices.cumulative, prices.missingBefore].map(param);
  return `SELECT s.*,
        CASE WHEN ja = j_last THEN watts * (b - a) * g.price[ja] / 3.6e9
             WHEN g.missing[j_last + 1] - g.missing[ja] > 0 THEN 'NaN'::float8
             ELSE watts * ((g.cumulative[j_last] + g.price[j_last] * (b - g.starts[j_last]))
                           - (g.cumulative[ja] + g.price[ja] * (a - g.starts[ja]))) / 3.6e9 END AS cost
      FROM (SELECT ${starts}::float8[] AS starts, ${price}::float8[] AS price,
                   ${cumulative}::float8[] AS cumulative, ${missing}::float8[] AS missing) AS g,
      LATERAL (SELECT pieces.*, ja, CASE WHEN jb > ja AND g.starts[jb] >= b THEN jb - 1 ELSE jb END AS j_last
               FROM pieces, LATERAL (SELECT width_bucket(a, g.starts) AS ja, width_bucket(b, g.starts) AS jb) AS j
               WHERE b > a) AS s`;
}

/**
 * Energy (and, given a price grid, its cost) per bucket, in ONE statement over the index range
 * scan of (meter_id, ts): the raw definition the rollup reads (rollups/read-queries.ts) are tested
 * equal to. The model:
 * - Every reading stands for a span of constant power (readings/energy-spans.ts, shared with the
 *   rollups). A power reading holds from its ts until the next reading (left Riemann sum, Home
 *   Assistant's "left" integration), an energy_wh reading covers (previous reading, ts] at the
 *   average power that energy implies; energy_wh wins where a reading has both, so reported energy
 *   is used as is.
 * - No span lasts longer than a cap of 1.5 x the meter's typical interval (meters.reading_interval_ms):
 *   time beyond it is a gap, not covered, and never guessed. An energy_wh reading after a gap (or
 *   the meter's first) is taken to cover one typical interval (1 ms for a meter's only reading):
 *   its energy counts whole either way.
 * - Spans are clipped to the window and cut at bucket edges (width_bucket over the edges; only the
 *   rare span crossing an edge is cut into pieces), so a reading straddling an edge gives each
 *   bucket its share; `covered` is covered time over the bucket's time in the window.
 * - Cost uses the cumulative price integral P(t) (a parameter array built from the tariff's own
 *   grid): a span's cost is watts x (P(b) - P(a)), exact however many price slots it straddles, with
 *   no per-slot rows. A span touching a slot without a price makes its bucket's cost null.
 * The scan bounds are literal instants (the window widened by the cap), so the planner sees the
 * real row count and reads the index in order for the window functions, with no sort.
 */
export function energyQuery(
  meterId: string,
  from: Date,
  to: Date,
  buckets: EnergyBuckets,
  timezone: string,
  typicalMs: number,
  grid?: PriceGrid,
  withPeak = false,
): { text: string; values: unknown[] } {
  const capMs = 1.5 * typicalMs;
  // $4, the zone, is typed in `win` because a whole-window query has no other use for it.
  const values: unknown[] = [
    meterId,
    from.toISOString(),
    to.toISOString(),
    timezone,
    new Date(from.getTime() - capMs).toISOString(),
    new Date(to.getTime() + capMs).toISOString(),
    capMs,
    // With fewer than two readings there is no typical interval; a lone energy_wh reading still
    // counts whole, over a 1 ms span that ends at its ts (its interval is unknown, so it covers ~nothing).
    Math.max(typicalMs, 1),
  ];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  let starts: string;
  if (buckets === "whole") starts = "SELECT $2::timestamptz AS t";
  else if (buckets.calendar) {
    const unit = param(buckets.calendar);
    starts = `SELECT local AT TIME ZONE $4 AS t
      FROM generate_series(date_trunc(${unit}, $2::timestamptz AT TIME ZONE $4), $3::timestamptz AT TIME ZONE $4, ('1 ' || ${unit})::interval) AS local`;
  } else {
    const width = param(buckets.interval);
    starts = `SELECT generate_series(date_bin(${width}::interval, $2::timestamptz, '2000-01-03 00:00'::timestamp AT TIME ZONE $4), $3::timestamptz, ${width}::interval) AS t`;
  }
  let priced = "SELECT k, a, b, watts FROM pieces WHERE b > a";
  let costTotals = "";
  if (grid) {
    priced = pricedPiecesSql(priceParameters(grid), param);
    // A NaN (missing price) or NULL (outside the grid) piece makes its bucket's cost null.
    costTotals = ", CASE WHEN count(cost) < count(*) OR sum(cost) = 'NaN'::float8 THEN NULL ELSE sum(cost) END AS cost";
  }
  const peakTotals = withPeak ? ", max(watts) AS peak_w, (max(ARRAY[watts, a]))[2] AS peak_at" : "";
  const text = `WITH
    win AS (SELECT date_part('epoch', $2::timestamptz) * 1000 AS from_ms, date_part('epoch', $3::timestamptz) * 1000 AS to_ms,
                   $4::text AS zone),
    starts AS (${starts}),
    grid AS (
      SELECT array_agg(t ORDER BY t) AS labels,
             array_agg(greatest(date_part('epoch', t) * 1000, win.from_ms) ORDER BY t) || win.to_ms AS edges
      FROM starts, win WHERE t < $3::timestamptz GROUP BY win.to_ms
    ),
    ${energySpanCtes({
      readings: "readings WHERE meter_id = $1 AND ts >= $5 AND ts < $6 AND (power_w IS NOT NULL OR energy_wh IS NOT NULL)",
      capMs: "$7::float8",
      afterGapMs: "$8::float8",
    })},
    spans AS (
      SELECT c.*, width_bucket(c.a, g.edges) AS ka, width_bucket(c.b, g.edges) AS kb,
             (width_bucket(c.b, g.edges) > width_bucket(c.a, g.edges))::int AS crosses_edges
      FROM (SELECT greatest(a, win.from_ms) AS a, least(b, win.to_ms) AS b, watts
            FROM held, win WHERE b > a AND b > win.from_ms AND a < win.to_ms) AS c, grid g
    ),
    pieces AS (
      SELECT ka AS k, a, least(b, g.edges[ka + 1]) AS b, watts FROM spans, grid g
      UNION ALL
      SELECT k, g.edges[k] AS a, least(b, g.edges[k + 1]) AS b, watts
      FROM spans, grid g, generate_series(ka + 1, least(kb, cardinality(g.edges) - 1)) AS k
      -- An equality, which the planner takes to be rare (as it is): its row estimate stays near
      -- the truth, so the statement's cost stays under the JIT-optimisation threshold.
      WHERE crosses_edges = 1
    ),
    priced AS (${priced}),
    totals AS (
      SELECT k, sum(watts * (b - a)) / 3.6e6 AS energy_wh, sum(b - a) AS covered_ms, count(*)::int AS count${costTotals}${peakTotals}
      FROM priced GROUP BY k
    )
    SELECT g.labels[k] AS t, g.edges[k] AS lo, g.edges[k + 1] AS hi, totals.*
    FROM totals, grid g ORDER BY k`;
  return { text, values };
}

/**
 * The meter's stored reading interval (the one the rollups use), or, for a meter without one yet,
 * the median gap of its last 500 readings before `to`: one query either way.
 */
export async function meterIntervalMs(db: Database, meterId: string, to: Date): Promise<number> {
  const result = await db.$client.query(
    `SELECT coalesce((SELECT reading_interval_ms FROM meters WHERE id = $1), (${readingIntervalSql("$1", "$2")})) AS interval_ms`,
    [meterId, to.toISOString()],
  );
  return Number((result.rows[0] as { interval_ms: number }).interval_ms);
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

import type { Metric } from "../charts/chart-spec-contract";
import type { Database } from "../db/client";
import { energySpanCtes } from "../readings/energy-spans";
import { METRIC_COLUMNS, type PriceParameters, pricedPiecesSql } from "../readings/queries";
import { type ReadPlan, runsOf } from "./planner";

/**
 * Series reads that combine the three sources of a read plan (planner.ts) in ONE statement per
 * meter and metric: the daily and hourly tiers over their runs, raw readings over theirs (index
 * range scans), each row put in its bucket with width_bucket over the bucket edges, then summed
 * per bucket. Buckets are 1-based in SQL (k), as in readings/queries.ts.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** Bucket edges: each bucket's clipped start, then the window's end. */
const edgesOf = (plan: ReadPlan) => [...plan.buckets.map((b) => b.lo), plan.buckets[plan.buckets.length - 1]?.hi ?? 0];

/** A range of one source, and the range scanned for it (wider for the energy model's neighbours). */
interface Run {
  lo: number;
  hi: number;
  scanLo: number;
  scanHi: number;
}

/** Up to this many runs of a source are read with their bounds as parameters (see rowsIn). */
const LITERAL_RUNS = 8;

/**
 * A FROM item `alias`: one meter's rows of `table` whose `column` lies in a run's scan range (and
 * `where`), each with run_id, run_lo and run_hi (ms). Up to LITERAL_RUNS runs, each is its own
 * index range scan with its bounds as parameters, so the planner sees real row counts (joined to
 * unnested ranges it guesses a ninth of the table per range, and on Postgres 15 the cost then
 * crosses jit_above_cost: 50-60 ms of JIT compilation per statement). More runs (half-hour zones,
 * cost with unpriced hours) join the ranges unnested.
 */
function rowsIn(table: string, column: string, runs: Run[], param: (value: unknown) => string, where: string, alias: string): string {
  if (runs.length <= LITERAL_RUNS) {
    const branches = runs.map(
      (run, i) =>
        `SELECT ${i + 1} AS run_id, ${param(run.lo)}::float8 AS run_lo, ${param(run.hi)}::float8 AS run_hi, t.* FROM ${table} t
         WHERE t.meter_id = $1 AND t.${column} >= ${param(iso(run.scanLo))}::timestamptz AND t.${column} < ${param(iso(run.scanHi))}::timestamptz AND ${where}`,
    );
    if (branches.length === 0)
      branches.push(`SELECT 0 AS run_id, 0::float8 AS run_lo, 0::float8 AS run_hi, t.* FROM ${table} t WHERE false`);
    return `(${branches.join("\n         UNION ALL ")}) AS ${alias}`;
  }
  const [lo, hi, scanLo, scanHi] = [
    runs.map((r) => r.lo),
    runs.map((r) => r.hi),
    runs.map((r) => iso(r.scanLo)),
    runs.map((r) => iso(r.scanHi)),
  ].map(param);
  return `(SELECT run.id AS run_id, run.lo AS run_lo, run.hi AS run_hi, t.*
           FROM unnest(${lo}::float8[], ${hi}::float8[], ${scanLo}::timestamptz[], ${scanHi}::timestamptz[]) WITH ORDINALITY AS run(lo, hi, scan_lo, scan_hi, id)
           CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE meter_id = $1 AND ${column} >= run.scan_lo AND ${column} < run.scan_hi AND ${where}) AS t) AS ${alias}`;
}

/** A source's runs, scanned over themselves (the tiers, plain metrics) or widened by `widen` ms on each side. */
const runsFor = (plan: ReadPlan, source: "raw" | "hour" | "day", widen = 0): Run[] =>
  runsOf(plan.segments, source).map((r) => ({ ...r, scanLo: r.lo - widen, scanHi: r.hi + widen }));

/** Adds a parameter and gives its placeholder; the same array object given twice is sent once. */
const parameters = (values: unknown[]) => (value: unknown) => {
  const known = Array.isArray(value) ? values.indexOf(value) : -1;
  if (known >= 0) return `$${known + 1}`;
  values.push(value);
  return `$${values.length}`;
};

export interface PlainRow {
  k: number;
  avg: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** sum/count/min/max of a plain column per bucket, as readings/queries.ts's seriesQuery gives them. */
export function plainRollupQuery(
  meterId: string,
  metric: Exclude<Metric, "cost" | "energy_wh">,
  plan: ReadPlan,
): { text: string; values: unknown[] } {
  const c = METRIC_COLUMNS[metric];
  const values: unknown[] = [meterId, edgesOf(plan).map(iso)];
  const param = parameters(values);
  const tier = (table: string, column: string, source: "hour" | "day") =>
    `SELECT width_bucket(t.${column}, g.edges) AS k, sum(t.${c}_sum) AS s, sum(t.${c}_count) AS n, min(t.${c}_min) AS lo, max(t.${c}_max) AS hi
     FROM g, ${rowsIn(table, column, runsFor(plan, source), param, `${c}_count > 0`, "t")}
     GROUP BY 1`;
  const text = `WITH g AS (SELECT $2::timestamptz[] AS edges),
    parts AS (
      SELECT width_bucket(r.ts, g.edges) AS k, sum(r.${c}) AS s, count(r.${c}) AS n, min(r.${c}) AS lo, max(r.${c}) AS hi
      FROM g, ${rowsIn("readings", "ts", runsFor(plan, "raw"), param, `${c} IS NOT NULL`, "r")}
      GROUP BY 1
      UNION ALL
      ${tier("reading_rollups_hourly", "hour", "hour")}
      UNION ALL
      ${tier("reading_rollups_daily", "day", "day")}
    )
    SELECT k, sum(s) / sum(n) AS avg, min(lo) AS min, max(hi) AS max, sum(s) AS sum, sum(n)::int AS count
    FROM parts GROUP BY k HAVING sum(n) > 0 ORDER BY k`;
  return { text, values };
}

export async function queryPlainRollup(db: Database, ...query: Parameters<typeof plainRollupQuery>): Promise<PlainRow[]> {
  const { text, values } = plainRollupQuery(...query);
  // Rows as arrays, in the SELECT's order: no object built per row (a year of 12-hour buckets is 731 rows).
  const result = await db.$client.query({ text, values, rowMode: "array" });
  return (result.rows as (number | string)[][]).map(([k, avg, min, max, sum, count]) => ({
    k: Number(k),
    avg: Number(avg),
    min: Number(min),
    max: Number(max),
    sum: Number(sum),
    count: Number(count),
  }));
}

export interface EnergyRow {
  k: number;
  energyWh: number;
  coveredMs: number;
  /** Readings with power_w or energy_wh whose ts lies in the bucket. */
  count: number;
  /** Only with prices: null where some price is missing. */
  cost: number | null;
  /** Only with the peak: the highest power held, and the start of the latest span holding it, unclipped (epoch ms). */
  peakW: number | null;
  peakStartMs: number | null;
}

/**
 * Energy (and, given prices, cost; asked, the peak) per bucket: the tiers' integral_wh / covered_ms
 * / readings (cost: the hourly quarter_wh x the quarter's price, its run found by width_bucket; the
 * plan gives cost no days, and hours only where the price is constant over each quarter; peak: the
 * hours' peak_w, the plan gives it no days), the raw runs through the span model the rollups and
 * energyQuery share (readings/energy-spans.ts; spans clipped to the run, cut at bucket edges),
 * with the meter's stored cap. A bucket exists where some covered time lies in it, as in energyQuery.
 */
export function energyRollupQuery(
  meterId: string,
  plan: ReadPlan,
  typicalMs: number,
  prices?: PriceParameters,
  withPeak = false,
): { text: string; values: unknown[] } {
  const capMs = 1.5 * typicalMs;
  // $3 and $4 as in energyQuery: the cap, and the span of an energy reading after a gap.
  // $5: the edges again as instants, for the tiers' rows (no epoch conversion per row).
  const values: unknown[] = [meterId, edgesOf(plan), capMs, Math.max(typicalMs, 1), edgesOf(plan).map(iso)];
  const param = parameters(values);
  let priced = "SELECT pieces.*, 0::float8 AS cost FROM pieces WHERE b > a";
  let quarterPrices = "";
  let hourCost: string | null = null;
  if (prices) {
    priced = pricedPiecesSql(prices, param);
    quarterPrices = `, p AS (SELECT ${param(prices.starts)}::float8[] AS starts, ${param(prices.prices)}::float8[] AS price)`;
    // An hour inside one run costs integral_wh x its price (one binary search: most hours); else quarter
    // q costs quarter_wh[q] x the price of its run. The planner gave this tier only hours where each
    // quarter has a price, so no hour's cost is missing.
    const price = (q: number) => `p.price[width_bucket(h.ms + ${q * 900_000}, p.starts)]`;
    hourCost = `CASE WHEN p.starts[h.run + 1] >= h.ms + 3600000 THEN t.integral_wh * p.price[h.run]
      ELSE t.quarter_wh[1] * ${price(0)} + t.quarter_wh[2] * ${price(1)} + t.quarter_wh[3] * ${price(2)} + t.quarter_wh[4] * ${price(3)} END / 1000`;
  }
  // The highest [watts, span start] of a bucket; hours without spans have no peak (NULL sorts above numbers in arrays).
  const noPeak = withPeak ? ", NULL::float8[] AS peak" : "";
  /** A tier's rows per bucket; `rowCost` the cost of one row (null: the tier gives no cost). */
  const tier = (table: string, column: string, source: "hour" | "day", rowCost: string | null, rowPeak: boolean) =>
    `SELECT width_bucket(t.${column}, $5::timestamptz[]) AS k, sum(t.integral_wh) AS energy_wh, sum(t.covered_ms) AS covered_ms,
            sum(t.readings) AS readings, ${rowCost ? `sum(${rowCost})` : "0::float8"} AS cost, 0 AS missing${
              withPeak ? (rowPeak ? ", max(ARRAY[t.peak_w, t.peak_start_ms]) FILTER (WHERE t.peak_w IS NOT NULL) AS peak" : noPeak) : ""
            }
     FROM ${rowsIn(table, column, runsFor(plan, source), param, "true", "t")}${
       // OFFSET 0 keeps the run's binary search a per-row value, not an expression repeated wherever it is used.
       rowCost
         ? `, p, LATERAL (SELECT ms, width_bucket(ms, p.starts) AS run FROM (SELECT date_part('epoch', t.${column}) * 1000 AS ms) AS e OFFSET 0) AS h`
         : ""
     }
     GROUP BY 1`;
  const text = `WITH
    g AS (SELECT $2::float8[] AS edges)${quarterPrices},
    ${energySpanCtes({
      readings: rowsIn("readings", "ts", runsFor(plan, "raw", capMs), param, "(power_w IS NOT NULL OR energy_wh IS NOT NULL)", "r"),
      capMs: "$3::float8",
      afterGapMs: "$4::float8",
      carry: ["run_id", "run_lo", "run_hi"],
    })},
    spans AS (
      SELECT c.*, width_bucket(c.a, g.edges) AS ka, width_bucket(c.b, g.edges) AS kb,
             (width_bucket(c.b, g.edges) > width_bucket(c.a, g.edges))::int AS crosses_edges
      FROM (SELECT greatest(a, run_lo) AS a, least(b, run_hi) AS b, watts, a AS span_a
            FROM held WHERE b > a AND b > run_lo AND a < run_hi) AS c, g
    ),
    pieces AS (
      SELECT ka AS k, a, least(b, g.edges[ka + 1]) AS b, watts, span_a FROM spans, g
      UNION ALL
      SELECT k, g.edges[k] AS a, least(b, g.edges[k + 1]) AS b, watts, span_a
      FROM spans, g, generate_series(ka + 1, least(kb, cardinality(g.edges) - 1)) AS k
      WHERE crosses_edges = 1
    ),
    priced AS (${priced}),
    parts AS (
      SELECT k, sum(watts * (b - a)) / 3.6e6 AS energy_wh, sum(b - a) AS covered_ms, 0 AS readings, sum(cost) AS cost,
             count(*) FILTER (WHERE cost IS NULL OR cost = 'NaN'::float8) AS missing${withPeak ? ", max(ARRAY[watts, span_a]) AS peak" : ""}
      FROM priced GROUP BY k
      UNION ALL
      SELECT width_bucket(ms, g.edges) AS k, 0, 0, count(*), 0, 0${noPeak}
      FROM reach, g WHERE ms >= run_lo AND ms < run_hi GROUP BY 1
      UNION ALL
      ${tier("reading_rollups_hourly", "hour", "hour", hourCost, true)}
      UNION ALL
      ${tier("reading_rollups_daily", "day", "day", null, false)}
    )
    SELECT k, sum(energy_wh) AS energy_wh, sum(covered_ms) AS covered_ms, sum(readings)::int AS count,
           CASE WHEN sum(missing) > 0 THEN NULL ELSE sum(cost) END AS cost${withPeak ? ", (max(peak))[1] AS peak_w, (max(peak))[2] AS peak_start_ms" : ""}
    FROM parts GROUP BY k HAVING sum(covered_ms) > 0 ORDER BY k`;
  return { text, values };
}

export async function queryEnergyRollup(db: Database, ...query: Parameters<typeof energyRollupQuery>): Promise<EnergyRow[]> {
  const { text, values } = energyRollupQuery(...query);
  const result = await db.$client.query(text, values);
  const number = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Number(value));
  return (result.rows as Record<string, number | string | null>[]).map((row) => ({
    k: Number(row.k),
    energyWh: Number(row.energy_wh),
    coveredMs: Number(row.covered_ms),
    count: Number(row.count),
    cost: number(row.cost),
    peakW: number(row.peak_w),
    peakStartMs: number(row.peak_start_ms),
  }));
}

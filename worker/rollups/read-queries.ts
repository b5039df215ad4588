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
  const runs = (source: "raw" | "hour" | "day") => {
    const list = runsOf(plan.segments, source);
    return [list.map((r) => iso(r.lo)), list.map((r) => iso(r.hi))];
  };
  const tier = (table: string, column: string, lo: string, hi: string) =>
    `SELECT width_bucket(t.${column}, g.edges) AS k, sum(t.${c}_sum) AS s, sum(t.${c}_count) AS n, min(t.${c}_min) AS lo, max(t.${c}_max) AS hi
     FROM g, unnest(${lo}::timestamptz[], ${hi}::timestamptz[]) AS run(lo, hi)
     JOIN ${table} t ON t.meter_id = $1 AND t.${column} >= run.lo AND t.${column} < run.hi AND t.${c}_count > 0
     GROUP BY 1`;
  const text = `WITH g AS (SELECT $2::timestamptz[] AS edges),
    parts AS (
      SELECT width_bucket(r.ts, g.edges) AS k, sum(r.${c}) AS s, count(r.${c}) AS n, min(r.${c}) AS lo, max(r.${c}) AS hi
      FROM g, unnest($3::timestamptz[], $4::timestamptz[]) AS run(lo, hi)
      JOIN readings r ON r.meter_id = $1 AND r.ts >= run.lo AND r.ts < run.hi AND r.${c} IS NOT NULL
      GROUP BY 1
      UNION ALL
      ${tier("reading_rollups_hourly", "hour", "$5", "$6")}
      UNION ALL
      ${tier("reading_rollups_daily", "day", "$7", "$8")}
    )
    SELECT k, sum(s) / sum(n) AS avg, min(lo) AS min, max(hi) AS max, sum(s) AS sum, sum(n)::int AS count
    FROM parts GROUP BY k HAVING sum(n) > 0 ORDER BY k`;
  return { text, values: [meterId, edgesOf(plan).map(iso), ...runs("raw"), ...runs("hour"), ...runs("day")] };
}

export async function queryPlainRollup(db: Database, ...query: Parameters<typeof plainRollupQuery>): Promise<PlainRow[]> {
  const { text, values } = plainRollupQuery(...query);
  const result = await db.$client.query(text, values);
  return (result.rows as Record<string, number | string>[]).map((row) => ({
    k: Number(row.k),
    avg: Number(row.avg),
    min: Number(row.min),
    max: Number(row.max),
    sum: Number(row.sum),
    count: Number(row.count),
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
}

/**
 * Energy (and, given prices, cost) per bucket: the tiers' integral_wh / covered_ms / readings (cost:
 * the hourly quarter_wh x the quarter's price; the plan gives cost no days, and hours only where
 * the price is constant over each quarter), the raw runs through the span model the rollups and
 * energyQuery share (readings/energy-spans.ts; spans clipped to the run, cut at bucket edges),
 * with the meter's stored cap. A bucket exists where some covered time lies in it, as in energyQuery.
 */
export function energyRollupQuery(
  meterId: string,
  plan: ReadPlan,
  typicalMs: number,
  prices?: PriceParameters,
): { text: string; values: unknown[] } {
  const capMs = 1.5 * typicalMs;
  const raw = runsOf(plan.segments, "raw");
  const hours = runsOf(plan.segments, "hour");
  const days = runsOf(plan.segments, "day");
  const values: unknown[] = [
    meterId,
    edgesOf(plan),
    raw.map((r) => r.lo),
    raw.map((r) => r.hi),
    raw.map((r) => iso(r.lo - capMs)),
    raw.map((r) => iso(r.hi + capMs)),
    capMs,
    Math.max(typicalMs, 1),
    hours.map((r) => iso(r.lo)),
    hours.map((r) => iso(r.hi)),
    days.map((r) => iso(r.lo)),
    days.map((r) => iso(r.hi)),
  ];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  let priced = "SELECT k, a, b, watts, 0::float8 AS cost FROM pieces WHERE b > a";
  let quarterPrices = "";
  let hourCost: string | null = null;
  if (prices) {
    priced = pricedPiecesSql(prices, param);
    quarterPrices = `, p AS (SELECT ${param(prices.origin)}::float8 AS origin, ${param(prices.slotMs)}::float8 AS slot, ${param(prices.prices)}::float8[] AS price)`;
    // Quarter q of an hour costs quarter_wh[q] x the price of its slot (the planner checked each has one).
    const slot = (q: number) => `p.price[floor((date_part('epoch', t.hour) * 1000 + ${q * 900_000} - p.origin) / p.slot)::int + 1]`;
    hourCost = `(t.quarter_wh[1] * ${slot(0)} + t.quarter_wh[2] * ${slot(1)} + t.quarter_wh[3] * ${slot(2)} + t.quarter_wh[4] * ${slot(3)}) / 1000`;
  }
  /** A tier's rows per bucket; `rowCost` the cost of one row (null: the tier gives no cost). */
  const tier = (table: string, column: string, lo: string, hi: string, rowCost: string | null) =>
    `SELECT width_bucket(date_part('epoch', t.${column}) * 1000, g.edges) AS k, sum(t.integral_wh) AS energy_wh, sum(t.covered_ms) AS covered_ms,
            sum(t.readings) AS readings, ${rowCost ? `sum(${rowCost})` : "0::float8"} AS cost,
            ${rowCost ? `count(*) FILTER (WHERE ${rowCost} IS NULL OR ${rowCost} = 'NaN'::float8)` : "0"} AS missing
     FROM g${rowCost ? ", p" : ""}, unnest(${lo}::timestamptz[], ${hi}::timestamptz[]) AS run(lo, hi)
     JOIN ${table} t ON t.meter_id = $1 AND t.${column} >= run.lo AND t.${column} < run.hi
     GROUP BY 1`;
  const text = `WITH
    g AS (SELECT $2::float8[] AS edges)${quarterPrices},
    runs AS (SELECT * FROM unnest($3::float8[], $4::float8[], $5::timestamptz[], $6::timestamptz[]) WITH ORDINALITY AS run(lo, hi, scan_lo, scan_hi, id)),
    ${energySpanCtes({
      readings: `(SELECT run.id AS run_id, run.lo AS run_lo, run.hi AS run_hi, r.ts, r.power_w, r.energy_wh
                  FROM runs run CROSS JOIN LATERAL (
                    SELECT ts, power_w, energy_wh FROM readings
                    WHERE meter_id = $1 AND ts >= run.scan_lo AND ts < run.scan_hi AND (power_w IS NOT NULL OR energy_wh IS NOT NULL)) AS r) AS run_readings`,
      capMs: "$7::float8",
      afterGapMs: "$8::float8",
      carry: ["run_id", "run_lo", "run_hi"],
    })},
    spans AS (
      SELECT c.*, width_bucket(c.a, g.edges) AS ka, width_bucket(c.b, g.edges) AS kb,
             (width_bucket(c.b, g.edges) > width_bucket(c.a, g.edges))::int AS crosses_edges
      FROM (SELECT greatest(a, run_lo) AS a, least(b, run_hi) AS b, watts
            FROM held WHERE b > a AND b > run_lo AND a < run_hi) AS c, g
    ),
    pieces AS (
      SELECT ka AS k, a, least(b, g.edges[ka + 1]) AS b, watts FROM spans, g
      UNION ALL
      SELECT k, g.edges[k] AS a, least(b, g.edges[k + 1]) AS b, watts
      FROM spans, g, generate_series(ka + 1, least(kb, cardinality(g.edges) - 1)) AS k
      WHERE crosses_edges = 1
    ),
    priced AS (${priced}),
    parts AS (
      SELECT k, sum(watts * (b - a)) / 3.6e6 AS energy_wh, sum(b - a) AS covered_ms, 0 AS readings, sum(cost) AS cost,
             count(*) FILTER (WHERE cost IS NULL OR cost = 'NaN'::float8) AS missing
      FROM priced GROUP BY k
      UNION ALL
      SELECT width_bucket(ms, g.edges) AS k, 0, 0, count(*), 0, 0
      FROM reach, g WHERE ms >= run_lo AND ms < run_hi GROUP BY 1
      UNION ALL
      ${tier("reading_rollups_hourly", "hour", "$9", "$10", hourCost)}
      UNION ALL
      ${tier("reading_rollups_daily", "day", "$11", "$12", null)}
    )
    SELECT k, sum(energy_wh) AS energy_wh, sum(covered_ms) AS covered_ms, sum(readings)::int AS count,
           CASE WHEN sum(missing) > 0 THEN NULL ELSE sum(cost) END AS cost
    FROM parts GROUP BY k HAVING sum(covered_ms) > 0 ORDER BY k`;
  return { text, values };
}

export async function queryEnergyRollup(db: Database, ...query: Parameters<typeof energyRollupQuery>): Promise<EnergyRow[]> {
  const { text, values } = energyRollupQuery(...query);
  const result = await db.$client.query(text, values);
  return (result.rows as Record<string, number | string | null>[]).map((row) => ({
    k: Number(row.k),
    energyWh: Number(row.energy_wh),
    coveredMs: Number(row.covered_ms),
    count: Number(row.count),
    cost: row.cost === null ? null : Number(row.cost),
  }));
}

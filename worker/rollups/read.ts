import type { Metric } from "../charts/chart-spec-contract";
import { missingPriceNote, type PriceGrid } from "../costs/pricing";
import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { meterIntervalMs, priceParameters } from "../readings/queries";
import type { BucketPlan } from "../series/buckets";
import type { SeriesPoint } from "../series/contract";
import { planRead, type ReadPlan } from "./planner";
import { queryEnergyRollup, queryPlainRollup } from "./read-queries";

const QUARTER = 15 * 60_000;

/**
 * Which whole UTC hours may take their cost from the hourly tier's quarter_wh: only where the price
 * is constant over each quarter hour (slots of whole quarters aligned to quarter hours, or one
 * price for all) and defined; elsewhere cost reads raw.
 */
export function pricedHours(grid: PriceGrid): (hour: number) => boolean {
  const constant = grid.prices.length === 1;
  if (!constant && (grid.slotMs % QUARTER !== 0 || ((grid.origin % QUARTER) + QUARTER) % QUARTER !== 0)) return () => false;
  return (hour) => {
    for (let q = 0; q < 4; q++) {
      const i = Math.floor((hour + q * QUARTER - grid.origin) / grid.slotMs);
      if (i < 0 || i >= grid.prices.length || Number.isNaN(grid.prices[i])) return false;
    }
    return true;
  };
}

/**
 * One meter's series points over [from, to), from the coarsest sources that give them exactly (the
 * planner's segments), in one statement. With rollups not ready every segment is raw. Energy and
 * cost follow the energy model of readings/queries.ts (value in avg/min/max/sum, `covered`); cost
 * needs the price grid.
 */
export async function seriesPoints(
  db: Database,
  meter: MeterRow,
  metric: Metric,
  from: Date,
  to: Date,
  bucket: BucketPlan,
  grid?: PriceGrid,
): Promise<SeriesPoint[]> {
  const plan = planRead(from.getTime(), to.getTime(), bucket, meter.timezone, {
    ready: meter.rollupsReady,
    days: metric !== "cost",
    hour: metric === "cost" ? pricedHours(grid!) : undefined,
  });
  const label = (k: number) => new Date(plan.buckets[k - 1].t).toISOString();
  if (metric !== "energy_wh" && metric !== "cost") {
    const rows = await queryPlainRollup(db, meter.id, metric, plan);
    return rows.map(({ k, avg, min, max, sum, count }) => ({ t: label(k), avg, min, max, sum, count }));
  }
  const typicalMs = meter.readingIntervalMs ?? (await meterIntervalMs(db, meter.id, to));
  const rows = await queryEnergyRollup(db, meter.id, plan, typicalMs, metric === "cost" ? priceParameters(grid!) : undefined);
  return rows.map((row) => {
    const { lo, hi } = plan.buckets[row.k - 1];
    const value = metric === "cost" ? row.cost : row.energyWh;
    const point: SeriesPoint = {
      t: label(row.k),
      avg: value,
      min: value,
      max: value,
      sum: value,
      count: row.count,
      covered: Math.min(1, row.coveredMs / (hi - lo)),
    };
    if (metric === "cost" && value === null) point.note = missingPriceNote(grid!, lo, hi);
    return point;
  });
}

/** A window's energy figures (see wholeEnergy). */
export interface WholeEnergy {
  energyWh: number;
  /** Covered time over the window's. */
  covered: number;
  /** Readings with power_w or energy_wh in the window. */
  count: number;
  /** Only given prices: null where some price is missing. */
  cost: number | null;
  /** Only with the peak: the highest power held and when the span holding it started (clipped to the window; the latest of equals). */
  peakW: number | null;
  peakAt: number | null;
}

/**
 * Energy (and, given prices, cost; with `withPeak`, the highest power held) over all of [from, to)
 * in one bucket, from the rollups where they give it exactly (the peak from hours, never days):
 * what the measure tool and usage summaries read. undefined when nothing is covered.
 */
export async function wholeEnergy(
  db: Database,
  meter: MeterRow,
  from: Date,
  to: Date,
  grid?: PriceGrid,
  withPeak = false,
): Promise<WholeEnergy | undefined> {
  return (await wholeEnergies(db, meter, [{ from, to }], grid, withPeak))[0];
}

/**
 * wholeEnergy over several windows of one meter in ONE statement (a summary's period and the one it
 * is compared with): each window is a bucket, and a gap between two windows a bucket nothing is
 * read in. Windows in time order, not overlapping; `grid` spans them all. An empty window, like
 * one with nothing covered, answers undefined.
 */
export async function wholeEnergies(
  db: Database,
  meter: MeterRow,
  windows: { from: Date; to: Date }[],
  grid?: PriceGrid,
  withPeak = false,
): Promise<(WholeEnergy | undefined)[]> {
  const options = { ready: meter.rollupsReady, days: !grid && !withPeak, hour: grid ? pricedHours(grid) : undefined };
  const plan: ReadPlan = { buckets: [], segments: [] };
  const bucketOf = windows.map(({ from, to }) => {
    if (to <= from) return -1;
    const previous = plan.buckets[plan.buckets.length - 1];
    if (previous && previous.hi > from.getTime()) throw new Error("wholeEnergies: windows overlap or are out of order");
    if (previous && previous.hi < from.getTime()) plan.buckets.push({ t: previous.hi, lo: previous.hi, hi: from.getTime() });
    const k = plan.buckets.length;
    const own = planRead(from.getTime(), to.getTime(), "whole", meter.timezone, options);
    plan.buckets.push(own.buckets[0]);
    plan.segments.push(...own.segments.map((segment) => ({ ...segment, k })));
    return k;
  });
  if (plan.buckets.length === 0) return windows.map(() => undefined);
  const last = new Date(Math.max(...windows.map((w) => w.to.getTime())));
  const typicalMs = meter.readingIntervalMs ?? (await meterIntervalMs(db, meter.id, last));
  const rows = await queryEnergyRollup(db, meter.id, plan, typicalMs, grid ? priceParameters(grid) : undefined, withPeak);
  const byBucket = new Map(rows.map((row) => [row.k - 1, row]));
  return windows.map(({ from, to }, i) => {
    const row = byBucket.get(bucketOf[i]);
    if (!row) return undefined;
    return {
      energyWh: row.energyWh,
      covered: Math.min(1, row.coveredMs / (to.getTime() - from.getTime())),
      count: row.count,
      cost: grid ? row.cost : null,
      peakW: row.peakW,
      peakAt: row.peakStartMs === null ? null : Math.max(row.peakStartMs, from.getTime()),
    };
  });
}

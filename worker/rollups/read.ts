import type { Metric } from "../charts/chart-spec-contract";
import { missingPriceNote, type PriceGrid } from "../costs/pricing";
import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { meterIntervalMs, type PriceParameters, priceParameters } from "../readings/queries";
import type { BucketPlan } from "../series/buckets";
import type { SeriesPoint } from "../series/contract";
import { planRead, type ReadPlan, runsOf } from "./planner";
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
 * priceParameters for one read: the cumulative price integral and the missing-price counts are read
 * only by raw pieces that cross slots, so they are kept only over the slots of the raw runs
 * (restarting at 0 in each stretch of them) and 0 elsewhere. Differences within a run, all that SQL
 * takes, stay exact, and a year of 15-minute prices no longer travels as 35,000 long numbers twice
 * when the hourly tier serves most of it.
 */
export function priceParametersFor(grid: PriceGrid, plan: ReadPlan): PriceParameters {
  const full = priceParameters(grid);
  const size = full.cumulative.length;
  const cumulative = new Array<number>(size).fill(0);
  const missingBefore = new Array<number>(size).fill(0);
  // Slot ranges the raw runs touch (cumulative indexes first..last), merged where they meet.
  const stretches: [number, number][] = [];
  for (const run of runsOf(plan.segments, "raw")) {
    const first = Math.max(0, Math.floor((run.lo - grid.origin) / grid.slotMs));
    const last = Math.min(size - 1, Math.ceil((run.hi - grid.origin) / grid.slotMs));
    const previous = stretches[stretches.length - 1];
    if (previous && first <= previous[1]) previous[1] = Math.max(previous[1], last);
    else stretches.push([first, last]);
  }
  for (const [first, last] of stretches) {
    for (let i = first; i <= last; i++) {
      cumulative[i] = full.cumulative[i] - full.cumulative[first];
      missingBefore[i] = full.missingBefore[i] - full.missingBefore[first];
    }
  }
  return { ...full, cumulative, missingBefore };
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
  const rows = await queryEnergyRollup(db, meter.id, plan, typicalMs, metric === "cost" ? priceParametersFor(grid!, plan) : undefined);
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

/**
 * Energy (and, given prices, cost) over all of [from, to) in one bucket, from the rollups where they
 * give it exactly: what summaries read (readings/queries.ts's queryEnergy "whole", without the peak).
 * undefined when nothing is covered.
 */
export async function wholeEnergy(
  db: Database,
  meter: MeterRow,
  from: Date,
  to: Date,
  grid?: PriceGrid,
): Promise<{ energyWh: number; covered: number; cost: number | null } | undefined> {
  const plan = planRead(from.getTime(), to.getTime(), "whole", meter.timezone, {
    ready: meter.rollupsReady,
    days: !grid,
    hour: grid ? pricedHours(grid) : undefined,
  });
  const typicalMs = meter.readingIntervalMs ?? (await meterIntervalMs(db, meter.id, to));
  const [row] = await queryEnergyRollup(db, meter.id, plan, typicalMs, grid ? priceParametersFor(grid, plan) : undefined);
  if (!row) return undefined;
  return { energyWh: row.energyWh, covered: Math.min(1, row.coveredMs / (to.getTime() - from.getTime())), cost: grid ? row.cost : null };
}

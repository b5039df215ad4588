import type { Actor } from "../actor";
import { type BucketName, METRIC_UNITS, type Metric, type TimeWindow } from "../charts/chart-spec-contract";
import type { Database } from "../db/client";
import { ApiError, notFound } from "../errors";
import { getMeters, listDevices } from "../meters/queries";
import { requireMeter } from "../meters/service";
import { querySeries } from "../readings/queries";
import { usageFigures } from "../readings/usage-queries";
import { planBuckets } from "./buckets";
import {
  DEFAULT_POINTS,
  type ManySeriesQuery,
  type MeterSeries,
  type RelativeWindow,
  type SeriesQuery,
  type SeriesSet,
  type SingleSeries,
  type UsageSummary,
} from "./contract";
import { resolveWindow } from "./windows";

const DAY = 86_400_000;

export interface SeriesRequest {
  meterIds: string[];
  metric: Metric;
  /** Either a window (relative windows follow each meter's calendar) or from/to. */
  window?: TimeWindow;
  from?: Date;
  to?: Date;
  points?: number;
  bucket?: BucketName | "auto";
}

/**
 * Bucketed series of the owner's meters for one metric. Every meter must be the owner's: one
 * foreign or missing id fails the whole request with 404, like a missing meter. Takes the owner
 * rather than an actor because public shares read their owner's series too.
 */
export async function loadSeries(db: Database, ownerId: string, request: SeriesRequest, now = new Date()): Promise<SeriesSet> {
  const ids = [...new Set(request.meterIds)];
  const meters = await getMeters(db, ownerId, ids);
  if (meters.length !== ids.length) throw notFound(ids.length === 1 ? "Meter" : "One of the meters");
  const byId = new Map(meters.map((m) => [m.id, m]));
  const maxPoints = request.points ?? DEFAULT_POINTS;

  const series: MeterSeries[] = [];
  for (const id of ids) {
    const meter = byId.get(id)!;
    const { from, to } = request.window
      ? resolveWindow(request.window, now, meter.timezone)
      : { from: request.from ?? new Date(now.getTime() - DAY), to: request.to ?? now };
    if (from >= to)
      throw new ApiError(400, "invalid_request", "from must be earlier than to", [{ path: "from", message: "must be earlier than to" }]);
    const plan = planBuckets(from, to, maxPoints, request.bucket);
    if (!plan) {
      throw new ApiError(
        400,
        "invalid_request",
        `The window is too long for ${maxPoints} points even in monthly buckets: raise points or shorten the window`,
        [{ path: "points", message: "too few for this window" }],
      );
    }
    const points = await querySeries(db, id, request.metric, from, to, plan, meter.timezone);
    series.push({
      meterId: id,
      name: meter.name,
      timezone: meter.timezone,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: plan.name,
      points,
    });
  }
  return { metric: request.metric, unit: METRIC_UNITS[request.metric], series };
}

function seriesRequest(query: SeriesQuery, meterIds: string[]): SeriesRequest {
  return {
    meterIds,
    metric: query.metric,
    window: query.window ? { kind: "relative", preset: query.window } : undefined,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    points: query.points,
    bucket: query.bucket,
  };
}

/** One meter's series. */
export async function meterSeries(actor: Actor, meterId: string, query: SeriesQuery): Promise<SingleSeries> {
  const result = await loadSeries(actor.db, actor.userId, seriesRequest(query, [meterId]));
  return { metric: result.metric, unit: result.unit, ...result.series[0] };
}

/** Series of several meters, in the order asked, for stacked and comparison charts. */
export function seriesSet(actor: Actor, query: ManySeriesQuery): Promise<SeriesSet> {
  return loadSeries(actor.db, actor.userId, seriesRequest(query, query.meterIds));
}

const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));

/** A meter's energy, peak, base load and power quality over a window, with the split across its device sub-meters. */
export async function usageSummary(actor: Actor, meterId: string, window: RelativeWindow, now = new Date()): Promise<UsageSummary> {
  const meter = await requireMeter(actor.db, actor.userId, meterId);
  const devices = await listDevices(actor.db, actor.userId, meter.id);
  const { from, to } = resolveWindow({ kind: "relative", preset: window }, now, meter.timezone);
  const [site, ...split] = await usageFigures(actor.db, [meter.id, ...devices.map((d) => d.id)], from, to);
  return {
    meter: meter.name,
    window,
    energyKwh: round(site.energyKwh, 2),
    peakW: round(site.peakW, 0),
    baseLoadW: round(site.baseLoadW, 0),
    avgPowerFactor: round(site.avgPowerFactor, 3),
    avgThdPct: round(site.avgThdPct, 2),
    devices: split.map((figures, i) => ({
      name: devices[i].name,
      energyKwh: round(figures.energyKwh, 2),
      share: site.energyKwh && figures.energyKwh !== null ? round(figures.energyKwh / site.energyKwh, 3) : null,
    })),
  };
}

import type { Database } from "../db/client";
import { getMeters } from "../meters/queries";
import { querySeries } from "../readings/queries";
import { ApiError, notFound } from "../errors";
import { METRIC_UNITS, type BucketName, type Metric, type TimeWindow } from "../charts/chart-spec-contract";
import type { MeterSeries } from "./contract";
import { planBuckets } from "./buckets";
import { resolveWindow } from "./windows";

export const DEFAULT_POINTS = 1_000;
export const MAX_POINTS = 5_000;
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
 * Bucketed series of the user's meters for one metric. Every meter must be the user's: one
 * foreign or missing id fails the whole request with 404, like a missing meter.
 */
export async function loadSeries(db: Database, ownerId: string, request: SeriesRequest, now = new Date()): Promise<{ metric: Metric; unit: string; series: MeterSeries[] }> {
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
    if (from >= to) throw new ApiError(400, "invalid_request", "from must be earlier than to", [{ path: "from", message: "must be earlier than to" }]);
    const plan = planBuckets(from, to, maxPoints, request.bucket);
    if (!plan) {
      throw new ApiError(400, "invalid_request", `The window is too long for ${maxPoints} points even in monthly buckets: raise points or shorten the window`, [{ path: "points", message: "too few for this window" }]);
    }
    const points = await querySeries(db, id, request.metric, from, to, plan, meter.timezone);
    series.push({ meterId: id, name: meter.name, timezone: meter.timezone, from: from.toISOString(), to: to.toISOString(), bucket: plan.name, points });
  }
  return { metric: request.metric, unit: METRIC_UNITS[request.metric], series };
}

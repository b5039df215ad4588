import type { Actor } from "../actor";
import {
  type BucketName,
  type Compare,
  EXTENSIVE_METRICS,
  METRIC_UNITS,
  type Metric,
  type TimeWindow,
} from "../charts/chart-spec-contract";
import { type MeterTariff, meterTariffs, priceGrid } from "../costs/pricing";
import type { Database } from "../db/client";
import { ApiError, notFound } from "../errors";
import { getMeters, listDevices, type MeterRow } from "../meters/queries";
import { requireMeter } from "../meters/service";
import { usageFigures } from "../readings/usage-queries";
import { seriesPoints, wholeEnergy } from "../rollups/read";
import { type BucketPlan, planBuckets } from "./buckets";
import {
  DEFAULT_POINTS,
  type ManySeriesQuery,
  type MeterSeries,
  type RelativeWindow,
  type SeriesPoint,
  type SeriesQuery,
  type SeriesSet,
  type SingleSeries,
  type UsageSummary,
} from "./contract";
import { resolveWindow, shiftCalendar } from "./windows";

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
  compare?: Compare | null;
  untracked?: boolean;
}

/** Metrics an untracked series exists for: they add up across meters. */
const UNTRACKED_METRICS: readonly Metric[] = ["power_w", "energy_wh", "cost"];

/**
 * The meter rows this isolate last read for a series, per owner and id, with what identifies their
 * content. A series request starts its reads from them while it reads the rows again, and keeps
 * that answer only if the rows come back identical (the owner's, unchanged): one database round
 * trip before the answer instead of two. Anything else (a first request, a change, a deleted or
 * another owner's meter) is answered again from the rows just read.
 */
const seenMeters = new Map<string, { row: MeterRow; content: string }>();
const SEEN_METERS_LIMIT = 10_000;
const seenKey = (ownerId: string, id: string) => `${ownerId} ${id}`;

/** Every field but lastReadingAt: it moves with each post, and no series reads it. */
function contentOf(row: MeterRow): string {
  return JSON.stringify({ ...row, lastReadingAt: null });
}

/**
 * Bucketed series of the owner's meters for one metric. Every meter must be the owner's: one
 * foreign or missing id fails the whole request with 404, like a missing meter. Takes the owner
 * rather than an actor because public shares read their owner's series too.
 */
export async function loadSeries(db: Database, ownerId: string, request: SeriesRequest, now = new Date()): Promise<SeriesSet> {
  const ids = [...new Set(request.meterIds)];
  const lookup = getMeters(db, ownerId, ids);
  const seen = ids.map((id) => seenMeters.get(seenKey(ownerId, id)));
  // Settled either way, so an abandoned guess never rejects unhandled.
  const guess = seen.every((entry) => entry !== undefined)
    ? seriesOfMeters(
        db,
        ownerId,
        request,
        now,
        seen.map((entry) => entry.row),
      ).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      )
    : undefined;
  const meters = await lookup;
  if (seenMeters.size + meters.length > SEEN_METERS_LIMIT) seenMeters.clear();
  const contents = new Map(meters.map((row) => [row.id, contentOf(row)]));
  for (const row of meters) seenMeters.set(seenKey(ownerId, row.id), { row, content: contents.get(row.id)! });
  if (guess) {
    const outcome = await guess;
    const sameRows = meters.length === ids.length && seen.every((entry) => contents.get(entry!.row.id) === entry!.content);
    if (sameRows) {
      if ("error" in outcome) throw outcome.error;
      return outcome.value;
    }
  }
  if (meters.length !== ids.length) throw notFound(ids.length === 1 ? "Meter" : "One of the meters");
  return seriesOfMeters(db, ownerId, request, now, meters);
}

/** The series of `meters` (the owner's, one per id asked). */
async function seriesOfMeters(db: Database, ownerId: string, request: SeriesRequest, now: Date, meters: MeterRow[]): Promise<SeriesSet> {
  const ids = [...new Set(request.meterIds)];
  const byId = new Map(meters.map((m) => [m.id, m]));
  const maxPoints = request.points ?? DEFAULT_POINTS;
  const withUntracked = Boolean(request.untracked) && UNTRACKED_METRICS.includes(request.metric);
  const devicesOf = new Map<string, MeterRow[]>();
  if (withUntracked) {
    for (const meter of meters) if (meter.kind === "site") devicesOf.set(meter.id, await listDevices(db, ownerId, meter.id));
  }
  const priced = [...meters, ...[...devicesOf.values()].flat()];
  const tariffs = request.metric === "cost" ? await meterTariffs(db, ownerId, priced) : new Map<string, MeterTariff>();
  if (request.metric === "cost") {
    const currencies = new Map<string, string[]>();
    // A meter without a tariff has no cost in any currency: it mixes with any.
    for (const meter of priced.filter((m) => tariffs.get(m.id)!.source !== "none")) {
      const currency = tariffs.get(meter.id)!.currency;
      currencies.set(currency, [...(currencies.get(currency) ?? []), meter.name]);
    }
    if (currencies.size > 1) {
      const listed = [...currencies].map(([currency, names]) => `${names.join(", ")} (${currency})`).join("; ");
      throw new ApiError(400, "invalid_request", `Cost of meters with different currencies cannot share one request: ${listed}`, [
        { path: "meterIds", message: `mixed currencies: ${listed}` },
      ]);
    }
  }

  const series: MeterSeries[] = [];
  for (const id of ids) {
    const meter = byId.get(id)!;
    const asked = request.window
      ? resolveWindow(request.window, now, meter.timezone)
      : { from: request.from ?? new Date(now.getTime() - DAY), to: request.to ?? now };
    if (asked.from >= asked.to)
      throw new ApiError(400, "invalid_request", "from must be earlier than to", [{ path: "from", message: "must be earlier than to" }]);
    const { from, to, bucket } = keptDetail(meter, asked.from, asked.to, request.bucket);
    const plan = planBuckets(from, to, maxPoints, bucket, SPAN_METRICS.includes(request.metric) ? 0 : (meter.readingIntervalMs ?? 0));
    if (!plan) {
      throw new ApiError(
        400,
        "invalid_request",
        `The window is too long for ${maxPoints} points even in monthly buckets: raise points or shorten the window`,
        [{ path: "points", message: "too few for this window" }],
      );
    }
    // The untracked series needs the site's points again: each meter and window is read once.
    const read = new Map<string, Promise<SeriesPoint[]>>();
    const pointsOf = (target: MeterRow, a: Date, b: Date) => {
      const key = `${target.id} ${a.getTime()} ${b.getTime()}`;
      if (!read.has(key)) read.set(key, meterPoints(db, target, request.metric, a, b, plan, tariffs.get(target.id)));
      return read.get(key)!;
    };
    const withCompare = async (target: MeterRow, part: MeterSeries["part"], points: (a: Date, b: Date) => Promise<SeriesPoint[]>) => {
      const current = await points(from, to);
      const entry: MeterSeries = {
        meterId: id,
        name: part === "meter" ? target.name : `Untracked (${target.name})`,
        timezone: meter.timezone,
        from: from.toISOString(),
        to: to.toISOString(),
        bucket: plan.name,
        part,
        points: current,
      };
      if (request.compare) {
        const shift = compareShift(request.compare, request.window, from, to, meter.timezone);
        const shifted = (await points(shift.from, shift.to)).map((p) => ({ ...p, t: shift.forward(new Date(p.t)).toISOString() }));
        entry.compare = {
          kind: request.compare,
          from: shift.from.toISOString(),
          to: shift.to.toISOString(),
          points: shifted,
          changePct: changePct(request.metric, current, shifted),
        };
      }
      return entry;
    };
    series.push(await withCompare(meter, "meter", (a, b) => pointsOf(meter, a, b)));
    const devices = devicesOf.get(id) ?? [];
    if (devices.length > 0) {
      series.push(
        await withCompare(meter, "untracked", async (a, b) => {
          const site = await pointsOf(meter, a, b);
          const parts = [];
          for (const device of devices) parts.push(await pointsOf(device, a, b));
          return untrackedPoints(request.metric, site, parts);
        }),
      );
    }
  }
  const currencyOf = (id: string) => tariffs.get(id)!;
  const unit =
    request.metric === "cost"
      ? (ids.map(currencyOf).find((tariff) => tariff.source !== "none") ?? currencyOf(ids[0])).currency
      : METRIC_UNITS[request.metric];
  return { metric: request.metric, unit, series };
}

/**
 * One meter's points, from the rollups where they give them exactly (rollups/read.ts); energy and
 * cost follow the energy model (integrated power, priced spans).
 */
function meterPoints(
  db: Database,
  meter: MeterRow,
  metric: Metric,
  from: Date,
  to: Date,
  plan: BucketPlan,
  tariff: MeterTariff | undefined,
): Promise<SeriesPoint[]> {
  const grid = metric === "cost" ? priceGrid(tariff!.tariff, from.getTime(), to.getTime()) : undefined;
  return seriesPoints(db, meter, metric, from, to, plan, grid);
}

/**
 * Raw readings before a meter's retention watermark are deleted; only its hourly and daily rollups
 * remain there. A window reaching before it starts on a whole hour and uses buckets of an hour or
 * more, so every bucket of that part is read whole from the rollups.
 */
function keptDetail(meter: MeterRow, from: Date, to: Date, bucket: SeriesRequest["bucket"]) {
  if (!meter.rawKeptFrom || from >= meter.rawKeptFrom) return { from, to, bucket };
  const hourly = bucket === undefined || bucket === "auto" || SUB_HOUR_BUCKETS.includes(bucket);
  return { from: new Date(Math.floor(from.getTime() / HOUR) * HOUR), to, bucket: hourly ? ("1h" as const) : bucket };
}

const HOUR = 3_600_000;
/**
 * Metrics spread over each reading's span (the energy model): any bucket is filled, so they may be
 * finer than the readings. The others are read per reading and keep to the meter's interval.
 */
const SPAN_METRICS: readonly Metric[] = ["energy_wh", "cost"];
const SUB_HOUR_BUCKETS: readonly BucketName[] = ["1m", "5m", "15m", "30m"];

/** Site minus the sum of its devices, per bucket of the site; a null in any part makes the bucket null. */
function untrackedPoints(metric: Metric, site: SeriesPoint[], devices: SeriesPoint[][]): SeriesPoint[] {
  const field = metric === "power_w" ? "avg" : "sum";
  const byTime = devices.map((points) => new Map(points.map((p) => [p.t, p])));
  return site.map((point) => {
    let value = point[field];
    const notes = point.note ? [point.note] : [];
    for (const device of byTime) {
      const part = device.get(point.t);
      if (!part) continue;
      if (part.note) notes.push(part.note);
      value = value === null || part[field] === null ? null : value - part[field];
    }
    const result: SeriesPoint = { t: point.t, avg: value, min: value, max: value, sum: value, count: point.count };
    if (point.covered !== undefined) result.covered = point.covered;
    if (value === null && notes.length > 0) result.note = notes.join("; ");
    return result;
  });
}

/**
 * The window `compare` looks at, and how its instants map back onto the current window.
 * previous_period: the window's length earlier, except this_month / this_year, which compare with
 * the previous calendar month / year in the meter's zone (same elapsed part while in progress);
 * previous_year: one calendar year earlier. Calendar shifts keep local clock times.
 */
export function compareShift(kind: Compare, window: TimeWindow | undefined, from: Date, to: Date, zone: string) {
  const months =
    kind === "previous_year"
      ? 12
      : window?.kind === "relative" && window.preset === "this_month"
        ? 1
        : window?.kind === "relative" && window.preset === "this_year"
          ? 12
          : 0;
  if (months > 0) {
    return {
      from: shiftCalendar(from, { months: -months }, zone),
      to: shiftCalendar(to, { months: -months }, zone),
      forward: (t: Date) => shiftCalendar(t, { months }, zone),
    };
  }
  const length = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - length), to: new Date(from), forward: (t: Date) => new Date(t.getTime() + length) };
}

/** Change of the total (extensive metrics) or the reading-weighted mean (others), in %; null without a base. */
function changePct(metric: Metric, current: SeriesPoint[], previous: SeriesPoint[]): number | null {
  const summarise = (points: SeriesPoint[]): number | null => {
    if (EXTENSIVE_METRICS.includes(metric)) {
      if (points.some((p) => p.sum === null)) return null;
      return points.reduce((total, p) => total + (p.sum ?? 0), 0);
    }
    const count = points.reduce((n, p) => n + p.count, 0);
    return count === 0 ? null : points.reduce((total, p) => total + (p.avg ?? 0) * p.count, 0) / count;
  };
  const now = summarise(current);
  const before = summarise(previous);
  if (now === null || before === null || before === 0) return null;
  return Number((((now - before) / Math.abs(before)) * 100).toFixed(1));
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
    compare: query.compare,
    untracked: query.untracked,
  };
}

/** One meter's series. */
export async function meterSeries(actor: Actor, meterId: string, query: SeriesQuery): Promise<SingleSeries> {
  const result = await loadSeries(actor.db, actor.homeId, seriesRequest(query, [meterId]));
  return { metric: result.metric, unit: result.unit, ...result.series[0] };
}

/** Series of several meters, in the order asked, for stacked and comparison charts. */
export function seriesSet(actor: Actor, query: ManySeriesQuery): Promise<SeriesSet> {
  return loadSeries(actor.db, actor.homeId, seriesRequest(query, query.meterIds));
}

const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));

/** A meter's energy, peak, base load and power quality over a window, with the split across its device sub-meters. */
export async function usageSummary(actor: Actor, meterId: string, window: RelativeWindow, now = new Date()): Promise<UsageSummary> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const devices = await listDevices(actor.db, actor.homeId, meter.id);
  const { from, to } = resolveWindow({ kind: "relative", preset: window }, now, meter.timezone);
  const [site] = await usageFigures(actor.db, [meter.id], from, to);
  // Energy as the series and summaries compute it: reported energy as is, power integrated over covered time.
  const energyKwh = async (target: MeterRow) => {
    const whole = await wholeEnergy(actor.db, target, from, to);
    return whole ? whole.energyWh / 1000 : null;
  };
  const siteKwh = await energyKwh(meter);
  const deviceKwh: (number | null)[] = [];
  for (const device of devices) deviceKwh.push(await energyKwh(device));
  return {
    meter: meter.name,
    window,
    energyKwh: round(siteKwh, 2),
    peakW: round(site.peakW, 0),
    baseLoadW: round(site.baseLoadW, 0),
    avgPowerFactor: round(site.avgPowerFactor, 3),
    avgThdPct: round(site.avgThdPct, 2),
    devices: devices.map((device, i) => {
      const kwh = deviceKwh[i];
      return { name: device.name, energyKwh: round(kwh, 2), share: siteKwh && kwh !== null ? round(kwh / siteKwh, 3) : null };
    }),
  };
}

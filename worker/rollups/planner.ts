import type { BucketPlan } from "../series/buckets";
import { wallClock } from "../series/wall-clock-contract";
import { zonedMidnight } from "../series/windows";

/**
 * Which source serves which part of a series window: pure, no database. The buckets are computed
 * here exactly as readings/queries.ts computes them in SQL (date_bin from local midnight
 * 2000-01-03 of the zone for fixed widths; local midnights, Mondays and firsts of the month for
 * calendar buckets), then each bucket's part of the window is cut into segments served by the
 * coarsest source that gives it exactly: whole local days (hour-aligned ones only) from the daily
 * tier, whole UTC hours from the hourly tier, the rest from raw readings.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type Source = "day" | "hour" | "raw";

/** One bucket: `t` its label (its unclipped start), [lo, hi) its part of the window (epoch ms). */
export interface PlannedBucket {
  t: number;
  lo: number;
  hi: number;
}

/** [lo, hi) of bucket `k` (0-based) read from `source`. Segments tile the window in order. */
export interface Segment {
  lo: number;
  hi: number;
  k: number;
  source: Source;
}

export interface ReadPlan {
  buckets: PlannedBucket[];
  segments: Segment[];
}

export interface PlanOptions {
  /** false: every segment is raw (the rollups are being rebuilt, or were never built). */
  ready: boolean;
  /** Whether whole local days may come from the daily tier (never for cost). */
  days: boolean;
  /** Whether a whole UTC hour starting at this instant may come from the hourly tier (default: all). */
  hour?: (start: number) => boolean;
}

/**
 * The zone's UTC offset over a span, read with few Intl calls (Intl is slow: a 5-year window of
 * days would otherwise take thousands): sampled every week and, where two samples differ, bisected
 * to the minute. Assumes at most one offset change per week (true of the zones' rules in use).
 */
export class ZoneOffsets {
  private readonly changes: { at: number; offset: number }[] = [];
  readonly start: number;
  readonly end: number;

  /** The offsets of a zone over at least [from, to), kept per zone in the isolate: repeated reads take no Intl call. */
  static of(zone: string, from: number, to: number): ZoneOffsets {
    const cached = zoneCache.get(zone);
    if (cached && cached.start <= from && to <= cached.end) return cached;
    const offsets = new ZoneOffsets(zone, Math.min(from, cached?.start ?? from), Math.max(to, cached?.end ?? to));
    zoneCache.set(zone, offsets);
    return offsets;
  }

  constructor(
    readonly zone: string,
    from: number,
    to: number,
  ) {
    const step = 7 * DAY;
    const start = Math.floor(from / HOUR) * HOUR - 2 * DAY;
    const end = to + 2 * DAY;
    this.start = start + DAY;
    this.end = end - DAY;
    let previous = exactOffset(start, zone);
    this.changes.push({ at: Number.NEGATIVE_INFINITY, offset: previous });
    for (let t = start + step; t < end + step; t += step) {
      const offset = exactOffset(t, zone);
      if (offset !== previous) {
        // The change lies in (t - step, t]: bisect to the minute (offsets change on whole minutes).
        let lo = t - step;
        let hi = t;
        while (hi - lo > MINUTE) {
          const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
          if (exactOffset(mid, zone) === previous) lo = mid;
          else hi = mid;
        }
        this.changes.push({ at: hi, offset });
        previous = offset;
      }
    }
  }

  /** Offset (local minus UTC, ms) at an instant. */
  at(instant: number): number {
    let i = this.changes.length - 1;
    while (i > 0 && this.changes[i].at > instant) i--;
    return this.changes[i].offset;
  }

  /** The first instant after `instant` at which the offset changes (Infinity when none does within the span read). */
  nextChange(instant: number): number {
    for (const change of this.changes) if (change.at > instant) return change.at;
    return Number.POSITIVE_INFINITY;
  }

  /** The instant a wall clock shows `naive` (local time written as UTC ms), as windows.ts's zonedInstant finds it. */
  instant(naive: number): number {
    const guess = naive - this.at(naive);
    return naive - this.at(guess);
  }

  /** Local time written as UTC ms. */
  local(instant: number): number {
    return instant + this.at(instant);
  }
}

/** Zones read so far (a few per isolate: the users' meters' zones). */
const zoneCache = new Map<string, ZoneOffsets>();

function exactOffset(instant: number, zone: string): number {
  const local = wallClock(instant, zone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Naive (local-as-UTC) ms of the start of the calendar unit holding naive instant `n`. */
function truncNaive(n: number, unit: "day" | "week" | "month"): number {
  const day = Math.floor(n / DAY) * DAY;
  if (unit === "day") return day;
  if (unit === "week") {
    // 1970-01-01 was a Thursday: Monday = 0.
    const sinceMonday = (((Math.floor(n / DAY) + 3) % 7) + 7) % 7;
    return day - sinceMonday * DAY;
  }
  const d = new Date(day);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextNaive(n: number, unit: "day" | "week" | "month"): number {
  if (unit === "day") return n + DAY;
  if (unit === "week") return n + 7 * DAY;
  const d = new Date(n);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The buckets of [from, to): labels and clipped edges, as the SQL of readings/queries.ts makes them. */
export function planBucketEdges(from: number, to: number, plan: BucketPlan, offsets: ZoneOffsets): PlannedBucket[] {
  const buckets: PlannedBucket[] = [];
  const push = (t: number, next: number) => buckets.push({ t, lo: Math.max(t, from), hi: Math.min(next, to) });
  if (plan.calendar) {
    const unit = plan.calendar;
    let naive = truncNaive(offsets.local(from), unit);
    let start = offsets.instant(naive);
    while (start < to) {
      const nextLocal = nextNaive(naive, unit);
      const next = offsets.instant(nextLocal);
      push(start, next);
      naive = nextLocal;
      start = next;
    }
    return buckets;
  }
  const width = intervalMs(plan.interval!);
  // The origin lies outside the span the offsets were read for: read it directly.
  const origin = zonedMidnight(2000, 0, 3, offsets.zone).getTime();
  for (let start = origin + Math.floor((from - origin) / width) * width; start < to; start += width) push(start, start + width);
  return buckets;
}

function intervalMs(interval: string): number {
  const match = /^(\d+) (minute|minutes|hour|hours)$/.exec(interval);
  if (!match) throw new Error(`unsupported bucket interval ${interval}`);
  return Number(match[1]) * (match[2].startsWith("minute") ? MINUTE : HOUR);
}

/**
 * The read plan of a window: its buckets (or one bucket for all of it: "whole") and the segments
 * serving them. Days are used only for calendar and whole buckets (a fixed bucket is at most 12
 * hours), and only days whose two local midnights are whole UTC hours (the daily tier holds no others).
 */
export function planRead(from: number, to: number, plan: BucketPlan | "whole", zone: string, options: PlanOptions): ReadPlan {
  const offsets = ZoneOffsets.of(zone, from, to);
  const whole = plan === "whole";
  const buckets = whole ? [{ t: from, lo: from, hi: to }] : planBucketEdges(from, to, plan, offsets);
  const segments: Segment[] = [];
  const add = (lo: number, hi: number, k: number, source: Source) => {
    if (hi <= lo) return;
    const last = segments[segments.length - 1];
    if (last && last.k === k && last.source === source && last.hi === lo) last.hi = hi;
    else segments.push({ lo, hi, k, source });
  };
  const hourOk = options.hour;
  /** [lo, hi) from whole UTC hours where allowed, raw around them. */
  const hoursOrRaw = (lo: number, hi: number, k: number) => {
    const first = Math.ceil(lo / HOUR) * HOUR;
    const last = Math.floor(hi / HOUR) * HOUR;
    if (first >= last) return add(lo, hi, k, "raw");
    add(lo, first, k, "raw");
    // Every hour allowed: one segment for all of them (a year of 12-hour buckets would otherwise
    // take 8,760 steps per read to build the same 730 segments).
    if (!hourOk) add(first, last, k, "hour");
    else for (let h = first; h < last; h += HOUR) add(h, h + HOUR, k, hourOk(h) ? "hour" : "raw");
    add(last, hi, k, "raw");
  };
  for (const [k, bucket] of buckets.entries()) {
    if (!options.ready || bucket.hi - bucket.lo < HOUR) {
      add(bucket.lo, bucket.hi, k, "raw");
      continue;
    }
    if (!options.days || (!whole && !plan.calendar)) {
      hoursOrRaw(bucket.lo, bucket.hi, k);
      continue;
    }
    // Walk the local days of the bucket: whole aligned days from the daily tier, the rest by hours.
    let cursor = bucket.lo;
    let naive = truncNaive(offsets.local(bucket.lo), "day");
    let dayStart = offsets.instant(naive);
    while (dayStart < bucket.hi) {
      const dayEnd = offsets.instant(naive + DAY);
      if (dayStart >= bucket.lo && dayEnd <= bucket.hi && dayStart % HOUR === 0 && dayEnd % HOUR === 0) {
        hoursOrRaw(cursor, dayStart, k);
        add(dayStart, dayEnd, k, "day");
        cursor = dayEnd;
      }
      naive += DAY;
      dayStart = dayEnd;
    }
    hoursOrRaw(cursor, bucket.hi, k);
  }
  return { buckets, segments };
}

/** Adjacent segments of one source merged across buckets: the ranges each source is read over. */
export function runsOf(segments: Segment[], source: Source): { lo: number; hi: number }[] {
  const runs: { lo: number; hi: number }[] = [];
  for (const segment of segments) {
    if (segment.source !== source) continue;
    const last = runs[runs.length - 1];
    if (last && last.hi === segment.lo) last.hi = segment.hi;
    else runs.push({ lo: segment.lo, hi: segment.hi });
  }
  return runs;
}

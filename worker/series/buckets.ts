import type { BucketName } from "../charts/chart-spec-contract";

export interface BucketPlan {
  name: BucketName;
  /** Postgres interval for date_bin, or null for calendar buckets. */
  interval: string | null;
  /** date_trunc field for calendar buckets in the meter's zone. */
  calendar: "day" | "week" | "month" | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Smallest real length of each bucket: a day can be 23 h (DST), a month 28 days. */
const LADDER: (BucketPlan & { shortestMs: number })[] = [
  { name: "1m", interval: "1 minute", calendar: null, shortestMs: MINUTE },
  { name: "5m", interval: "5 minutes", calendar: null, shortestMs: 5 * MINUTE },
  { name: "15m", interval: "15 minutes", calendar: null, shortestMs: 15 * MINUTE },
  { name: "30m", interval: "30 minutes", calendar: null, shortestMs: 30 * MINUTE },
  { name: "1h", interval: "1 hour", calendar: null, shortestMs: HOUR },
  { name: "3h", interval: "3 hours", calendar: null, shortestMs: 3 * HOUR },
  { name: "6h", interval: "6 hours", calendar: null, shortestMs: 6 * HOUR },
  { name: "12h", interval: "12 hours", calendar: null, shortestMs: 12 * HOUR },
  { name: "1d", interval: null, calendar: "day", shortestMs: 23 * HOUR },
  { name: "1w", interval: null, calendar: "week", shortestMs: 7 * 24 * HOUR - HOUR },
  { name: "1mo", interval: null, calendar: "month", shortestMs: 28 * 24 * HOUR - HOUR },
];

/** Upper bound on buckets a window touches: partial buckets at both ends included. */
export function maxBucketCount(from: Date, to: Date, bucket: BucketName): number {
  const step = LADDER.find((b) => b.name === bucket)!;
  return Math.ceil((to.getTime() - from.getTime()) / step.shortestMs) + 1;
}

/** Readings' timestamps jitter: a median gap a little over a bucket's length still fills nearly every bucket. */
const INTERVAL_TOLERANCE = 0.95;

/**
 * The finest bucket that keeps the series within maxPoints and is no shorter than `finestMs` (the
 * meter's own reading interval, for values read per reading: a shorter bucket is mostly empty). A
 * requested bucket is honoured when it fits, and coarsened when it would return more than maxPoints
 * or be shorter than the interval.
 */
export function planBuckets(
  from: Date,
  to: Date,
  maxPoints: number,
  requested: BucketName | "auto" = "auto",
  finestMs = 0,
): BucketPlan | undefined {
  const asked = requested === "auto" ? 0 : LADDER.findIndex((b) => b.name === requested);
  const held = LADDER.findIndex((b) => b.shortestMs >= finestMs * INTERVAL_TOLERANCE);
  const start = Math.max(asked, held < 0 ? LADDER.length - 1 : held);
  const fit = LADDER.slice(start).find((b) => maxBucketCount(from, to, b.name) <= maxPoints);
  if (!fit) return undefined;
  return { name: fit.name, interval: fit.interval, calendar: fit.calendar };
}

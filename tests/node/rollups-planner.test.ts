import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planRead, runsOf, type Segment, ZoneOffsets } from "../../worker/rollups/planner";
import { type BucketPlan, planBuckets } from "../../worker/series/buckets";
import { wallClock } from "../../worker/series/wall-clock-contract";
import { calendarPeriod, zonedMidnight } from "../../worker/series/windows";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"];
const BUCKETS = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "1w", "1mo"] as const;

const plan = (name: (typeof BUCKETS)[number]): BucketPlan => planBuckets(new Date(0), new Date(MINUTE), 1_000_000, name)!;
const iso = (ms: number) => new Date(ms).toISOString();

/** The bucket starts as Postgres computes them, restated with windows.ts (the zone by Intl at every step). */
function referenceStarts(from: number, to: number, bucket: BucketPlan, zone: string): number[] {
  const starts: number[] = [];
  if (bucket.calendar) {
    for (
      let p = calendarPeriod(bucket.calendar, new Date(from), zone);
      p.from.getTime() < to;
      p = calendarPeriod(bucket.calendar, p.to, zone)
    )
      starts.push(p.from.getTime());
    return starts;
  }
  const width = {
    "1 minute": 1,
    "5 minutes": 5,
    "15 minutes": 15,
    "30 minutes": 30,
    "1 hour": 60,
    "3 hours": 180,
    "6 hours": 360,
    "12 hours": 720,
  }[bucket.interval!]!;
  const origin = zonedMidnight(2000, 0, 3, zone).getTime();
  for (let t = origin + Math.floor((from - origin) / (width * MINUTE)) * width * MINUTE; t < to; t += width * MINUTE) starts.push(t);
  return starts;
}

/** Every property a plan must have: buckets as the reference, segments tiling the window in order, each source exact. */
function checkPlan(from: number, to: number, name: (typeof BUCKETS)[number], zone: string, days: boolean) {
  const bucket = plan(name);
  const read = planRead(from, to, bucket, zone, { ready: true, days });
  expect(read.buckets.map((b) => iso(b.t))).toEqual(referenceStarts(from, to, bucket, zone).map(iso));
  read.buckets.forEach((b, k) => {
    expect(b.lo).toBe(Math.max(b.t, from));
    const next = read.buckets[k + 1];
    expect(b.hi).toBe(next ? next.t : to);
  });
  let cursor = from;
  for (const segment of read.segments) {
    expect(segment.lo).toBe(cursor);
    expect(segment.hi).toBeGreaterThan(segment.lo);
    const b = read.buckets[segment.k];
    expect(segment.lo).toBeGreaterThanOrEqual(b.lo);
    expect(segment.hi).toBeLessThanOrEqual(b.hi);
    if (segment.source === "hour") {
      expect(segment.lo % HOUR).toBe(0);
      expect(segment.hi % HOUR).toBe(0);
    }
    if (segment.source === "day") {
      expect(days).toBe(true);
      // A run of whole local days, each starting and ending on a UTC hour.
      for (let day = segment.lo; day < segment.hi; ) {
        const period = calendarPeriod("day", new Date(day), zone);
        expect(period.from.getTime()).toBe(day);
        expect(period.to.getTime() % HOUR).toBe(0);
        expect(day % HOUR).toBe(0);
        day = period.to.getTime();
        expect(day).toBeLessThanOrEqual(segment.hi);
      }
    }
    cursor = segment.hi;
  }
  expect(cursor).toBe(to);
  return read;
}

const sources = (segments: Segment[]) => segments.map((s) => `${s.source} ${iso(s.lo)} ${iso(s.hi)}`);

describe("ZoneOffsets", () => {
  it("agrees with Intl at every hour across both 2025 DST changes in London and Adelaide", () => {
    for (const zone of ["Europe/London", "Australia/Adelaide", "America/New_York"]) {
      const from = Date.parse("2025-01-01T00:00:00Z");
      const to = Date.parse("2026-01-01T00:00:00Z");
      const offsets = new ZoneOffsets(zone, from, to);
      for (let t = from; t < to; t += HOUR) {
        const local = wallClock(t, zone);
        expect(offsets.local(t), `${zone} ${iso(t)}`).toBe(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute));
      }
    }
  });
});

describe("planRead", () => {
  it("serves whole local days from the daily tier, London's 23- and 25-hour days included", () => {
    const from = Date.parse("2025-03-29T10:20:00Z");
    const to = Date.parse("2025-04-01T05:00:00Z");
    const read = checkPlan(from, to, "1d", "Europe/London", true);
    expect(sources(read.segments)).toEqual([
      "raw 2025-03-29T10:20:00.000Z 2025-03-29T11:00:00.000Z",
      "hour 2025-03-29T11:00:00.000Z 2025-03-30T00:00:00.000Z",
      "day 2025-03-30T00:00:00.000Z 2025-03-30T23:00:00.000Z",
      "day 2025-03-30T23:00:00.000Z 2025-03-31T23:00:00.000Z",
      "hour 2025-03-31T23:00:00.000Z 2025-04-01T05:00:00.000Z",
    ]);
    const autumn = checkPlan(Date.parse("2025-10-25T23:00:00Z"), Date.parse("2025-10-27T00:00:00Z"), "1d", "Europe/London", true);
    expect(sources(autumn.segments)).toEqual(["day 2025-10-25T23:00:00.000Z 2025-10-27T00:00:00.000Z"]);
  });

  it("reads the half hours of Kolkata's days raw and never uses its daily tier", () => {
    const from = Date.parse("2025-06-01T18:30:00Z");
    const read = checkPlan(from, from + 2 * DAY, "1d", "Asia/Kolkata", true);
    expect(sources(read.segments)).toEqual([
      "raw 2025-06-01T18:30:00.000Z 2025-06-01T19:00:00.000Z",
      "hour 2025-06-01T19:00:00.000Z 2025-06-02T18:00:00.000Z",
      "raw 2025-06-02T18:00:00.000Z 2025-06-02T18:30:00.000Z",
      "raw 2025-06-02T18:30:00.000Z 2025-06-02T19:00:00.000Z",
      "hour 2025-06-02T19:00:00.000Z 2025-06-03T18:00:00.000Z",
      "raw 2025-06-03T18:00:00.000Z 2025-06-03T18:30:00.000Z",
    ]);
    expect(runsOf(read.segments, "raw")).toHaveLength(3);
  });

  it("reads buckets shorter than an hour, and every bucket while not ready, from raw", () => {
    const from = Date.parse("2025-06-01T00:00:00Z");
    expect(new Set(checkPlan(from, from + DAY, "30m", "UTC", true).segments.map((s) => s.source))).toEqual(new Set(["raw"]));
    const read = planRead(from, from + 10 * DAY, plan("1d"), "UTC", { ready: false, days: true });
    expect(read.segments).toHaveLength(10);
    expect(read.segments.every((s) => s.source === "raw")).toBe(true);
    expect(runsOf(read.segments, "raw")).toEqual([{ lo: from, hi: from + 10 * DAY }]);
  });

  it("keeps a refused hour raw (cost where a price is missing) and uses no days for cost", () => {
    const from = Date.parse("2025-06-01T00:00:00Z");
    const read = planRead(from, from + 2 * DAY, plan("1d"), "UTC", { ready: true, days: false, hour: (h) => h !== from + 5 * HOUR });
    expect(sources(read.segments)).toEqual([
      "hour 2025-06-01T00:00:00.000Z 2025-06-01T05:00:00.000Z",
      "raw 2025-06-01T05:00:00.000Z 2025-06-01T06:00:00.000Z",
      "hour 2025-06-01T06:00:00.000Z 2025-06-02T00:00:00.000Z",
      "hour 2025-06-02T00:00:00.000Z 2025-06-03T00:00:00.000Z",
    ]);
  });

  it("tiles random windows exactly, for every bucket size and zone", () => {
    const start = Date.parse("2024-10-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 * 24 * 60 }),
        fc.integer({ min: 1, max: 120 * 24 * 60 }),
        fc.constantFrom(...BUCKETS),
        fc.constantFrom(...ZONES),
        fc.boolean(),
        (offsetMin, lengthMin, name, zone, days) => {
          const from = start + offsetMin * MINUTE;
          const to = from + Math.min(lengthMin, (["1m", "5m"].includes(name) ? 3 : 200) * 24 * 60) * MINUTE;
          checkPlan(from, to, name, zone, days);
        },
      ),
      { numRuns: 60 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { maxBucketCount, planBuckets } from "../../worker/series/buckets";
import { resolveWindow, zonedMidnight } from "../../worker/series/windows";
import { call, createMeter, postReadings, signIn } from "./helpers";

const HOUR = 3_600_000;

/**
 * Hourly readings of constant 1 kW / 1 kWh from `from` (inclusive) to `to` (exclusive). Each
 * energy_wh reading is the hour before its ts, so a day's energy is in its readings from 01:00 to
 * the next midnight.
 */
function constantHours(from: string, to: string) {
  const readings = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += HOUR)
    readings.push({ ts: new Date(t).toISOString(), power_w: 1000, energy_wh: 1000 });
  return readings;
}

async function meterWith(readings: Record<string, unknown>[], timezone = "Europe/London") {
  const { token } = await signIn();
  const meter = await createMeter(token, { timezone });
  for (let i = 0; i < readings.length; i += 5_000) {
    const result = await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(i, i + 5_000) });
    expect(result.status).toBe(200);
  }
  return { token, meter };
}

// Readings must be recent enough for the webhook's sane range; these cases use real past dates.
describe("series: bucket correctness", () => {
  it("daily energy across the spring DST change in Europe/London (a 23-hour day)", async () => {
    // Clocks go forward at 2026-03-29 01:00 UTC: that local day has 23 hours.
    const { token, meter } = await meterWith(constantHours("2026-03-28T01:00:00Z", "2026-03-31T00:00:00Z"));
    const result = await call(
      "GET",
      `/api/meters/${meter.id}/series?metric=energy_wh&from=2026-03-28T00:00:00Z&to=2026-03-30T23:00:00Z&bucket=1d`,
      { token },
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ metric: "energy_wh", unit: "Wh", bucket: "1d", timezone: "Europe/London" });
    // count: readings whose ts lies in the bucket (the first day's begin at 01:00Z); the energy of each covers the hour before it.
    expect(result.body.points.map((p: { t: string; sum: number; count: number }) => [p.t, p.sum, p.count])).toEqual([
      ["2026-03-28T00:00:00.000Z", 24_000, 23],
      ["2026-03-29T00:00:00.000Z", 23_000, 23],
      ["2026-03-29T23:00:00.000Z", 24_000, 24],
    ]);
  });

  it("daily buckets across the autumn change in America/New_York (a 25-hour day)", async () => {
    // Clocks go back at 2026-11-01 06:00 UTC: local Nov 1 runs 04:00Z to 05:00Z the next day.
    const { token, meter } = await meterWith(constantHours("2026-10-31T05:00:00Z", "2026-11-02T06:00:00Z"), "America/New_York");
    const result = await call(
      "GET",
      `/api/meters/${meter.id}/series?metric=energy_wh&from=2026-10-31T04:00:00Z&to=2026-11-02T05:00:00Z&bucket=1d`,
      { token },
    );
    // count: readings whose ts lies in the bucket (they begin at 05:00Z, an hour into the first day).
    expect(result.body.points.map((p: { t: string; count: number }) => [p.t, p.count])).toEqual([
      ["2026-10-31T04:00:00.000Z", 23],
      ["2026-11-01T04:00:00.000Z", 25],
    ]);
  });

  it("avg, min and max per bucket keep spikes visible", async () => {
    const readings = [0, 10, 20, 30].map((minute, i) => ({
      ts: new Date(Date.parse("2026-06-01T10:00:00Z") + minute * 60_000).toISOString(),
      power_w: [100, 5000, 100, 300][i],
    }));
    const { token, meter } = await meterWith(readings);
    const result = await call("GET", `/api/meters/${meter.id}/series?from=2026-06-01T10:00:00Z&to=2026-06-01T11:00:00Z&bucket=1h`, {
      token,
    });
    expect(result.body.points).toEqual([{ t: "2026-06-01T10:00:00.000Z", avg: 1375, min: 100, max: 5000, sum: 5500, count: 4 }]);
  });

  it("hourly buckets follow local hours in a half-hour zone", async () => {
    const readings = constantHours("2026-06-01T00:00:00Z", "2026-06-01T03:00:00Z").map((r) => ({
      ...r,
      ts: new Date(Date.parse(r.ts) + 30 * 60_000).toISOString(),
    }));
    const { token, meter } = await meterWith(readings, "Asia/Kolkata");
    const result = await call("GET", `/api/meters/${meter.id}/series?from=2026-06-01T00:00:00Z&to=2026-06-01T04:00:00Z&bucket=1h`, {
      token,
    });
    // Kolkata is UTC+05:30: local hours start at hh:30 UTC.
    expect(result.body.points.map((p: { t: string }) => p.t)).toEqual([
      "2026-06-01T00:30:00.000Z",
      "2026-06-01T01:30:00.000Z",
      "2026-06-01T02:30:00.000Z",
    ]);
  });
});

describe("series: never more than `points` buckets", () => {
  it("picks a coarser bucket for a long window and honours the limit", async () => {
    const readings = constantHours("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z");
    const { token, meter } = await meterWith(readings);
    for (const points of [10, 100, 1000]) {
      const result = await call(
        "GET",
        `/api/meters/${meter.id}/series?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&points=${points}`,
        { token },
      );
      expect(result.status).toBe(200);
      expect(result.body.points.length).toBeLessThanOrEqual(points);
      expect(result.body.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(readings.length);
    }
    const fine = await call("GET", `/api/meters/${meter.id}/series?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&points=5000`, {
      token,
    });
    // Hourly readings: the finest bucket for power is the hour, however many points are allowed.
    expect(fine.body.bucket).toBe("1h");
    const coarsened = await call(
      "GET",
      `/api/meters/${meter.id}/series?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&points=100&bucket=1m`,
      { token },
    );
    expect(coarsened.body.bucket).toBe("1d");
  });

  it("plans the finest fitting bucket", () => {
    const from = new Date("2026-01-01T00:00:00Z");
    expect(planBuckets(from, new Date(from.getTime() + HOUR), 1000)?.name).toBe("1m");
    expect(planBuckets(from, new Date(from.getTime() + 24 * HOUR), 1000)?.name).toBe("5m");
    expect(planBuckets(from, new Date("2027-01-01T00:00:00Z"), 1000)?.name).toBe("12h");
    expect(planBuckets(from, new Date("2036-01-01T00:00:00Z"), 10)).toBeUndefined();
    for (const [to, points] of [
      ["2026-01-02T00:00:00Z", 7],
      ["2026-06-01T00:00:00Z", 40],
      ["2027-01-01T00:00:00Z", 5000],
    ] as const) {
      const plan = planBuckets(from, new Date(to), points)!;
      expect(maxBucketCount(from, new Date(to), plan.name)).toBeLessThanOrEqual(points);
    }
  });

  it("never plans a bucket shorter than the reading interval it is given", () => {
    const from = new Date("2026-01-01T00:00:00Z");
    const day = new Date(from.getTime() + 24 * HOUR);
    expect(planBuckets(from, day, 1000, "auto", HOUR)?.name).toBe("1h");
    expect(planBuckets(from, day, 1000, "5m", HOUR)?.name).toBe("1h");
    expect(planBuckets(from, day, 1000, "auto", 10 * 60_000)?.name).toBe("15m");
    // A median gap a little over the minute (clock jitter) still reads in minutes.
    expect(planBuckets(from, day, 5000, "1m", 61_000)?.name).toBe("1m");
    expect(planBuckets(from, day, 1000, "6h", HOUR)?.name).toBe("6h");
  });

  it("power from hourly readings is drawn in hours, not in mostly empty 5-minute buckets; energy keeps finer buckets", async () => {
    const { token, meter } = await meterWith(constantHours("2026-05-01T00:00:00Z", "2026-05-03T00:00:00Z"));
    const window = "from=2026-05-02T00:00:00Z&to=2026-05-03T00:00:00Z";
    for (const asked of ["", "&bucket=5m"]) {
      const power = await call("GET", `/api/meters/${meter.id}/series?metric=power_w&${window}${asked}`, { token });
      expect(power.body.bucket, asked).toBe("1h");
      expect(power.body.points.filter((p: { count: number }) => p.count > 0)).toHaveLength(24);
    }
    // Energy is spread over each reading's hour: quarter hours are each a quarter of it.
    const energy = await call("GET", `/api/meters/${meter.id}/series?metric=energy_wh&${window}&bucket=15m`, { token });
    expect(energy.body.bucket).toBe("15m");
    expect(energy.body.points[4].sum).toBeCloseTo(250, 6);
  });
});

describe("series: several meters at once", () => {
  it("returns one series per meter in the order asked", async () => {
    const { token } = await signIn();
    const a = await createMeter(token, { name: "A" });
    const b = await createMeter(token, { name: "B" });
    await postReadings(a.id, a.webhook.secret, { readings: constantHours("2026-05-01T01:00:00Z", "2026-05-01T06:00:00Z") });
    await postReadings(b.id, b.webhook.secret, { readings: constantHours("2026-05-01T01:00:00Z", "2026-05-01T03:00:00Z") });
    const result = await call(
      "GET",
      `/api/series?meterIds=${b.id},${a.id}&metric=energy_wh&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&bucket=1d`,
      { token },
    );
    expect(result.status).toBe(200);
    expect(result.body.series.map((s: { name: string; points: { sum: number }[] }) => [s.name, s.points[0].sum])).toEqual([
      ["B", 2000],
      ["A", 5000],
    ]);
  });

  it("one foreign meter makes the whole request 404", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const own = await createMeter(intruder.token);
    const foreign = await createMeter(owner.token);
    const result = await call("GET", `/api/series?meterIds=${own.id},${foreign.id}`, { token: intruder.token });
    expect(result.status).toBe(404);
  });
});

describe("series: the meter as it is now", () => {
  // A read starts from the meter row this isolate saw last, while it reads the row again (loadSeries).
  it("a change of time zone shows in the next read, and a deleted meter answers 404", async () => {
    const { token, meter } = await meterWith(constantHours("2026-05-01T00:00:00Z", "2026-05-03T00:00:00Z"));
    const path = `/api/meters/${meter.id}/series?metric=energy_wh&from=2026-05-01T00:00:00Z&to=2026-05-03T00:00:00Z&bucket=1d`;
    const firstDay = async () => {
      const result = await call("GET", path, { token });
      expect(result.status).toBe(200);
      return [result.body.timezone, result.body.points[0].t];
    };
    // Local midnight in London (UTC+1 in May), twice: the second read starts from the row the first saw.
    expect(await firstDay()).toEqual(["Europe/London", "2026-04-30T23:00:00.000Z"]);
    expect(await firstDay()).toEqual(["Europe/London", "2026-04-30T23:00:00.000Z"]);
    expect((await call("PATCH", `/api/meters/${meter.id}`, { token, body: { timezone: "Asia/Tokyo" } })).status).toBe(200);
    expect(await firstDay()).toEqual(["Asia/Tokyo", "2026-04-30T15:00:00.000Z"]);
    expect((await call("DELETE", `/api/meters/${meter.id}?confirm=${meter.id}`, { token })).status).toBe(200);
    expect((await call("GET", path, { token })).status).toBe(404);
  });
});

describe("series: invalid queries get 400 naming the parameter", () => {
  it.each([
    ["from after to", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"],
    ["an unknown metric", "metric=watts", "metric"],
    ["too many points", "points=5001", "points"],
    ["zero points", "points=0", "points"],
    ["window and from together", "window=last_24h&from=2026-01-01T00:00:00Z", "window"],
    ["an unknown bucket", "bucket=2h", "bucket"],
    ["a window of 20 years", "from=2000-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "from"],
  ])("%s", async (_name, query, path) => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const result = await call("GET", `/api/meters/${meter.id}/series?${query}`, { token });
    expect(result.status).toBe(400);
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("bad meter ids in the multi-meter query", async () => {
    const { token } = await signIn();
    expect((await call("GET", "/api/series?meterIds=abc", { token })).status).toBe(400);
    expect((await call("GET", "/api/series", { token })).status).toBe(400);
  });
});

describe("relative windows follow the meter's calendar", () => {
  it("this month and this year start at local midnight", () => {
    const now = new Date("2026-07-15T12:00:00Z");
    expect(resolveWindow({ kind: "relative", preset: "this_month" }, now, "Europe/London").from.toISOString()).toBe(
      "2026-06-30T23:00:00.000Z",
    );
    expect(resolveWindow({ kind: "relative", preset: "this_year" }, now, "America/New_York").from.toISOString()).toBe(
      "2026-01-01T05:00:00.000Z",
    );
    expect(resolveWindow({ kind: "relative", preset: "last_24h" }, now, "UTC")).toEqual({
      from: new Date("2026-07-14T12:00:00Z"),
      to: now,
    });
    expect(zonedMidnight(2026, 2, 29, "Europe/London").toISOString()).toBe("2026-03-29T00:00:00.000Z");
    expect(zonedMidnight(2026, 2, 30, "Europe/London").toISOString()).toBe("2026-03-29T23:00:00.000Z");
  });
});

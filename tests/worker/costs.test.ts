import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { priceAt, type Tariff } from "../../ml/runtime/planner";
import { priceGrid } from "../../worker/costs/pricing";
import { connectDatabase } from "../../worker/db/client";
import { compareShift } from "../../worker/series/service";
import { calendarPeriod, shiftCalendar } from "../../worker/series/windows";
import { call, createMeter, postReadings, signIn } from "./helpers";

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Power readings of constant `watts` every `stepMinutes` from `from` (inclusive) to `to` (exclusive). */
function powerEvery(from: string, to: string, stepMinutes: number, watts: number) {
  const readings = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += stepMinutes * MINUTE)
    readings.push({ ts: new Date(t).toISOString(), power_w: watts });
  return readings;
}

/** Hourly energy_wh readings: each one is the hour before its ts. */
function energyHours(from: string, to: string, wh: number) {
  const readings = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += HOUR) readings.push({ ts: new Date(t).toISOString(), energy_wh: wh });
  return readings;
}

async function meterWith(token: string, readings: Record<string, unknown>[], overrides: Record<string, unknown> = {}) {
  const meter = await createMeter(token, overrides);
  for (let i = 0; i < readings.length; i += 5_000) {
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(i, i + 5_000) })).status).toBe(200);
  }
  return meter;
}

async function setTariff(token: string, meterId: string, tariff: unknown) {
  const result = await call("PATCH", `/api/meters/${meterId}`, { token, body: { tariff } });
  expect(result.status).toBe(200);
}

async function series(token: string, meterId: string, query: string) {
  const result = await call("GET", `/api/meters/${meterId}/series?${query}`, { token });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body;
}

const HOUR_WINDOW = "from=2026-06-01T10:00:00Z&to=2026-06-01T11:00:00Z&bucket=1h";

describe("energy from power", () => {
  it("integrates power over the hour (each reading holds until the next)", async () => {
    const { token } = await signIn();
    const meter = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600), { timezone: "UTC" });
    const body = await series(token, meter.id, `metric=energy_wh&${HOUR_WINDOW}`);
    // 600 W for a whole hour: 600 Wh.
    expect(body.points).toHaveLength(1);
    expect(body.points[0]).toMatchObject({ t: "2026-06-01T10:00:00.000Z", covered: 1 });
    expect(body.points[0].sum).toBeCloseTo(600, 9);
    expect(body.points[0].avg).toBe(body.points[0].sum);
  });

  it("leaves a gap uncovered: a reading holds at most 1.5 typical intervals", async () => {
    const { token } = await signIn();
    // Readings every 10 min, but none between 10:20 and 10:40: 10:20 holds 15 min (to 10:35), 10:35-10:40 is a gap.
    const readings = powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600).filter((r) => r.ts !== "2026-06-01T10:30:00.000Z");
    const meter = await meterWith(token, readings, { timezone: "UTC" });
    const body = await series(token, meter.id, `metric=energy_wh&${HOUR_WINDOW}`);
    expect(body.points[0].covered).toBeCloseTo(55 / 60, 9);
    expect(body.points[0].sum).toBeCloseTo(550, 9);
  });
  it("counts a meter's only energy reading whole, in the bucket its interval ends in", async () => {
    const { token } = await signIn();
    const meter = await meterWith(token, [{ ts: "2026-06-01T10:30:00Z", energy_wh: 21 }], { timezone: "UTC" });
    const body = await series(token, meter.id, `metric=energy_wh&from=2026-06-01T10:00:00Z&to=2026-06-01T11:00:00Z&bucket=15m`);
    expect(body.points).toHaveLength(1);
    // count is the readings whose ts lies in the bucket (additive, as the rollups keep it): the reading at 10:30 starts the next bucket, which holds no energy.
    expect(body.points[0]).toMatchObject({ t: "2026-06-01T10:15:00.000Z", count: 0 });
    expect(body.points[0].sum).toBeCloseTo(21, 9);
  });
});

describe("cost per tariff kind (hand calculations)", () => {
  it("flat: 0.6 kWh at 0.20 GBP", async () => {
    const { token } = await signIn();
    const meter = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600), { timezone: "UTC" });
    await setTariff(token, meter.id, { kind: "flat", price: 0.2, currency: "GBP" });
    const body = await series(token, meter.id, `metric=cost&${HOUR_WINDOW}`);
    expect(body.unit).toBe("GBP");
    expect(body.points[0].sum).toBeCloseTo(0.12, 12);
  });

  it("time of use: a price change at 10:30 inside the hour and inside a reading's span", async () => {
    const { token } = await signIn();
    // Readings every 20 min: the 10:20 reading's span (10:20-10:40) straddles the 10:30 price change.
    const meter = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:20:00Z", 20, 600), { timezone: "UTC" });
    await setTariff(token, meter.id, {
      kind: "tou",
      defaultPrice: 0.1,
      periods: [{ from: "10:30", to: "11:00", price: 0.5 }],
      currency: "GBP",
    });
    const body = await series(token, meter.id, `metric=cost&${HOUR_WINDOW}`);
    // 0.3 kWh at 0.10 + 0.3 kWh at 0.50
    expect(body.points[0].sum).toBeCloseTo(0.03 + 0.15, 12);
    // 15-minute buckets see the change exactly.
    const quarters = await series(token, meter.id, "metric=cost&from=2026-06-01T10:00:00Z&to=2026-06-01T11:00:00Z&bucket=15m");
    expect(quarters.points.map((p: { sum: number }) => Number(p.sum.toFixed(6)))).toEqual([0.015, 0.015, 0.075, 0.075]);
  });

  it("the London 2013 dynamic preset, replayed on the same half hours of 2013", async () => {
    const { token } = await signIn();
    const meter = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600), { timezone: "UTC" });
    await setTariff(token, meter.id, { kind: "preset", name: "london-dynamic-2013" });
    const body = await series(token, meter.id, `metric=cost&${HOUR_WINDOW}`);
    const first = priceAt({ kind: "preset", name: "london-dynamic-2013" }, Date.parse("2013-06-01T10:00:00Z"));
    const second = priceAt({ kind: "preset", name: "london-dynamic-2013" }, Date.parse("2013-06-01T10:30:00Z"));
    expect(body.unit).toBe("GBP");
    expect(body.points[0].sum).toBeCloseTo(0.3 * first + 0.3 * second, 12);
  });

  it("an imported slots tariff; hours without prices are null with the span named, never 0", async () => {
    const { token, userId } = await signIn();
    const meter = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T12:10:00Z", 10, 600), { timezone: "UTC" });
    const inserted = await connection.db.$client.query(
      `INSERT INTO tariffs (owner_id, name, currency, standing_charge_per_day, starts_at, slot_minutes, prices)
       VALUES ($1, 'Agile export', 'EUR', 0.5, '2026-06-01T10:00:00Z', 30, ARRAY[0.25, 0.35]::float8[]) RETURNING id`,
      [userId],
    );
    const tariffId = (inserted.rows[0] as { id: string }).id;
    await connection.db.$client.query("UPDATE meters SET tariff = $2::jsonb WHERE id = $1", [
      meter.id,
      JSON.stringify({ kind: "imported", tariffId }),
    ]);
    const body = await series(token, meter.id, "metric=cost&from=2026-06-01T10:00:00Z&to=2026-06-01T12:00:00Z&bucket=1h");
    expect(body.unit).toBe("EUR");
    expect(body.points[0].sum).toBeCloseTo(0.3 * 0.25 + 0.3 * 0.35, 12);
    expect(body.points[1]).toMatchObject({
      t: "2026-06-01T11:00:00.000Z",
      sum: null,
      avg: null,
      note: "no price from 2026-06-01T11:00:00.000Z to 2026-06-01T12:00:00.000Z",
    });
  });

  it("mixed currencies in one request: 400 naming the meters", async () => {
    const { token } = await signIn();
    const pounds = await createMeter(token, { name: "Pounds" });
    const euros = await createMeter(token, { name: "Euros" });
    await setTariff(token, pounds.id, { kind: "flat", price: 0.2, currency: "GBP" });
    await setTariff(token, euros.id, { kind: "flat", price: 0.3, currency: "EUR" });
    const result = await call("GET", `/api/series?meterIds=${pounds.id},${euros.id}&metric=cost`, { token });
    expect(result.status).toBe(400);
    expect(result.body.error.message).toContain("Pounds (GBP)");
    expect(result.body.error.message).toContain("Euros (EUR)");
  });
});

describe("sites and devices", () => {
  async function siteAndDevice() {
    const { token } = await signIn();
    const site = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 1000), {
      name: "House",
      timezone: "UTC",
    });
    const device = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600), {
      name: "Heat pump",
      kind: "device",
      parentId: site.id,
      timezone: "UTC",
    });
    await setTariff(token, site.id, { kind: "flat", price: 0.2, currency: "GBP" });
    return { token, site, device };
  }

  it("a device without its own tariff pays its site's", async () => {
    const { token, device } = await siteAndDevice();
    const body = await series(token, device.id, `metric=cost&${HOUR_WINDOW}`);
    // 0.6 kWh at the site's 0.20, not the default 0.14228
    expect(body.points[0].sum).toBeCloseTo(0.12, 12);
  });

  it("a device in Paris without its own tariff is priced in its site's euros, in the series and the summary", async () => {
    const { token } = await signIn();
    const site = await createMeter(token, { name: "Maison", timezone: "Europe/Paris" });
    const device = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600), {
      name: "Cuisine",
      kind: "device",
      parentId: site.id,
      timezone: "Europe/Paris",
    });
    await setTariff(token, site.id, { kind: "flat", price: 0.25, currency: "EUR" });
    const body = await series(token, device.id, `metric=cost&${HOUR_WINDOW}`);
    expect(body.unit).toBe("EUR");
    expect(body.points[0].sum).toBeCloseTo(0.6 * 0.25, 12);
    const summary = await call("GET", `/api/meters/${device.id}/summary?period=day&at=2026-06-01T12:00:00Z`, { token });
    expect(summary.body).toMatchObject({ currency: "EUR", costNote: null });
    expect(summary.body.cost).toBeCloseTo(summary.body.energyKwh * 0.25, 4);
  });

  it("a meter with no tariff anywhere has no cost (never a made-up price), says why, and mixes with priced meters", async () => {
    const { token } = await signIn();
    const site = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 1000), {
      name: "Shed",
      timezone: "UTC",
    });
    const device = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 600), {
      name: "Lathe",
      kind: "device",
      parentId: site.id,
      timezone: "UTC",
    });
    for (const meter of [site, device]) {
      const body = await series(token, meter.id, `metric=cost&${HOUR_WINDOW}`);
      expect(body.points[0]).toMatchObject({ sum: null, avg: null, note: "no tariff set" });
    }
    const summary = await call("GET", `/api/meters/${site.id}/summary?period=day&at=2026-06-01T12:00:00Z`, { token });
    expect(summary.body).toMatchObject({ cost: null, costNote: "no tariff set", standingCharge: 0 });
    expect(summary.body.energyKwh).toBeGreaterThan(1);
    expect(summary.body.byDevice[0]).toMatchObject({ name: "Lathe", cost: null });

    const priced = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:10:00Z", 10, 1000), { timezone: "UTC" });
    await setTariff(token, priced.id, { kind: "flat", price: 0.3, currency: "EUR" });
    const both = await call("GET", `/api/series?meterIds=${site.id},${priced.id}&metric=cost&${HOUR_WINDOW}`, { token });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    expect(both.body.unit).toBe("EUR");
    expect(both.body.series.map((s: { points: { sum: number | null }[] }) => s.points[0].sum)).toEqual([null, expect.closeTo(0.3, 9)]);
  });

  it("an inherited time-of-use tariff keeps the site's local time", async () => {
    const { token } = await signIn();
    const site = await createMeter(token, { name: "House", timezone: "Europe/London" });
    const device = await meterWith(token, powerEvery("2026-06-01T09:00:00Z", "2026-06-01T10:10:00Z", 10, 600), {
      kind: "device",
      parentId: site.id,
      timezone: "UTC",
    });
    // 10:30-11:00 in London (BST) is 09:30-10:00 UTC.
    await setTariff(token, site.id, {
      kind: "tou",
      defaultPrice: 0.1,
      periods: [{ from: "10:30", to: "11:00", price: 0.5 }],
      currency: "GBP",
    });
    const body = await series(token, device.id, "metric=cost&from=2026-06-01T09:00:00Z&to=2026-06-01T10:00:00Z&bucket=1h");
    expect(body.points[0].sum).toBeCloseTo(0.3 * 0.1 + 0.3 * 0.5, 12);
  });

  it("untracked = site minus its devices, for power, energy and cost", async () => {
    const { token, site } = await siteAndDevice();
    for (const [metric, expected] of [
      ["power_w", 400],
      ["energy_wh", 400],
      ["cost", 0.08],
    ] as const) {
      const body = await series(token, site.id, `metric=${metric}&${HOUR_WINDOW}&untracked=true`);
      expect(body.part).toBe("meter");
      const all = await call("GET", `/api/series?meterIds=${site.id}&metric=${metric}&${HOUR_WINDOW}&untracked=true`, { token });
      const untracked = all.body.series.find((s: { part: string }) => s.part === "untracked");
      expect(untracked).toMatchObject({ meterId: site.id, name: "Untracked (House)" });
      expect(untracked.points[0].avg).toBeCloseTo(expected, 9);
    }
  });
});

describe("compare with the previous period", () => {
  it("shifts the window back by its length and moves the points onto the current one", async () => {
    const { token } = await signIn();
    const readings = [
      ...energyHours("2026-06-01T01:00:00Z", "2026-06-02T00:00:00Z", 500),
      ...energyHours("2026-06-02T01:00:00Z", "2026-06-03T00:00:00Z", 1000),
    ];
    const meter = await meterWith(token, readings, { timezone: "UTC" });
    const body = await series(
      token,
      meter.id,
      "metric=energy_wh&from=2026-06-02T00:00:00Z&to=2026-06-03T00:00:00Z&bucket=6h&compare=previous_period",
    );
    expect(body.points.map((p: { sum: number }) => p.sum)).toEqual([6000, 6000, 6000, 6000]);
    expect(body.compare).toMatchObject({
      kind: "previous_period",
      from: "2026-06-01T00:00:00.000Z",
      to: "2026-06-02T00:00:00.000Z",
      changePct: 100,
    });
    expect(body.compare.points.map((p: { t: string; sum: number }) => [p.t, p.sum])).toEqual([
      ["2026-06-02T00:00:00.000Z", 3000],
      ["2026-06-02T06:00:00.000Z", 3000],
      ["2026-06-02T12:00:00.000Z", 3000],
      ["2026-06-02T18:00:00.000Z", 3000],
    ]);
  });
});

describe("compare windows follow the calendar", () => {
  it("this month against the same days of last month, and a year back keeps local clock times across DST", () => {
    const from = new Date("2026-03-01T00:00:00Z"); // local 1 March 00:00 (GMT)
    const now = new Date("2026-03-31T12:00:00Z"); // local 31 March 13:00 (BST)
    const month = compareShift("previous_period", { kind: "relative", preset: "this_month" }, from, now, "Europe/London");
    expect(month.from.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    // A month before 31 March is the last day of February.
    expect(month.to.toISOString()).toBe("2026-02-28T13:00:00.000Z");
    expect(month.forward(new Date("2026-02-10T00:00:00Z")).toISOString()).toBe("2026-03-10T00:00:00.000Z");
    const year = compareShift(
      "previous_year",
      undefined,
      new Date("2026-06-01T09:00:00Z"),
      new Date("2026-06-02T09:00:00Z"),
      "Europe/London",
    );
    expect([year.from.toISOString(), year.to.toISOString()]).toEqual(["2025-06-01T09:00:00.000Z", "2025-06-02T09:00:00.000Z"]);
    expect(shiftCalendar(new Date("2026-03-28T12:00:00Z"), { days: 1 }, "Europe/London").toISOString()).toBe("2026-03-29T11:00:00.000Z");
  });
});

describe("daylight saving days in Europe/London", () => {
  async function londonMeter() {
    const { token } = await signIn();
    const meter = await meterWith(token, [
      ...energyHours("2026-03-28T01:00:00Z", "2026-03-30T00:00:00Z", 1000),
      ...energyHours("2026-10-24T00:00:00Z", "2026-10-26T01:00:00Z", 1000),
    ]);
    await setTariff(token, meter.id, { kind: "flat", price: 0.2, currency: "GBP", standingChargePerDay: 0.3 });
    return { token, meter };
  }

  it("daily cost buckets of 23 and 25 hours", async () => {
    const { token, meter } = await londonMeter();
    const spring = await series(token, meter.id, "metric=cost&from=2026-03-28T00:00:00Z&to=2026-03-29T23:00:00Z&bucket=1d");
    expect(spring.points.map((p: { t: string; sum: number; covered: number }) => [p.t, Number(p.sum.toFixed(9)), p.covered])).toEqual([
      ["2026-03-28T00:00:00.000Z", 4.8, 1],
      ["2026-03-29T00:00:00.000Z", 4.6, 1],
    ]);
    // Local 25 October: 2026-10-24T23:00Z to 2026-10-26T00:00Z.
    const autumn = await series(token, meter.id, "metric=cost&from=2026-10-24T23:00:00Z&to=2026-10-26T00:00:00Z&bucket=1d");
    expect(autumn.points.map((p: { t: string; sum: number }) => [p.t, Number(p.sum.toFixed(9))])).toEqual([
      ["2026-10-24T23:00:00.000Z", 5],
    ]);
  });

  it("the summary of a 23-hour day against the 24-hour day before", async () => {
    const { token, meter } = await londonMeter();
    const result = await call("GET", `/api/meters/${meter.id}/summary?period=day&at=2026-03-29T12:00:00Z`, { token });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      period: { kind: "day", from: "2026-03-29T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z" },
      energyKwh: 23,
      covered: 1,
      cost: 4.6,
      currency: "GBP",
      costNote: null,
      standingCharge: 0.3,
      peakKw: 1,
      previous: { from: "2026-03-28T00:00:00.000Z", to: "2026-03-29T00:00:00.000Z", energyKwh: 24, cost: 4.8 },
      changePct: -4.2,
      byDevice: [],
      untracked: null,
    });
    const autumn = await call("GET", `/api/meters/${meter.id}/summary?period=day&at=2026-10-25T12:00:00Z`, { token });
    expect(autumn.body).toMatchObject({
      period: { from: "2026-10-24T23:00:00.000Z", to: "2026-10-26T00:00:00.000Z" },
      energyKwh: 25,
      cost: 5,
    });
  });
});

describe("summary", () => {
  it("a month in progress: standing charge per day begun, devices with their share, untracked, the same days last month", async () => {
    const { token } = await signIn();
    const now = Date.now();
    const site = await createMeter(token, { name: "House", timezone: "UTC" });
    const device = await createMeter(token, { name: "Heat pump", kind: "device", parentId: site.id, timezone: "UTC" });
    await setTariff(token, site.id, { kind: "flat", price: 0.2, currency: "GBP", standingChargePerDay: 0.5 });
    const result = await call("GET", `/api/meters/${site.id}/summary?period=month`, { token });
    expect(result.status).toBe(200);
    const day = new Date(now).getUTCDate();
    expect(result.body).toMatchObject({
      name: "House",
      currency: "GBP",
      energyKwh: 0,
      cost: 0,
      standingCharge: Number((0.5 * day).toFixed(4)),
    });
    expect(result.body.byDevice).toEqual([{ meterId: device.id, name: "Heat pump", energyKwh: 0, cost: 0, share: null }]);
    expect(result.body.untracked).toEqual({ energyKwh: 0, cost: 0 });
    expect(Date.parse(result.body.previous.to)).toBeLessThanOrEqual(Date.parse(result.body.period.from));
  });

  it("splits a site's cost across its device and untracked use", async () => {
    const { token } = await signIn();
    const site = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", 10, 1000), {
      name: "House",
      timezone: "UTC",
    });
    const device = await meterWith(token, powerEvery("2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", 10, 600), {
      name: "Heat pump",
      kind: "device",
      parentId: site.id,
      timezone: "UTC",
    });
    await setTariff(token, site.id, { kind: "flat", price: 0.2, currency: "GBP" });
    const result = await call("GET", `/api/meters/${site.id}/summary?period=day&at=2026-06-01T12:00:00Z`, { token });
    // Each last reading holds 15 min (1.5 x 10 min): 1000 W and 600 W for 10:00-11:05.
    expect(result.body).toMatchObject({ energyKwh: 1.0833, cost: 0.2167, peakKw: 1, changePct: null });
    expect(result.body.byDevice).toEqual([{ meterId: device.id, name: "Heat pump", energyKwh: 0.65, cost: 0.13, share: 0.6 }]);
    expect(result.body.untracked).toEqual({ energyKwh: 0.4333, cost: 0.0867 });
  });

  it("another user's meter is 404; a bad period is 400", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const meter = await createMeter(owner.token);
    expect((await call("GET", `/api/meters/${meter.id}/summary`, { token: intruder.token })).status).toBe(404);
    expect((await call("GET", `/api/meters/${meter.id}/summary?period=fortnight`, { token: owner.token })).status).toBe(400);
  });

  it("weeks start on Monday in the meter's zone", () => {
    expect(calendarPeriod("week", new Date("2026-06-03T12:00:00Z"), "Europe/London")).toEqual({
      from: new Date("2026-05-31T23:00:00Z"),
      to: new Date("2026-06-07T23:00:00Z"),
    });
  });
});

describe("public shares of money charts", () => {
  it("a summary chart carries today, this week and this month; a breakdown its period's devices; no meter ids", async () => {
    const { token } = await signIn();
    const site = await createMeter(token, { name: "House" });
    await createMeter(token, { name: "Heat pump", kind: "device", parentId: site.id });
    const tab = (await call("POST", "/api/tabs", { token, body: { title: "Money" } })).body.id as string;
    const summarySpec = { meterIds: [site.id], metric: "cost", chartType: "summary", window: { kind: "relative", preset: "this_month" } };
    const breakdownSpec = { ...summarySpec, chartType: "breakdown", window: { kind: "relative", preset: "last_7d" } };
    for (const [title, spec] of [
      ["Cost", summarySpec],
      ["Who costs what", breakdownSpec],
    ] as const) {
      expect((await call("POST", "/api/charts", { token, body: { tabId: tab, title, spec } })).status).toBe(201);
    }
    const link = (await call("POST", "/api/shares", { token, body: { kind: "tab", id: tab } })).body;
    const view = await call("GET", `/api/public/shares/${link.token}`);
    expect(view.status).toBe(200);
    const [summary, breakdown] = view.body.charts;
    expect(summary).toMatchObject({ unit: "GBP", series: [] });
    expect(summary.summaries.map((s: { period: { kind: string } }) => s.period.kind)).toEqual(["day", "week", "month"]);
    expect(breakdown.summaries).toHaveLength(1);
    expect(breakdown.summaries[0]).toMatchObject({ name: "House", period: { kind: "week" }, byDevice: [{ name: "Heat pump" }] });
    expect(JSON.stringify(view.body)).not.toContain(site.id);
    const preview = await (exports as { default: Fetcher }).default.fetch(
      `http://wattboard.test/api/public/shares/${link.token}/preview.svg`,
    );
    expect(preview.status).toBe(200);
    // No tariff anywhere: no cost in a made-up currency.
    expect(await preview.text()).toContain("this month: 0.0 kWh, cost unknown (no tariff set)");
  });
});

describe("price grids", () => {
  it("a year of time-of-use prices in Europe/London (DST, weekdays, a period over midnight) agrees with the planner's priceAt", () => {
    const tariff: Tariff = {
      kind: "tou",
      defaultPrice: 0.24,
      periods: [
        { from: "16:00", to: "19:00", price: 0.38 },
        { from: "23:30", to: "05:30", price: 0.07, days: [5, 6] },
      ],
      timeZone: "Europe/London",
    };
    const from = Date.parse("2026-01-01T00:00:00Z");
    const grid = priceGrid(tariff, from, Date.parse("2027-01-01T00:00:00Z"));
    expect(grid.slotMs).toBe(15 * MINUTE);
    const mismatches = grid.prices.filter((price, i) => price !== priceAt(tariff, grid.origin + i * grid.slotMs));
    expect(mismatches).toEqual([]);
  });
});

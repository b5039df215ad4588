import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { alertRuleEvents, reports } from "../../worker/db/schema";
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { dueSchedules } from "../../worker/reports/queries";
import { call, createMeter, postReadings, signIn } from "./helpers";
import { withDb } from "./security/fixtures";

const HOUR = 3_600_000;

/** Runs the Worker's scheduled handler as the Cron Trigger does (it throws if the run fails). */
async function runSchedule(at: Date): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env as Env);
}

/** Hourly energy readings of `wh` each, the hour before each ts, over [from, to]. */
function energyHours(from: string, to: string, wh: number) {
  const readings = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += HOUR) readings.push({ ts: new Date(t).toISOString(), energy_wh: wh });
  return readings;
}

async function meterWith(token: string, readings: Record<string, unknown>[], overrides: Record<string, unknown> = {}) {
  const meter = await createMeter(token, overrides);
  for (let i = 0; i < readings.length; i += 5_000)
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(i, i + 5_000) })).status).toBe(200);
  return meter;
}

/** A site in London with a flat tariff and one device, two weeks of data before Monday 30 November 2026. */
async function householdWithTwoWeeks(label: string) {
  const { token, userId } = await signIn(label);
  // The week before costs less than the report's week (800 Wh against 1 kWh an hour).
  const site = await meterWith(token, [
    ...energyHours("2026-11-16T01:00:00Z", "2026-11-23T00:00:00Z", 800),
    ...energyHours("2026-11-23T01:00:00Z", "2026-11-30T00:00:00Z", 1000),
  ]);
  expect(
    (await call("PATCH", `/api/meters/${site.id}`, { token, body: { tariff: { kind: "flat", price: 0.2, currency: "GBP" } } })).status,
  ).toBe(200);
  const device = await meterWith(token, energyHours("2026-11-16T01:00:00Z", "2026-11-30T00:00:00Z", 300), {
    name: "Heat pump",
    kind: "device",
    parentId: site.id,
  });
  return { token, userId, site, device };
}

const reportNotifications = async (token: string) =>
  (
    (await call("GET", "/api/notifications?limit=100", { token })).body.notifications as {
      kind: string;
      link: string | null;
      title: string;
      body: string;
    }[]
  ).filter((n) => n.kind === "report");

describe("reports", () => {
  it("makes the weekly report once per period, however often the schedule runs, with a notification linking to it", async () => {
    const { token, site, device } = await householdWithTwoWeeks("reports-weekly");
    const schedule = { weekly: { weekday: 1, hour: 8 }, monthly: null };
    const saved = await call("PUT", `/api/meters/${site.id}/report-schedule`, { token, body: schedule });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await call("GET", `/api/meters/${site.id}/report-schedule`, { token })).body).toEqual(schedule);
    // A forecast issued at the end of the week: the report shows the latest run's.
    const run = await call("POST", `/api/meters/${site.id}/runs/replays`, { token, body: { asOf: "2026-11-30T00:00:00Z" } });
    expect(run.status, JSON.stringify(run.body)).toBe(201);

    // Monday 30 November, 07:55 in London: before the report's hour, nothing.
    await runSchedule(new Date("2026-11-30T07:55:00Z"));
    expect((await call("GET", "/api/reports", { token })).body.reports).toEqual([]);

    // 08:00 and after, several times, two of them at once: one report, one notification.
    await runSchedule(new Date("2026-11-30T08:00:00Z"));
    await Promise.all([runSchedule(new Date("2026-11-30T08:05:00Z")), runSchedule(new Date("2026-11-30T08:05:00Z"))]);
    await runSchedule(new Date("2026-12-03T12:00:00Z"));
    const list = (await call("GET", "/api/reports", { token })).body.reports;
    expect(list).toEqual([
      {
        id: expect.any(String),
        meterId: site.id,
        meterName: "House",
        cadence: "week",
        from: "2026-11-23T00:00:00.000Z",
        to: "2026-11-30T00:00:00.000Z",
        createdAt: expect.any(String),
      },
    ]);
    const [notice, ...more] = await reportNotifications(token);
    expect(more).toEqual([]);
    expect(notice.link).toBe(`/reports/${list[0].id}`);
    expect(notice.title).toBe("House: your weekly report");
    // 168 kWh at £0.20 against 134.4 kWh the week before (25 % more).
    expect(notice.body).toBe(
      "House used 168 kWh for £33.60 in the week of 23 Nov 2026, 25 % more than the week before. Heat pump cost most (£10.08).",
    );

    const report = (await call("GET", `/api/reports/${list[0].id}`, { token })).body;
    // The summary is the money summary of that week, as the meter's summary route gives it.
    const summary = await call("GET", `/api/meters/${site.id}/summary?period=week&at=2026-11-23T00:00:00Z`, { token });
    expect(summary.status).toBe(200);
    expect(report.summary).toEqual(summary.body);
    expect(report.summary).toMatchObject({ energyKwh: 168, cost: 33.6, previous: { energyKwh: 134.4, cost: 26.88 }, changePct: 25 });
    expect(report.topDevice).toEqual({ meterId: device.id, name: "Heat pump", energyKwh: 50.4, cost: 10.08 });
    expect(report.forecast).toEqual({
      issuedAt: run.body.inputTo,
      hours: 24,
      energyKwh: run.body.figures.forecastKwh,
      expectedCost: run.body.figures.expectedCost,
      peakKw: run.body.figures.peakKw,
      currency: "GBP",
    });
    // The week ahead from history: each day the average of its weekday in the two weeks with readings (24 and 19.2 kWh).
    expect(report.outlook).toMatchObject({
      from: "2026-11-30T00:00:00.000Z",
      to: "2026-12-07T00:00:00.000Z",
      method: "same_weekday_average",
      weeks: 4,
      currency: "GBP",
    });
    expect(report.outlook.days).toHaveLength(7);
    for (const day of report.outlook.days) {
      expect(day.weeks).toBe(2);
      expect(day.energyKwh).toBeCloseTo(21.6, 6);
      expect(day.cost).toBeCloseTo(4.32, 6);
    }
    expect(report.outlook.days[1].from).toBe("2026-12-01T00:00:00.000Z");
    expect(report.outlook.energyKwh).toBeCloseTo(151.2, 6);
    expect(report.outlook.cost).toBeCloseTo(30.24, 6);
    // No battery: no plan savings. No alert rules yet.
    expect(report.savings).toBeNull();
    expect(report.alerts).toEqual([]);
    expect(report).toMatchObject({ meterName: "House", timezone: "Europe/London", cadence: "week" });

    // The next Monday makes the next week's report.
    await runSchedule(new Date("2026-12-07T08:00:00Z"));
    expect((await call("GET", "/api/reports", { token })).body.reports.map((r: { from: string }) => r.from)).toEqual([
      "2026-11-30T00:00:00.000Z",
      "2026-11-23T00:00:00.000Z",
    ]);
  });

  it("lists the alerts that fired or resolved in the period on the site's and its devices' rules, oldest first", async () => {
    const { token, userId, site, device } = await householdWithTwoWeeks("reports-alerts");
    const rule = async (meterId: string, name: string) => {
      const created = await call("POST", "/api/alert-rules", {
        token,
        body: { meterId, name, kind: "threshold", metric: "power_w", op: "above", value: 2000, for: "PT10M" },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.id as string;
    };
    const garage = await rule(device.id, "Heat pump over 2 kW");
    const house = await rule(site.id, "House over 2 kW");
    const other = await signIn("reports-alerts-other");
    const stranger = await createMeter(other.token);
    const strangerRule = (
      await call("POST", "/api/alert-rules", {
        token: other.token,
        body: { meterId: stranger.id, kind: "threshold", metric: "power_w", op: "above", value: 1, for: "PT1M" },
      })
    ).body.id as string;
    const event = (
      ruleId: string,
      ownerId: string,
      meterId: string,
      state: "pending" | "firing" | "resolved",
      at: string,
      value: number,
    ) => ({
      ruleId,
      ownerId,
      meterId,
      state,
      at: new Date(at),
      value,
    });
    await withDb((db) =>
      db
        .insert(alertRuleEvents)
        .values([
          event(garage, userId, device.id, "pending", "2026-11-25T17:55:00Z", 2100),
          event(garage, userId, device.id, "firing", "2026-11-25T18:05:00Z", 2400),
          event(garage, userId, device.id, "resolved", "2026-11-25T19:00:00Z", 1500),
          event(house, userId, site.id, "firing", "2026-11-22T23:00:00Z", 2500),
          event(house, userId, site.id, "firing", "2026-11-29T23:59:00Z", 3100),
          event(strangerRule, other.userId, stranger.id, "firing", "2026-11-26T10:00:00Z", 9),
        ]),
    );
    await call("PUT", `/api/meters/${site.id}/report-schedule`, { token, body: { weekly: { weekday: 1, hour: 8 }, monthly: null } });
    await runSchedule(new Date("2026-11-30T08:00:00Z"));
    const [listed] = (await call("GET", "/api/reports", { token })).body.reports;
    const report = (await call("GET", `/api/reports/${listed.id}`, { token })).body;
    expect(report.alerts).toEqual([
      { ruleId: garage, ruleName: "Heat pump over 2 kW", state: "firing", at: "2026-11-25T18:05:00.000Z", value: 2400 },
      { ruleId: garage, ruleName: "Heat pump over 2 kW", state: "resolved", at: "2026-11-25T19:00:00.000Z", value: 1500 },
      { ruleId: house, ruleName: "House over 2 kW", state: "firing", at: "2026-11-29T23:59:00.000Z", value: 3100 },
    ]);
  });

  it("makes the monthly report on the chosen day and hour, on the meter's clock", async () => {
    const { token, site } = await householdWithTwoWeeks("reports-monthly");
    await call("PUT", `/api/meters/${site.id}/report-schedule`, { token, body: { weekly: null, monthly: { day: 2, hour: 9 } } });
    await runSchedule(new Date("2026-12-01T09:00:00Z"));
    expect((await call("GET", "/api/reports", { token })).body.reports).toEqual([]);
    await runSchedule(new Date("2026-12-02T09:00:00Z"));
    const [report, ...more] = (await call("GET", "/api/reports", { token })).body.reports;
    expect(more).toEqual([]);
    expect(report).toMatchObject({ cadence: "month", from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" });
    const [notice] = await reportNotifications(token);
    expect(notice.body).toMatch(/^House used 302 kWh for £60\.48 in November 2026\./);
  });

  it("the round selects in SQL only the schedules due on their meter's clock and not made yet, with the cadences due", async () => {
    const { token, userId } = await signIn("reports-due");
    const site = async (name: string, timezone: string, schedule: Record<string, unknown>) => {
      const meter = await createMeter(token, { name, timezone });
      expect((await call("PUT", `/api/meters/${meter.id}/report-schedule`, { token, body: schedule })).status).toBe(200);
      return meter.id;
    };
    const weeklyAt8 = { weekly: { weekday: 1, hour: 8 }, monthly: null };
    const london = await site("London", "Europe/London", weeklyAt8);
    const made = await site("Made", "Europe/London", weeklyAt8);
    const newYork = await site("New York", "America/New_York", weeklyAt8);
    const tokyo = await site("Tokyo", "Asia/Tokyo", { weekly: { weekday: 1, hour: 8 }, monthly: { day: 1, hour: 0 } });
    const late = await site("Late", "Europe/London", { weekly: { weekday: 2, hour: 8 }, monthly: null });
    await withDb((db) =>
      db.insert(reports).values({
        ownerId: userId,
        meterId: made,
        cadence: "week",
        periodFrom: new Date("2026-11-23T00:00:00Z"),
        periodTo: new Date("2026-11-30T00:00:00Z"),
        content: {} as never,
      }),
    );
    // Monday 30 November 2026, 08:00 in London: 03:00 in New York (before its hour), 17:00 in Tokyo.
    const due = await withDb((db) => dueSchedules(db, new Date("2026-11-30T08:00:00Z")));
    const mine = [london, made, newYork, tokyo, late];
    expect(
      due
        .filter((row) => mine.includes(row.meter.id))
        .map((row) => [row.meter.name, row.weekly, row.monthly])
        .sort(),
    ).toEqual([
      ["London", true, false],
      ["Tokyo", true, true],
    ]);
    // At 08:00 in New York, its week is due too.
    const later = await withDb((db) => dueSchedules(db, new Date("2026-11-30T13:00:00Z")));
    expect(later.filter((row) => row.meter.id === newYork).map((row) => row.weekly)).toEqual([true]);
  });

  it("answers 400 naming the field for a bad schedule or a device meter, and 404 for another user's report or meter", async () => {
    const { token, site, device } = await householdWithTwoWeeks("reports-owner");
    const badDay = await call("PUT", `/api/meters/${site.id}/report-schedule`, {
      token,
      body: { weekly: { weekday: 8, hour: 8 }, monthly: null },
    });
    expect(badDay.status).toBe(400);
    expect(badDay.body.error.details.map((d: { path: string }) => d.path)).toEqual(["weekly.weekday"]);
    const lateDay = await call("PUT", `/api/meters/${site.id}/report-schedule`, {
      token,
      body: { weekly: null, monthly: { day: 31, hour: 8 } },
    });
    expect(lateDay.body.error.details.map((d: { path: string }) => d.path)).toEqual(["monthly.day"]);
    const onDevice = await call("PUT", `/api/meters/${device.id}/report-schedule`, {
      token,
      body: { weekly: { weekday: 1, hour: 8 }, monthly: null },
    });
    expect(onDevice.status).toBe(400);
    expect(onDevice.body.error.details).toEqual([{ path: "id", message: "must be a site meter" }]);

    await call("PUT", `/api/meters/${site.id}/report-schedule`, { token, body: { weekly: { weekday: 1, hour: 8 }, monthly: null } });
    await runSchedule(new Date("2026-11-30T08:00:00Z"));
    const [report] = (await call("GET", "/api/reports", { token })).body.reports;
    expect(report).toBeDefined();

    const other = await signIn("reports-other");
    expect((await call("GET", `/api/reports/${report.id}`, { token: other.token })).status).toBe(404);
    expect((await call("GET", "/api/reports", { token: other.token })).body.reports).toEqual([]);
    expect((await call("GET", `/api/meters/${site.id}/report-schedule`, { token: other.token })).status).toBe(404);
    const foreignPut = await call("PUT", `/api/meters/${site.id}/report-schedule`, {
      token: other.token,
      body: { weekly: null, monthly: { day: 1, hour: 1 } },
    });
    expect(foreignPut.status).toBe(404);
    // The owner's schedule is untouched.
    expect((await call("GET", `/api/meters/${site.id}/report-schedule`, { token })).body.monthly).toBeNull();
    expect((await call("GET", `/api/reports/${crypto.randomUUID()}`, { token })).status).toBe(404);
  });
});

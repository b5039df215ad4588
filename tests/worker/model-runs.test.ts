import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import { findMeterById } from "../../worker/meters/queries";
import { runModel } from "../../worker/runs/run-model";
import { call, createMeter, postReadings, signIn } from "./helpers";

const HOUR = 3_600_000;

/**
 * Hourly energy with an evening peak, `days` long. Fresh data ends at the last whole hour (and so
 * triggers an automatic run through the queue); otherwise it ends three hours ago, which no
 * automatic run picks up, so a test's own runs are the only ones.
 */
function dailyProfile(days: number, fresh: boolean) {
  const end = Math.floor(Date.now() / HOUR) * HOUR - (fresh ? 0 : 3 * HOUR);
  return Array.from({ length: days * 24 }, (_, i) => {
    const ts = end - (days * 24 - 1 - i) * HOUR;
    const hour = new Date(ts - HOUR).getUTCHours();
    const kwh = 0.3 + (hour >= 17 && hour <= 21 ? 1.2 : 0) + (hour >= 7 && hour <= 8 ? 0.5 : 0);
    return { ts: new Date(ts).toISOString(), energy_wh: kwh * 1000, power_w: kwh * 1000 };
  });
}

async function meterWithHistory(days: number, settings: Record<string, unknown> = {}, fresh = false) {
  const user = await signIn();
  const meter = await createMeter(user.token, { timezone: "Europe/London" });
  const readings = dailyProfile(days, fresh);
  for (let i = 0; i < readings.length; i += 5_000)
    await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(i, i + 5_000) });
  if (Object.keys(settings).length)
    expect((await call("PATCH", `/api/meters/${meter.id}`, { token: user.token, body: settings })).status).toBe(200);
  return { ...user, meter };
}

/** Waits (bounded) for the meter's first stored run. */
async function latestRunOf(token: string, meterId: string) {
  let latest = await call("GET", `/api/meters/${meterId}/runs/latest`, { token });
  for (let i = 0; i < 100 && latest.status !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    latest = await call("GET", `/api/meters/${meterId}/runs/latest`, { token });
  }
  return latest;
}

const BATTERY_ON_DYNAMIC_TARIFF = {
  tariff: {
    kind: "tou",
    defaultPrice: 0.15,
    periods: [
      { from: "16:00", to: "20:00", price: 0.6 },
      { from: "00:00", to: "06:00", price: 0.05 },
    ],
    currency: "GBP",
  },
  assets: {
    battery: { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 },
    deferrableLoads: [{ name: "EV", energyKwh: 6, powerKw: 3, fromHour: 18, toHour: 7 }],
  },
};

describe("model runs: manual trigger", () => {
  it("forecasts 24 hours, plans the battery and the EV against the tariff, and stores the run", async () => {
    const { token, meter } = await meterWithHistory(8, BATTERY_ON_DYNAMIC_TARIFF);
    const result = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(result.status).toBe(201);
    const run = result.body;
    expect(run).toMatchObject({ meterId: meter.id, trigger: "manual", modelVersion: expect.stringMatching(/^v\d+$/) });
    expect(run.forecastKwh).toHaveLength(24);
    for (const kwh of run.forecastKwh) expect(kwh).toBeGreaterThanOrEqual(0);
    // The synthetic home uses ~0.3 kWh/h at night and ~1.5 in the evening: the forecast must see that.
    expect(Math.max(...run.forecastKwh)).toBeGreaterThan(2 * Math.min(...run.forecastKwh));
    // Stored with its band, from the model (no scored history to fall back on yet).
    expect(run.forecastMethod).toBe("model");
    run.forecastKwh.forEach((kwh: number, h: number) => {
      expect(run.forecastP10[h]).toBeLessThanOrEqual(kwh);
      expect(run.forecastP90[h]).toBeGreaterThanOrEqual(kwh);
    });
    expect(run.plan).toHaveLength(24);
    const evCharged = run.plan.reduce((sum: number, h: { deferrableKwh: Record<string, number> }) => sum + (h.deferrableKwh.EV ?? 0), 0);
    expect(evCharged).toBeCloseTo(6, 5);
    expect(run.figures.expectedCost).toBeLessThan(run.figures.baselineCost);
    expect(run.figures.defaultTariff).toBe(false);
    expect(run.explanation).toContain("EV runs at");
    const latest = await call("GET", `/api/meters/${meter.id}/runs/latest`, { token });
    expect(latest.body.id).toBe(run.id);
  });

  it("reports a peak above the person's limit as a finding", async () => {
    const { token, meter } = await meterWithHistory(8, { assets: { peakLimitKw: 0.5 } });
    const run = (await call("POST", `/api/meters/${meter.id}/runs`, { token })).body;
    expect(run.findings.map((f: { kind: string }) => f.kind)).toContain("peak_over_limit");
    expect(run.figures.defaultTariff).toBe(true);
    expect(run.explanation).toContain("No tariff is set");
  });

  it("answers 409 with the hours it has when the history is too short, and stores nothing", async () => {
    const { token, meter } = await meterWithHistory(2);
    const result = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(result.status).toBe(409);
    expect(result.body.error).toMatchObject({ code: "not_enough_history", details: { hoursWithData: 48 } });
    expect((await call("GET", `/api/meters/${meter.id}/runs/latest`, { token })).status).toBe(404);
  });

  it("another user's meter is a 404 for runs", async () => {
    const { meter } = await meterWithHistory(8);
    const intruder = await signIn("intruder");
    expect((await call("POST", `/api/meters/${meter.id}/runs`, { token: intruder.token })).status).toBe(404);
    expect((await call("GET", `/api/meters/${meter.id}/runs/latest`, { token: intruder.token })).status).toBe(404);
  });
});

describe("model runs: replays of past hours", () => {
  it("runs as at a past hour from the data known then, stored as issued then, without becoming the latest", async () => {
    const { token, meter } = await meterWithHistory(10);
    const latest = (await call("POST", `/api/meters/${meter.id}/runs`, { token })).body;
    const asOf = new Date(Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR + 20 * 60_000);
    const replay = await call("POST", `/api/meters/${meter.id}/runs/replays`, { token, body: { asOf: asOf.toISOString() } });
    expect(replay.status).toBe(201);
    expect(replay.body).toMatchObject({
      trigger: "manual",
      inputTo: new Date(Math.floor(asOf.getTime() / HOUR) * HOUR).toISOString(),
      createdAt: asOf.toISOString(),
    });
    expect(replay.body.forecastKwh).toHaveLength(24);
    expect((await call("GET", `/api/meters/${meter.id}/runs/latest`, { token })).body.id).toBe(latest.id);
    // Its 24 hours are over: the accuracy scores it (the latest run's hours have no readings yet).
    const accuracy = (await call("GET", `/api/meters/${meter.id}/forecast-accuracy?days=3`, { token })).body;
    expect(accuracy.runs).toBe(2);
    expect(accuracy.byLead.map((lead: { samples: number }) => lead.samples)).toEqual([1, 1, 1]);
  });

  it("a battery plan starts where the previous plan left the battery at that hour", async () => {
    const { token, meter } = await meterWithHistory(10, BATTERY_ON_DYNAMIC_TARIFF);
    // Midnight UTC two days ago: the cheap night hours (00:00-06:00 London time) come first.
    const issued = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 48 * HOUR;
    const replay = async (at: number) =>
      (await call("POST", `/api/meters/${meter.id}/runs/replays`, { token, body: { asOf: new Date(at).toISOString() } })).body;
    const first = await replay(issued);
    expect(first.figures.initialSocKwh).toBe(0);
    // It charges in the cheap night hours first.
    expect(first.plan[2].socKwh).toBeGreaterThan(0);
    const second = await replay(issued + 3 * HOUR);
    expect(second.figures.initialSocKwh).toBeCloseTo(first.plan[2].socKwh, 9);
  });

  it("answers 400 for a time not yet past or not a time, 409 before enough history, 404 for another user's meter", async () => {
    const { token, meter } = await meterWithHistory(8);
    const replay = (asOf: unknown, as = token) => call("POST", `/api/meters/${meter.id}/runs/replays`, { token: as, body: { asOf } });
    expect((await replay(new Date(Date.now() + HOUR).toISOString())).status).toBe(400);
    expect((await replay("yesterday")).status).toBe(400);
    expect((await replay("0001-01-01T00:00:00Z")).status).toBe(400);
    expect((await replay(new Date(Date.now() - 7 * 24 * HOUR).toISOString())).status).toBe(409);
    const intruder = await signIn("intruder");
    expect((await replay(new Date(Date.now() - 24 * HOUR).toISOString(), intruder.token)).status).toBe(404);
  });
});

describe("model runs: automatic", () => {
  it("runs at most once per quarter hour per meter unless a person asks", async () => {
    const { token, meter } = await meterWithHistory(8, {}, true);
    expect((await latestRunOf(token, meter.id)).status).toBe(200);
    const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
    try {
      const row = (await findMeterById(connection.db, meter.id))!;
      // The queued automatic run has just happened: another one is throttled.
      expect((await runModel(connection.db, row, "auto")).status).toBe("throttled");
      expect((await runModel(connection.db, row, "manual")).status).toBe("ran");
      expect((await runModel(connection.db, row, "auto", new Date(Date.now() + 16 * 60_000))).status).toBe("ran");
      // A history upload (newest reading long ago) does not forecast a past "tomorrow" by itself.
      expect((await runModel(connection.db, row, "auto", new Date(Date.now() + 3 * HOUR))).status).toBe("stale_data");
    } finally {
      await connection.close();
    }
  });

  it("a webhook post leads to a stored run by itself, through the real queue", async () => {
    const { token, meter } = await meterWithHistory(8, {}, true);
    const latest = await latestRunOf(token, meter.id);
    expect(latest.status).toBe(200);
    expect(latest.body.trigger).toBe("auto");
  });
});

describe("tariff and assets validation", () => {
  it.each([
    ["an unknown tariff kind", { tariff: { kind: "spot" } }, "tariff.kind"],
    [
      "a ToU period with a bad clock",
      { tariff: { kind: "tou", defaultPrice: 0.2, periods: [{ from: "25:00", to: "06:00", price: 0.1 }] } },
      "tariff.periods.0.from",
    ],
    ["a battery without capacity", { assets: { battery: { powerKw: 2 } } }, "assets.battery.capacityKwh"],
    [
      "an empty EV window",
      { assets: { deferrableLoads: [{ name: "EV", energyKwh: 5, powerKw: 3, fromHour: 7, toHour: 7 }] } },
      "assets.deferrableLoads.0.toHour",
    ],
  ])("%s", async (_name, body, path) => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const result = await call("PATCH", `/api/meters/${meter.id}`, { token, body });
    expect(result.status).toBe(400);
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body).toMatchObject({ tariff: null, assets: null });
  });

  it("stores the London 2013 dynamic tariff preset", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const result = await call("PATCH", `/api/meters/${meter.id}`, {
      token,
      body: { tariff: { kind: "preset", name: "london-dynamic-2013" } },
    });
    expect(result.body.tariff).toEqual({ kind: "preset", name: "london-dynamic-2013" });
  });
});

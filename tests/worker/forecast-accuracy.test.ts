import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import { modelRuns } from "../../worker/db/schema";
import type { ModelRunPlanHour } from "../../worker/runs/contract";
import type { NewModelRun } from "../../worker/runs/queries";
import { call, createMeter, postReadings, signIn } from "./helpers";

const HOUR = 3_600_000;
/** The last whole hour: the end of the window the endpoint scores. */
const NOW_HOUR = Math.floor(Date.now() / HOUR) * HOUR;
/** Readings end three hours ago: no automatic run picks them up, so the seeded runs are the only ones. */
const DATA_END = NOW_HOUR - 3 * HOUR;

/** Posts hourly use for the hours [from, DATA_END), the hour starting at t using kwhAt(t). */
async function meterWithUse(token: string, from: number, kwhAt: (t: number) => number) {
  const meter = await createMeter(token);
  const readings = [];
  for (let t = from; t < DATA_END; t += HOUR) readings.push({ ts: new Date(t + HOUR).toISOString(), energy_wh: kwhAt(t) * 1000 });
  expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBeLessThan(300);
  return meter;
}

function planHours(issuedAt: number, hours: Record<number, Partial<ModelRunPlanHour>> = {}): ModelRunPlanHour[] {
  return Array.from({ length: 24 }, (_, i) => ({
    t: new Date(issuedAt + i * HOUR).toISOString(),
    priceKwh: 0.2,
    loadKwh: 1,
    chargeKwh: 0,
    dischargeKwh: 0,
    socKwh: 0,
    deferrableKwh: {},
    gridKwh: 1,
    ...hours[i],
  }));
}

/** A stored run issued at `issuedAt` (as the pipeline would have stored it then). */
function seededRun(ownerId: string, meterId: string, issuedAt: number, changes: Partial<NewModelRun> = {}): NewModelRun {
  return {
    meterId,
    ownerId,
    trigger: "auto",
    modelVersion: "v3",
    inputFrom: new Date(issuedAt - 168 * HOUR),
    inputTo: new Date(issuedAt),
    forecastKwh: Array(24).fill(1),
    plan: planHours(issuedAt),
    figures: {
      expectedCost: 0,
      baselineCost: 0,
      savings: 0,
      peakKw: 0,
      baselinePeakKw: 0,
      forecastKwh: 24,
      currency: "GBP",
      defaultTariff: false,
      historyHoursWithData: 168,
    },
    findings: [],
    createdAt: new Date(issuedAt),
    ...changes,
  };
}

async function insertRuns(runs: NewModelRun[]) {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    await connection.db.insert(modelRuns).values(runs);
  } finally {
    await connection.close();
  }
}

describe("forecast accuracy: scoring stored forecasts", () => {
  // One run, issued 30 h ago: its 24 forecast hours are all over and inside a 2-day window.
  const ISSUED = NOW_HOUR - 30 * HOUR;
  /** 1 kWh every hour, except 3 kWh in the hour before the run and 2 kWh in its 24th hour. */
  const use = (t: number) => (t === ISSUED - HOUR ? 3 : t === ISSUED + 23 * HOUR ? 2 : 1);

  it("scores each lead against both baselines, the band's coverage and the battery's savings, by hand", async () => {
    const { token, userId } = await signIn();
    const meter = await meterWithUse(token, NOW_HOUR - 12 * 24 * HOUR, use);
    // 0.9 each way.
    const battery = { capacityKwh: 5, powerKw: 3, roundTripEfficiency: 0.81 };
    expect((await call("PATCH", `/api/meters/${meter.id}`, { token, body: { assets: { battery } } })).status).toBe(200);
    await insertRuns([
      // An earlier run of the same hour is superseded by the later one.
      seededRun(userId, meter.id, ISSUED, { forecastKwh: Array(24).fill(10) }),
      seededRun(userId, meter.id, ISSUED, {
        createdAt: new Date(ISSUED + 20 * 60_000),
        forecastKwh: Array(24).fill(1.5),
        forecastP10: Array(24).fill(0.8),
        forecastP90: Array(24).fill(1.8),
        // Charge 3 kWh at 0.10 in the first hour, discharge 2.5 kWh at 0.50 in the last.
        plan: planHours(ISSUED, { 0: { chargeKwh: 3, priceKwh: 0.1 }, 23: { dischargeKwh: 2.5, priceKwh: 0.5 } }),
      }),
    ]);

    const result = await call("GET", `/api/meters/${meter.id}/forecast-accuracy?days=2`, { token });
    expect(result.status).toBe(200);
    const body = result.body;
    expect(body).toMatchObject({
      meterId: meter.id,
      from: new Date(NOW_HOUR - 48 * HOUR).toISOString(),
      to: new Date(NOW_HOUR).toISOString(),
      runs: 1,
      forecastMethod: "model",
    });
    const [lead1, lead6, lead24] = body.byLead;
    // Leads 1 and 6: use 1, forecast 1.5 (off by 50 %), the week's same hour 1 (exact), the hour before 3 (off by 200 %).
    for (const [lead, leadH] of [
      [lead1, 1],
      [lead6, 6],
    ] as const) {
      expect(lead).toMatchObject({ leadH, samples: 1 });
      expect(lead.model).toBeCloseTo(0.5, 9);
      expect(lead.persistenceEnsemble).toBeCloseTo(0, 9);
      expect(lead.lastValue).toBeCloseTo(2, 9);
    }
    // Lead 24: use 2; forecast 1.5 -> 0.25; the week's same hour (3 + 6 x 1) / 7 -> (2 - 9/7) / 2 = 5/14; the hour before 3 -> 0.5.
    expect(lead24).toMatchObject({ leadH: 24, samples: 1 });
    expect(lead24.model).toBeCloseTo(0.25, 9);
    expect(lead24.persistenceEnsemble).toBeCloseTo(5 / 14, 9);
    expect(lead24.lastValue).toBeCloseTo(0.5, 9);
    // 23 of the 24 hours used 1 kWh, inside [0.8, 1.8]; the 2 kWh hour is outside.
    expect(body.coverage80).toBeCloseTo(23 / 24, 9);
    // Planned: -3 x 0.10 + 2.5 x 0.50 = 0.95. Realised: the charge costs 0.30 and stores 2.7 kWh; the
    // last hour used 2 kWh, so the battery replaced 2 kWh, not 2.5 (no export): 2 x 0.50 - 0.30 = 0.70.
    expect(body.savings.currency).toBe("GBP");
    expect(body.savings.hours).toBe(2);
    expect(body.savings.planned).toBeCloseTo(0.95, 9);
    expect(body.savings.realised).toBeCloseTo(0.7, 9);
  });

  it("answers with no figures for a meter without runs", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const result = await call("GET", `/api/meters/${meter.id}/forecast-accuracy`, { token });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ runs: 0, coverage80: null, forecastMethod: null, savings: null });
    expect(new Date(result.body.to).getTime() - new Date(result.body.from).getTime()).toBe(30 * 24 * HOUR);
    for (const lead of result.body.byLead)
      expect(lead).toMatchObject({ samples: 0, model: null, persistenceEnsemble: null, lastValue: null });
  });

  it.each([["0"], ["91"], ["1.5"], ["a week"]])("answers 400 for days=%s", async (days) => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const result = await call("GET", `/api/meters/${meter.id}/forecast-accuracy?days=${encodeURIComponent(days)}`, { token });
    expect(result.status).toBe(400);
    expect(result.body.error.message).toContain("days");
  });

  it("another user's meter is as missing as one that does not exist", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const intruder = await signIn("intruder");
    const foreign = await call("GET", `/api/meters/${meter.id}/forecast-accuracy`, { token: intruder.token });
    const missing = await call("GET", `/api/meters/${crypto.randomUUID()}/forecast-accuracy`, { token: intruder.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await call("GET", `/api/meters/${meter.id}/forecast-accuracy`)).status).toBe(401);
  });
});

describe("forecast accuracy: a battery that could not deliver", () => {
  it("keeps what it could not deliver for later, and cannot deliver what it never stored", async () => {
    const { token, userId } = await signIn();
    const ISSUED = NOW_HOUR - 30 * HOUR;
    const meter = await meterWithUse(token, NOW_HOUR - 12 * 24 * HOUR, () => 1);
    const battery = { capacityKwh: 2, powerKw: 3, roundTripEfficiency: 1 };
    expect((await call("PATCH", `/api/meters/${meter.id}`, { token, body: { assets: { battery } } })).status).toBe(200);
    // Charge 3 kWh into a 2 kWh battery (only 2 fit), then plan 1.5, 1.5 and 1 kWh out of it.
    const plan = planHours(ISSUED, {
      0: { chargeKwh: 3 },
      1: { dischargeKwh: 1.5 },
      2: { dischargeKwh: 1.5 },
      3: { dischargeKwh: 1 },
    });
    await insertRuns([seededRun(userId, meter.id, ISSUED, { plan })]);
    const { savings } = (await call("GET", `/api/meters/${meter.id}/forecast-accuracy?days=2`, { token })).body;
    // At 0.20 a kWh: planned (4 - 3) x 0.20 = 0.20. Realised: 2 kWh charged (-0.40); the house uses 1 kWh
    // an hour, so 1 + 1 are delivered and the battery is then empty (+0.40).
    expect(savings.planned).toBeCloseTo(0.2, 9);
    expect(savings.realised).toBeCloseTo(0, 9);
    expect(savings.hours).toBe(4);
  });
});

describe("forecast accuracy: falling back to a baseline", () => {
  /**
   * The same day every day, 0.2 kWh more each hour of every other day: repeating the hour before
   * is off by 0.2 a day ahead, the week's average by about half that.
   */
  const use = (t: number) => {
    const hour = new Date(t).getUTCHours();
    const extra = Math.floor(t / (24 * HOUR)) % 2 === 0 ? 0.2 : 0;
    return 0.3 + (hour >= 17 && hour <= 21 ? 1.2 : 0) + (hour >= 7 && hour <= 8 ? 0.5 : 0) + extra;
  };
  const weekAverage = (t: number) => Array.from({ length: 7 }, (_, d) => use(t - (d + 1) * 24 * HOUR)).reduce((a, b) => a + b) / 7;
  /** Runs issued hourly over the 7 days whose 24 h-ahead hours end before the next run is issued. */
  const issueHours = Array.from({ length: 7 * 24 }, (_, i) => DATA_END - 23 * HOUR - (i + 1) * HOUR);

  it("uses the better baseline after 7 days worse than it, says so once, and goes back when the model recovers", async () => {
    const { token, userId } = await signIn();
    const meter = await meterWithUse(token, DATA_END - 17 * 24 * HOUR, use);
    // A week of forecasts far off: 5 kWh every hour.
    await insertRuns(issueHours.map((t) => seededRun(userId, meter.id, t, { forecastKwh: Array(24).fill(5) })));

    const fallback = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(fallback.status).toBe(201);
    expect(fallback.body.forecastMethod).toBe("persistence_ensemble");
    expect(fallback.body.explanation).toContain("this forecast is that average until the model does better");
    // The plan uses the week's average of each hour.
    fallback.body.forecastKwh.forEach((kwh: number, h: number) => {
      expect(kwh).toBeCloseTo(weekAverage(DATA_END + h * HOUR), 9);
    });
    const finding = fallback.body.findings.find((f: { kind: string }) => f.kind === "forecast_fallback");
    expect(finding.message).toMatch(
      /^Over the last 7 days the forecast a day ahead was off by \d+ % of an average hour, more than simply taking the average of the same hour over the past week \(\d+ %\)\. Plans use that instead until the forecast does better again\.$/,
    );

    // The next run keeps the baseline and says nothing more.
    const again = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(again.body.forecastMethod).toBe("persistence_ensemble");
    expect(again.body.findings.map((f: { kind: string }) => f.kind)).not.toContain("forecast_fallback");
    const inbox = await call("GET", "/api/notifications?limit=100", { token });
    const told = inbox.body.notifications.filter((n: { kind: string }) => n.kind === "forecast_fallback");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ title: "House: the forecast now repeats recent days", body: finding.message });

    // The accuracy reports what the runs use now.
    expect((await call("GET", `/api/meters/${meter.id}/forecast-accuracy`, { token })).body.forecastMethod).toBe("persistence_ensemble");

    // The same week re-forecast exactly (stored later for the same hours): the model is as good as the baseline again.
    await insertRuns(
      issueHours.map((t) =>
        seededRun(userId, meter.id, t, {
          createdAt: new Date(t + 60_000),
          forecastKwh: Array.from({ length: 24 }, (_, h) => use(t + h * HOUR)),
        }),
      ),
    );
    const recovered = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(recovered.body.forecastMethod).toBe("model");
    expect(recovered.body.findings.map((f: { kind: string }) => f.kind)).not.toContain("forecast_fallback");
    const after = await call("GET", "/api/notifications?limit=100", { token });
    expect(after.body.notifications.filter((n: { kind: string }) => n.kind === "forecast_fallback")).toHaveLength(1);
  });

  it("keeps the model with fewer than 6 days scored", async () => {
    const { token, userId } = await signIn();
    const meter = await meterWithUse(token, DATA_END - 17 * 24 * HOUR, use);
    await insertRuns(issueHours.slice(0, 5 * 24).map((t) => seededRun(userId, meter.id, t, { forecastKwh: Array(24).fill(5) })));
    const run = await call("POST", `/api/meters/${meter.id}/runs`, { token });
    expect(run.body.forecastMethod).toBe("model");
  });
});

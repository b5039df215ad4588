import { describe, expect, it } from "vitest";
import { isClockChangeDay, isUkBankHoliday, LONDON, sunsetInstant } from "../../ml/runtime/calendar.ts";
import { buildFeatures, FEATURE_NAMES, HISTORY_HOURS, HORIZON_HOURS } from "../../ml/runtime/features.ts";
import { forecastBatch, MODEL_OUTPUT, MODEL_P10_OUTPUT, MODEL_P90_OUTPUT, type SessionLike } from "../../ml/runtime/forecast.ts";
import { HOUR_MS } from "../../ml/training/csv-series.ts";
import { mulberry32 } from "../../ml/training/data.ts";
import {
  empiricalQuantile,
  lastValue,
  persistenceQuantiles,
  pinballLoss,
  RollingScorer,
  scoreRollingForecasts,
} from "../../ml/training/forecast-scoring.ts";
import { bandScores, type Calibration, fitQuantile } from "../../ml/training/quantiles.ts";

const at = (f: ReturnType<typeof buildFeatures>, name: string) => {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return f.x[i];
};

describe("calendar (ml/runtime/calendar.ts)", () => {
  it("knows England and Wales bank holidays, substitutes and moved days", () => {
    for (const [y, m, d] of [
      [2013, 1, 1],
      [2013, 3, 29], // Good Friday
      [2013, 4, 1], // Easter Monday
      [2013, 5, 6],
      [2013, 5, 27],
      [2013, 8, 26],
      [2013, 12, 25],
      [2013, 12, 26],
      [2020, 5, 8], // VE day moved the early May holiday
      [2021, 12, 27], // Christmas on a Saturday
      [2021, 12, 28],
      [2022, 1, 3],
      [2022, 6, 3], // Platinum Jubilee
      [2022, 9, 19],
      [2023, 5, 8], // Coronation
    ])
      expect(isUkBankHoliday(y, m, d), `${y}-${m}-${d}`).toBe(true);
    for (const [y, m, d] of [
      [2013, 5, 7],
      [2020, 5, 4],
      [2021, 12, 25],
      [2022, 5, 30],
    ])
      expect(isUkBankHoliday(y, m, d), `${y}-${m}-${d}`).toBe(false);
  });

  it("finds clock-change days in the meter's time zone only", () => {
    expect(isClockChangeDay(Date.UTC(2013, 2, 31, 12), "Europe/London")).toBe(true);
    expect(isClockChangeDay(Date.UTC(2013, 9, 27, 12), "Europe/London")).toBe(true);
    expect(isClockChangeDay(Date.UTC(2013, 2, 30, 12), "Europe/London")).toBe(false);
    expect(isClockChangeDay(Date.UTC(2013, 2, 31, 12), "UTC")).toBe(false);
  });

  it("puts London's sunset near 21:21 BST at midsummer and 15:53 GMT at midwinter", () => {
    const june = sunsetInstant(Date.UTC(2013, 5, 21), LONDON.latitude, LONDON.longitude);
    const december = sunsetInstant(Date.UTC(2013, 11, 21), LONDON.latitude, LONDON.longitude);
    expect(Math.abs(june - Date.UTC(2013, 5, 21, 20, 21))).toBeLessThan(5 * 60_000);
    expect(Math.abs(december - Date.UTC(2013, 11, 21, 15, 53))).toBeLessThan(5 * 60_000);
  });
});

describe("feature version 4", () => {
  const hist = Array.from({ length: HISTORY_HOURS }, (_, i) => 1 + (i % 24) / 24);

  it("lags 1-3 h, the last hours nonlinearly, hour of issue and today so far", () => {
    const hist = Array.from({ length: HISTORY_HOURS }, (_, i) => 1 + (i % 24) / 24);
    hist[HISTORY_HOURS - 1] = 5;
    const start = Date.UTC(2013, 2, 12, 3); // Tuesday 03:00 UTC (GMT)
    const f = buildFeatures(hist, start, { timeZone: "Europe/London" });
    expect(at(f, "lag_0") * f.scale).toBeCloseTo(5, 5);
    expect(at(f, "lag_2") * f.scale).toBeCloseTo(hist[HISTORY_HOURS - 3], 5);
    expect(at(f, "recent_max_3") * f.scale).toBeCloseTo(5, 5);
    expect(at(f, "log_lag_0")).toBeCloseTo(Math.log(5 / f.scale + 0.05), 5);
    expect(at(f, "issue_hour_3")).toBe(1);
    expect(FEATURE_NAMES.filter((n) => n.startsWith("issue_hour_")).reduce((s, n) => s + at(f, n), 0)).toBe(1);
    // Hours 00-02 today: 1, 1 + 1/24... (index 168-3..168-1), the last replaced by 5.
    const today = (hist[HISTORY_HOURS - 3] + hist[HISTORY_HOURS - 2] + 5) / 3;
    expect(at(f, "today_so_far") * f.scale).toBeCloseTo(today, 5);
    // The history starts at 03:00, so index i is hour (i + 3) % 24: today's 00-02 are 1 + 21/24 .. 1 + 23/24 on the 6 days before.
    expect(at(f, "today_profile_so_far") * f.scale).toBeCloseTo(1 + 22 / 24, 5);
    const midnight = buildFeatures(hist, Date.UTC(2013, 2, 12), { timeZone: "Europe/London" });
    expect(at(midnight, "today_so_far")).toBe(0);
  });

  it("flags bank holidays and clock-change days per target hour, in local time", () => {
    // Issued Thursday 28 March 2013 12:00: Good Friday starts 12 h later.
    const f = buildFeatures(hist, Date.UTC(2013, 2, 28, 12), { timeZone: "Europe/London" });
    expect(at(f, "bank_holiday_11")).toBe(0);
    expect(at(f, "bank_holiday_12")).toBe(1);
    // Issued Saturday 30 March 12:00 UTC (GMT): Sunday 31 (clocks go forward) from target hour 12.
    const g = buildFeatures(hist, Date.UTC(2013, 2, 30, 12), { timeZone: "Europe/London" });
    expect(at(g, "clock_change_11")).toBe(0);
    expect(at(g, "clock_change_12")).toBe(1);
    const utc = buildFeatures(hist, Date.UTC(2013, 2, 30, 12));
    expect(at(utc, "clock_change_12")).toBe(0);
  });

  it("sunset and darkness follow the season and the meter's place", () => {
    const winter = buildFeatures(hist, Date.UTC(2013, 11, 21), { timeZone: "Europe/London" });
    const summer = buildFeatures(hist, Date.UTC(2013, 5, 21), { timeZone: "Europe/London" });
    expect(at(winter, "sunset_local") * 3 + 18).toBeCloseTo(15.9, 0);
    expect(at(summer, "sunset_local") * 3 + 18).toBeCloseTo(21.35, 0); // local clock: BST
    expect(at(winter, "dark_18")).toBe(1); // 18:00-19:00 GMT in December
    expect(at(summer, "dark_12")).toBe(0);
    expect(at(summer, "dark_18")).toBe(0); // 18:00-19:00 UTC = 19:00-20:00 BST, sun still up
    // Without a place, London is assumed; a far-west place sets later in UTC.
    const west = buildFeatures(hist, Date.UTC(2013, 11, 21), { timeZone: "Europe/London", longitude: -10, latitude: LONDON.latitude });
    expect(at(west, "sunset_local")).toBeGreaterThan(at(winter, "sunset_local"));
  });
});

describe("quantiles", () => {
  /** p50 predictions, and targets whose spread is proportional to a covariate x[0] (a meter's own variability). */
  function synthetic(n: number, seed: number): Calibration {
    const r = mulberry32(seed);
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
    const c: Calibration = { predicted: [], actual: [], x: [] };
    for (let i = 0; i < n; i++) {
      const spread = 0.1 + r();
      const p = Float32Array.from({ length: HORIZON_HOURS }, () => 1 + r());
      c.predicted.push(p);
      c.x.push([spread]);
      c.actual.push(Float32Array.from(p, (v) => v + spread * gauss()));
    }
    return c;
  }

  it("calibrated p10/p90 cover about 80 % of new data from the same process; the spread covariate narrows the loss", () => {
    const train = synthetic(1500, 1);
    const test = synthetic(1500, 3);
    const withSpread = [fitQuantile(train, 0.1, () => [0]), fitQuantile(train, 0.9, () => [0])] as const;
    const without = [fitQuantile(train, 0.1, () => []), fitQuantile(train, 0.9, () => [])] as const;
    const a = bandScores(test, ...withSpread);
    const b = bandScores(test, ...without);
    for (const s of [a, b]) {
      expect(s.coverage).toBeGreaterThan(0.76);
      expect(s.coverage).toBeLessThan(0.84);
    }
    expect(a.pinball).toBeLessThan(b.pinball * 0.95);
    // p10 = p50 - 1.28 x spread: the fitted weight on the covariate is about -1.28, +1.28 for p90.
    expect(withSpread[0].weights[0]).toBeCloseTo(-1.28, 0);
    expect(withSpread[1].weights[0]).toBeCloseTo(1.28, 0);
  });

  it("forecastBatch returns p10 <= p50 <= p90 in kWh even when the model's outputs cross or go negative", async () => {
    const session: SessionLike = {
      async run(feeds) {
        const n = (feeds.features as { dims: number[] }).dims[0];
        const out = (v: number) => ({ data: new Float32Array(n * HORIZON_HOURS).fill(v) });
        return { [MODEL_OUTPUT]: out(1), [MODEL_P10_OUTPUT]: out(1.5), [MODEL_P90_OUTPUT]: out(-1) };
      },
    };
    class FakeTensor {
      constructor(
        public type: string,
        public data: Float32Array,
        public dims: readonly number[],
      ) {}
    }
    const history = Array.from({ length: HISTORY_HOURS }, () => 0.4);
    const [f] = await forecastBatch(session, FakeTensor, [{ history, start: Date.UTC(2013, 0, 8) }]);
    expect(f.kwh).toEqual(f.quantiles.p50);
    expect(f.quantiles.p50[0]).toBeCloseTo(0.4, 6);
    expect(f.quantiles.p10[0]).toBeCloseTo(0.4, 6);
    expect(f.quantiles.p90[0]).toBeCloseTo(0.4, 6);
  });
});

describe("forecast scoring (ml/training/forecast-scoring.ts)", () => {
  it("pinball loss and empirical quantiles on hand-computed cases", () => {
    expect(pinballLoss(0.1, 2, 3)).toBeCloseTo(0.1, 12); // under-forecast by 1 at p10
    expect(pinballLoss(0.1, 3, 2)).toBeCloseTo(0.9, 12); // over-forecast by 1 at p10
    expect(pinballLoss(0.9, 2, 3)).toBeCloseTo(0.9, 12);
    expect(pinballLoss(0.5, 5, 5)).toBe(0);
    expect(empiricalQuantile([7, 1, 3, 5, 2, 6, 4], 0.5)).toBe(4);
    expect(empiricalQuantile([1, 2, 3, 4, 5, 6, 7], 0.1)).toBeCloseTo(1.6, 12); // 1 + 0.6 x (2 - 1)
    expect(empiricalQuantile([1, NaN, 3], 0.5)).toBe(2);
  });

  it("persistence quantiles and last value come from the history known at issue time", () => {
    const history = Array.from({ length: HISTORY_HOURS }, (_, i) => Math.floor(i / 24) + 1); // day d -> d + 1
    const q = persistenceQuantiles(history);
    expect(q.p50).toEqual(Array(HORIZON_HOURS).fill(4));
    expect(q.p10[0]).toBeCloseTo(1.6, 12);
    expect(q.p90[0]).toBeCloseTo(6.4, 12);
    expect(lastValue(history)).toEqual(Array(HORIZON_HOURS).fill(7));
  });

  it("scores by lead, coverage and pinball on a hand-made window", () => {
    const history = Array.from({ length: HISTORY_HOURS }, (_, i) => Math.floor(i / 24) + 1); // last value 7, ensemble 4
    const actual = Array.from({ length: HORIZON_HOURS }, (_, h) => (h === 0 ? 6 : 4));
    const p50 = Array(HORIZON_HOURS).fill(5);
    const scorer = new RollingScorer();
    scorer.add(
      { start: 0, history, actual },
      { kwh: p50, scale: 4, quantiles: { p10: Array(24).fill(4.5), p50, p90: Array(24).fill(5.5) } },
    );
    const r = scorer.result();
    const lead1 = r.by_lead.find((b) => b.lead_h === 1)!;
    expect(lead1.cvrmse).toBeCloseTo(1 / 6, 12); // |5 - 6| / 6
    expect(lead1.persistence_ensemble).toBeCloseTo(2 / 6, 12);
    expect(lead1.last_value).toBeCloseTo(1 / 6, 12);
    const lead24 = r.by_lead.find((b) => b.lead_h === 24)!;
    expect(lead24.cvrmse).toBeCloseTo(1 / 4, 12);
    expect(lead24.persistence_ensemble).toBe(0);
    expect(r.coverage_80).toBe(0); // 6 and 4 are both outside [4.5, 5.5]
    // Hour 0 (actual 6): p10 0.1 x 1.5, p50 0.5 x 1, p90 0.9 x 0.5; other hours (actual 4): 0.9 x 0.5, 0.5 x 1, 0.1 x 1.5.
    expect(r.pinball).toBeCloseTo((0.15 + 0.5 + 0.45) / 3, 12);
    // Persistence quantiles 1.6 / 4 / 6.4: hour 0 (actual 6): 0.44 + 1 + 0.04; others (actual 4): 0.24 + 0 + 0.24.
    expect(r.pinball_persistence).toBeCloseTo(((0.44 + 1 + 0.04) / 3 + 23 * (0.48 / 3)) / 24, 12);
  });

  it("issues a forecast at every hour of the series", async () => {
    const series = { start: Date.UTC(2013, 0, 7), values: Array.from({ length: HISTORY_HOURS + 48 }, (_, i) => 1 + (i % 5)) };
    const issued: number[] = [];
    const r = await scoreRollingForecasts(series, async (ws) =>
      ws.map((w) => {
        issued.push(w.start);
        const kwh = lastValue(w.history);
        return { kwh, scale: 1, quantiles: { p10: kwh, p50: kwh, p90: kwh } };
      }),
    );
    expect(r.windows).toBe(25); // starts at hours 168..192
    expect(issued[1] - issued[0]).toBe(HOUR_MS);
    expect(r.by_lead[0].cvrmse).toBeCloseTo(r.by_lead[0].last_value, 12);
  });
});

import { describe, expect, it } from "vitest";
import { formatMoney } from "../../worker/costs/money-contract";
import type { ModelRunPlanHour } from "../../worker/runs/contract";
import { detectFindings, type FindingsInput } from "../../worker/runs/findings";

const HOUR = 3_600_000;
const START = Date.parse("2026-01-15T00:00:00Z");
const INPUT_FROM = new Date(START - 168 * HOUR);

function planHours(gridKwh: number[]): ModelRunPlanHour[] {
  return gridKwh.map((grid, i) => ({
    t: new Date(START + i * HOUR).toISOString(),
    priceKwh: 0.2,
    loadKwh: grid,
    chargeKwh: 0,
    dischargeKwh: 0,
    socKwh: 0,
    deferrableKwh: {},
    gridKwh: grid,
  }));
}

/** A quiet run: no limit, no savings, no previous forecast; each test changes one thing. */
function input(changes: Partial<FindingsInput> = {}): FindingsInput {
  return {
    plan: { peakKwh: 3, savings: 0, baselineCost: 2 },
    planHours: planHours(Array.from({ length: 24 }, (_, i) => (i === 18 ? 3 : 1))),
    assets: {},
    previous: undefined,
    history: Array(168).fill(1),
    inputFrom: INPUT_FROM,
    currency: "GBP",
    timezone: "UTC",
    fallback: { method: "model", accuracy: { leadH: 24, samples: 168, model: 0.4, persistenceEnsemble: 0.5, lastValue: 0.9 } },
    ...changes,
  };
}

const kinds = (changes: Partial<FindingsInput>) => detectFindings(input(changes)).map((f) => f.kind);

describe("findings: peak over the person's limit", () => {
  it("fires above the limit, naming the local hour of the peak", () => {
    const [finding] = detectFindings(
      input({ plan: { peakKwh: 5.06, savings: 0, baselineCost: 2 }, assets: { peakLimitKw: 5 }, timezone: "Asia/Kolkata" }),
    );
    expect(finding.kind).toBe("peak_over_limit");
    // The peak is at 18:00 UTC, 23:30 in Kolkata: the label is the local hour.
    expect(finding.message).toBe("The next 24 hours peak at 5.1 kW around 23:00, above your 5 kW limit.");
    expect(finding.data).toEqual({ peakKw: 5.06, limitKw: 5 });
  });

  it("does not fire at the limit, or without one", () => {
    expect(kinds({ plan: { peakKwh: 5, savings: 0, baselineCost: 2 }, assets: { peakLimitKw: 5 } })).toEqual([]);
    expect(kinds({ plan: { peakKwh: 50, savings: 0, baselineCost: 2 }, assets: {} })).toEqual([]);
    expect(kinds({ plan: { peakKwh: 50, savings: 0, baselineCost: 2 }, assets: { peakLimitKw: null } })).toEqual([]);
  });
});

describe("findings: the plan saves money", () => {
  it("fires from a tenth of the cost without a plan, with the share in whole percent", () => {
    const [finding] = detectFindings(input({ plan: { peakKwh: 3, savings: 0.5, baselineCost: 2 } }));
    expect(finding).toEqual({
      kind: "plan_saves",
      message: "Following today's plan saves £0.50 (25 %) over the next 24 hours.",
      data: { savings: 0.5, baselineCost: 2 },
    });
    expect(kinds({ plan: { peakKwh: 3, savings: 0.2, baselineCost: 2 } })).toEqual(["plan_saves"]);
  });

  it("states the saving in the meter's currency, written as the cost summaries write it", () => {
    const [finding] = detectFindings(input({ plan: { peakKwh: 3, savings: 1.234, baselineCost: 5 }, currency: "EUR" }));
    expect(finding.message).toBe(`Following today's plan saves ${formatMoney(1.234, "EUR")} (25 %) over the next 24 hours.`);
    expect(finding.message).toContain("€1.23");
  });

  it("does not fire under a tenth, under 0.05 however large the share, or without a cost", () => {
    expect(kinds({ plan: { peakKwh: 3, savings: 0.199, baselineCost: 2 } })).toEqual([]);
    expect(kinds({ plan: { peakKwh: 3, savings: 0.049, baselineCost: 0.1 } })).toEqual([]);
    expect(kinds({ plan: { peakKwh: 3, savings: 0.05, baselineCost: 0.1 } })).toEqual(["plan_saves"]);
    expect(kinds({ plan: { peakKwh: 3, savings: 0.5, baselineCost: 0 } })).toEqual([]);
  });
});

describe("findings: consumption unlike the previous forecast", () => {
  /** The previous run forecast 1 kWh an hour from `hoursAgo` before the new run's start. */
  const previous = (hoursAgo: number) => ({
    inputTo: new Date(START - hoursAgo * HOUR),
    forecastKwh: Array(24).fill(1),
    forecastMethod: "model" as const,
  });
  /** History whose last `hours` hours used `kwh` each. */
  const history = (hours: number, kwh: number) => Array.from({ length: 168 }, (_, i) => (i >= 168 - hours ? kwh : 1));

  it("fires at one and a half times the forecast, and at two thirds of it", () => {
    const [more] = detectFindings(input({ previous: previous(8), history: history(8, 1.5) }));
    expect(more).toEqual({
      kind: "consumption_anomaly",
      message: "Over the last 8 hours the meter used 12.0 kWh, 50 % more than forecast.",
      data: { actualKwh: 12, forecastKwh: 8, hours: 8 },
    });
    const [less] = detectFindings(input({ previous: previous(8), history: history(8, 0.6) }));
    expect(less.message).toBe("Over the last 8 hours the meter used 4.8 kWh, 40 % less than forecast.");
  });

  it("does not fire within the ratio, over fewer than six hours, under 1 kWh apart, or without a previous run", () => {
    expect(kinds({ previous: previous(8), history: history(8, 1.4) })).toEqual([]);
    expect(kinds({ previous: previous(8), history: history(8, 0.7) })).toEqual([]);
    expect(kinds({ previous: previous(5), history: history(5, 3) })).toEqual([]);
    expect(
      kinds({
        previous: { inputTo: new Date(START - 8 * HOUR), forecastKwh: Array(24).fill(0.1), forecastMethod: "model" },
        history: history(8, 0.2),
      }),
    ).toEqual([]);
    expect(kinds({ previous: undefined, history: history(8, 3) })).toEqual([]);
  });

  it("counts only the hours the meter reported", () => {
    // Eight hours overlap, but three are missing: five are too few.
    const gaps = history(8, 3).map((kwh, i) => (i >= 165 ? Number.NaN : kwh));
    expect(kinds({ previous: previous(8), history: gaps })).toEqual([]);
    expect(kinds({ previous: previous(8), history: history(8, 3).map((kwh, i) => (i === 167 ? Number.NaN : kwh)) })).toEqual([
      "consumption_anomaly",
    ]);
  });

  it("comes after the peak and the savings when all three fire", () => {
    expect(
      kinds({
        plan: { peakKwh: 6, savings: 1, baselineCost: 2 },
        assets: { peakLimitKw: 5 },
        previous: previous(8),
        history: history(8, 2),
      }),
    ).toEqual(["peak_over_limit", "plan_saves", "consumption_anomaly"]);
  });
});

describe("findings: the forecast falls back to a baseline", () => {
  const worse = { leadH: 24, samples: 168, model: 0.62, persistenceEnsemble: 0.48, lastValue: 0.9 };
  const previous = (forecastMethod: "model" | "persistence_ensemble") => ({
    inputTo: new Date(START - HOUR),
    forecastKwh: Array(24).fill(1),
    forecastMethod,
  });

  it("says so in plain words on the run that switches", () => {
    const [finding] = detectFindings(input({ previous: previous("model"), fallback: { method: "persistence_ensemble", accuracy: worse } }));
    expect(finding).toEqual({
      kind: "forecast_fallback",
      message:
        "Over the last 7 days the forecast a day ahead was off by 62 % of an average hour, more than simply taking the average of the same hour over the past week (48 %). Plans use that instead until the forecast does better again.",
      data: { modelCvrmse: 0.62, baselineCvrmse: 0.48, samples: 168 },
    });
  });

  it("stays quiet on the runs after the switch, and on recovery", () => {
    expect(kinds({ previous: previous("persistence_ensemble"), fallback: { method: "persistence_ensemble", accuracy: worse } })).toEqual(
      [],
    );
    expect(kinds({ previous: previous("persistence_ensemble") })).toEqual([]);
  });
});

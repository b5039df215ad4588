import { describe, expect, it } from "vitest";
import type { ModelRunFigures, ModelRunPlanHour } from "../../worker/runs/contract";
import { explainRun, hourRanges, localHourLabel } from "../../worker/runs/explain";

const HOUR = 3_600_000;

/** 24 idle hours from `start`; `hours` sets what the plan does in some of them, by index. */
function plan(start: string, hours: Record<number, Partial<ModelRunPlanHour>> = {}): ModelRunPlanHour[] {
  return Array.from({ length: 24 }, (_, i) => ({
    t: new Date(Date.parse(start) + i * HOUR).toISOString(),
    priceKwh: 0.2,
    loadKwh: 0.5,
    chargeKwh: 0,
    dischargeKwh: 0,
    socKwh: 0,
    deferrableKwh: {},
    gridKwh: 0.5,
    ...hours[i],
  }));
}

function figures(changes: Partial<ModelRunFigures> = {}): ModelRunFigures {
  return {
    expectedCost: 3.1,
    baselineCost: 4,
    savings: 0.9,
    peakKw: 2.5,
    baselinePeakKw: 3,
    forecastKwh: 20.44,
    currency: "GBP",
    defaultTariff: false,
    historyHoursWithData: 168,
    ...changes,
  };
}

describe("local hour labels", () => {
  it("are the hour on the meter's clock, summer time included", () => {
    expect(localHourLabel("2026-01-15T21:00:00Z", "Europe/Berlin")).toBe("22:00");
    expect(localHourLabel("2026-07-15T21:00:00Z", "Europe/Berlin")).toBe("23:00");
    expect(localHourLabel("2026-07-15T21:00:00Z", "UTC")).toBe("21:00");
  });

  it("merge consecutive plan hours into ranges that end where the last hour ends", () => {
    const hours = plan("2026-01-15T21:00:00Z");
    expect(hourRanges([hours[1], hours[2], hours[3], hours[5], hours[9]], hours, "Europe/Berlin")).toBe("23:00–02:00, 03:00, 07:00");
    // Clocks go forward at 01:00 UTC on 29 March in London: two hours in a row read 00:00 and 02:00.
    const spring = plan("2026-03-29T00:00:00Z");
    expect(hourRanges([spring[0], spring[1]], spring, "Europe/London")).toBe("00:00–03:00");
  });
});

describe("explainRun", () => {
  // 21:00 UTC is 22:00 in Berlin: index 2 is midnight there.
  const START = "2026-01-15T21:00:00Z";

  it("tells when the battery charges and discharges, and when each deferrable load runs, in local hours", () => {
    const hours = plan(START, {
      1: { chargeKwh: 1, priceKwh: 0.07 },
      2: { chargeKwh: 1, priceKwh: 0.05, deferrableKwh: { EV: 3 } },
      3: { chargeKwh: 1, priceKwh: 0.06, deferrableKwh: { EV: 3 } },
      4: { deferrableKwh: { EV: 0.005 } },
      10: { deferrableKwh: { dishwasher: 1.2 } },
      19: { dischargeKwh: 1, priceKwh: 0.4, loadKwh: 1.8 },
      20: { dischargeKwh: 1, priceKwh: 0.45, gridKwh: 2.5 },
    });
    expect(explainRun({ figures: figures(), plan: hours }, "Europe/Berlin")).toBe(
      "Forecast: 20.4 kWh over the next 24 hours, with the highest demand around 17:00 (1.8 kW). " +
        "With the plan's charging, the most drawn from the grid is 2.5 kW around 18:00. " +
        "The battery charges at 23:00–02:00 (from £0.050/kWh) and supplies the home at 17:00–19:00 (up to £0.450/kWh). " +
        "EV runs at 00:00–02:00. " +
        "dishwasher runs at 08:00. " +
        "Expected cost £3.10 instead of £4.00 without a plan.",
    );
  });

  it("says the battery charges at no hour when it only supplies, and that the plan saves little", () => {
    const hours = plan(START, { 20: { dischargeKwh: 0.5, priceKwh: 0.3, loadKwh: 2.5, gridKwh: 2 } });
    expect(explainRun({ figures: figures({ savings: 0.004, expectedCost: 3.996 }), plan: hours }, "UTC")).toBe(
      "Forecast: 20.4 kWh over the next 24 hours, with the highest demand around 17:00 (2.5 kW). " +
        "The battery charges at no hour and supplies the home at 17:00 (up to £0.300/kWh). " +
        "Expected cost £4.00; there is nothing to shift (no battery or flexible load set).",
    );
    const shifted = plan(START, { 3: { deferrableKwh: { EV: 2 } } });
    expect(explainRun({ figures: figures({ savings: 0 }), plan: shifted }, "UTC")).toContain(
      "EV runs at 00:00. Expected cost £3.10; the plan saves little today.",
    );
  });

  it("says so when no tariff is set and a flat default price was assumed", () => {
    const text = explainRun({ figures: figures({ savings: 0, defaultTariff: true }), plan: plan(START, { 0: { loadKwh: 2.5 } }) }, "UTC");
    expect(text).toBe(
      "Forecast: 20.4 kWh over the next 24 hours, with the highest demand around 21:00 (2.5 kW). " +
        "Expected cost £3.10; there is nothing to shift (no battery or flexible load set). " +
        "No tariff is set for this meter, so a flat £0.14228/kWh was assumed.",
    );
    expect(explainRun({ figures: figures({ savings: 0 }), plan: plan(START) }, "UTC")).not.toContain("No tariff");
  });
});

import { describe, expect, it } from "vitest";
import {
  type DeferrableLoad,
  discretise,
  hourlyPrices,
  londonDynamic2013,
  type PlanInput,
  planSchedule,
  priceAt,
  type Tariff,
} from "../../ml/runtime/planner.ts";
import { playPlan, savingsCaptured } from "../../ml/training/backtest-core.ts";
import { mulberry32 } from "../../ml/training/data.ts";

/**
 * Independent brute force: enumerates every sequence of battery moves (in SoC grid steps) and
 * deferrable units per hour on the planner's discretisation, and returns the least expected cost.
 */
function bruteForce(input: PlanInput): number {
  const d = discretise(input);
  const T = input.load.length;
  const scen = input.loadScenarios ?? [input.load];
  const b = d.battery;
  const nS = b ? d.socSteps + 1 : 1;
  const s0 = b ? Math.round((b.initialSocKwh ?? 0) / d.socStepKwh) : 0;
  const minFinal = b ? Math.ceil((b.minFinalSocKwh ?? 0) / d.socStepKwh - 1e-9) : 0;
  let best = Infinity;
  const rec = (t: number, s: number, rem: number[], cost: number) => {
    if (t === T) {
      if (s >= minFinal && rem.every((r) => r === 0)) best = Math.min(best, cost);
      return;
    }
    // all unit combinations for the deferrable loads this hour
    const combos: number[][] = [[]];
    d.defs.forEach((df, j) => {
      const next: number[][] = [];
      const allowed = t >= df.earliest && t < df.latest;
      for (const c of combos) for (let u = 0; u <= (allowed ? Math.min(df.maxUnitsPerHour, rem[j]) : 0); u++) next.push([...c, u]);
      combos.splice(0, combos.length, ...next);
    });
    for (const u of combos) {
      const D = u.reduce((a, x, j) => a + x * d.defs[j].unitKwh, 0);
      const kLo = b ? -Math.min(s, d.kDischargeMax) : 0;
      const kHi = b ? Math.min(nS - 1 - s, d.kChargeMax) : 0;
      for (let k = kLo; k <= kHi; k++) {
        const charge = k > 0 ? (k * d.socStepKwh) / d.ec : 0;
        const dis = k < 0 ? -k * d.socStepKwh * d.ed : 0;
        // no export: a discharge above every scenario's load cannot be delivered
        if (dis > Math.max(...scen.map((sc) => sc[t])) + D + 1e-9) continue;
        let g = 0;
        for (const sc of scen) g += Math.max(0, sc[t] + D + charge - dis);
        g /= scen.length;
        rec(
          t + 1,
          s + k,
          rem.map((r, j) => r - u[j]),
          cost + input.prices[t] * g,
        );
      }
    }
  };
  rec(
    0,
    s0,
    d.defs.map((df) => df.units),
    0,
  );
  return best;
}

function randomCase(seed: number, withDeferrable: boolean, withScenarios: boolean): PlanInput {
  const r = mulberry32(seed);
  const T = 4;
  const load = Array.from({ length: T }, () => Math.round(r() * 20) / 10);
  const deferrable: DeferrableLoad[] = withDeferrable
    ? [{ id: "ev", energyKwh: 1 + Math.round(r() * 2), powerKw: 1.5, earliest: Math.floor(r() * 2), latest: T, steps: 3 }]
    : [];
  return {
    load,
    loadScenarios: withScenarios ? [load, load.map((v) => v * 0.5), load.map((v) => v + Math.round(r() * 10) / 10)] : undefined,
    prices: Array.from({ length: T }, () => [0.04, 0.12, 0.67][Math.floor(r() * 3)]),
    battery: {
      capacityKwh: 2,
      powerKw: 1 + Math.round(r() * 2) / 2,
      roundTripEfficiency: 0.81 + r() * 0.19,
      initialSocKwh: Math.round(r() * 4) / 2,
      minFinalSocKwh: r() < 0.3 ? 0.5 : 0,
    },
    deferrable,
    socSteps: 4,
  };
}

describe("planSchedule is exactly optimal on its discretisation", () => {
  for (const [label, def, sc] of [
    ["battery only", false, false],
    ["battery + deferrable load", true, false],
    ["battery with load scenarios", false, true],
    ["battery + deferrable load + scenarios", true, true],
  ] as const) {
    it(`matches brute force on random small cases: ${label}`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const input = randomCase(seed * 7919 + (def ? 1 : 0) + (sc ? 2 : 0), def, sc);
        const plan = planSchedule(input);
        const bf = bruteForce(input);
        expect(Number.isFinite(bf)).toBe(true);
        expect(plan.cost).toBeCloseTo(bf, 9);
      }
    });
  }

  it("returns a feasible schedule whose hourly figures add up to the reported cost", () => {
    const input = randomCase(99, true, false);
    const plan = planSchedule(input);
    const b = input.battery!;
    let soc = b.initialSocKwh!;
    let cost = 0;
    let deferred = 0;
    plan.hours.forEach((h, t) => {
      expect(h.chargeKwh).toBeLessThanOrEqual(b.powerKw + 1e-9);
      expect(h.dischargeKwh).toBeLessThanOrEqual(b.powerKw + 1e-9);
      expect(h.chargeKwh === 0 || h.dischargeKwh === 0).toBe(true);
      soc += h.chargeKwh * Math.sqrt(b.roundTripEfficiency) - h.dischargeKwh / Math.sqrt(b.roundTripEfficiency);
      expect(soc).toBeGreaterThanOrEqual(-1e-9);
      expect(soc).toBeLessThanOrEqual(b.capacityKwh + 1e-9);
      expect(h.socKwh).toBeCloseTo(soc, 9);
      const D = h.deferrableKwh.ev;
      expect(D).toBeLessThanOrEqual(1.5 + 1e-9);
      if (t < input.deferrable![0].earliest) expect(D).toBe(0);
      deferred += D;
      const grid = input.load[t] + D + h.chargeKwh - h.dischargeKwh;
      expect(grid).toBeGreaterThanOrEqual(-1e-9); // never exports
      expect(h.gridKwh).toBeCloseTo(grid, 9);
      cost += grid * input.prices[t];
    });
    expect(deferred).toBeCloseTo(input.deferrable![0].energyKwh, 9);
    expect(plan.cost).toBeCloseTo(cost, 9);
    expect(plan.savings).toBeCloseTo(plan.baselineCost - plan.cost, 12);
    expect(plan.peakKwh).toBeCloseTo(Math.max(...plan.hours.map((h) => h.gridKwh)), 12);
  });
});

describe("planner behaviour", () => {
  it("shifts load from expensive to cheap hours and reports the savings", () => {
    const plan = planSchedule({
      load: [0, 0, 1, 1],
      prices: [0.04, 0.04, 0.67, 0.67],
      battery: { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 },
    });
    // It must deliver the whole 2 kWh in the expensive hours, charged in the cheap ones.
    expect(plan.hours[2].dischargeKwh).toBeGreaterThan(0.95);
    expect(plan.hours[3].dischargeKwh).toBeGreaterThan(0.95);
    expect(plan.hours[2].gridKwh + plan.hours[3].gridKwh).toBeLessThan(0.1);
    expect(plan.baselineCost).toBeCloseTo(1.34, 12);
    expect(plan.savings).toBeGreaterThan(1.1);
  });

  it("does nothing on a flat tariff (losses make cycling unprofitable)", () => {
    const plan = planSchedule({
      load: [1, 2, 3],
      prices: [0.15, 0.15, 0.15],
      battery: { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 },
    });
    expect(plan.hours.every((h) => h.chargeKwh === 0 && h.dischargeKwh === 0)).toBe(true);
    expect(plan.savings).toBeCloseTo(0, 12);
  });

  it("moves a deferrable load to the cheapest hours of its window", () => {
    const plan = planSchedule({
      load: [0.2, 0.2, 0.2, 0.2, 0.2],
      prices: [0.3, 0.1, 0.3, 0.05, 0.3],
      deferrable: [{ id: "wash", energyKwh: 2, powerKw: 1, earliest: 0, latest: 4 }],
    });
    expect(plan.hours.map((h) => h.deferrableKwh.wash)).toEqual([0, 1, 0, 1, 0]);
    // baseline runs it as soon as allowed: hours 0 and 1
    expect(plan.baselineCost).toBeCloseTo(0.2 * (0.3 + 0.1 + 0.3 + 0.05 + 0.3) + 0.3 + 0.1, 12);
    expect(plan.cost).toBeCloseTo(0.2 * (0.3 + 0.1 + 0.3 + 0.05 + 0.3) + 0.1 + 0.05, 12);
  });

  it("rejects a deferrable load that cannot fit in its window", () => {
    expect(() =>
      planSchedule({ load: [0, 0], prices: [1, 1], deferrable: [{ id: "x", energyKwh: 5, powerKw: 1, earliest: 0, latest: 2 }] }),
    ).toThrow(/cannot fit/);
  });
});

describe("tariffs", () => {
  it("ships the London 2013 dynamic tariff with the published band prices", () => {
    const t = londonDynamic2013();
    expect(t.prices).toHaveLength(17520);
    expect(new Set(t.prices)).toEqual(new Set([0.672, 0.1176, 0.0399]));
    expect(t.prices.filter((p) => p === 0.672)).toHaveLength(788);
    expect(t.prices.filter((p) => p === 0.0399)).toHaveLength(1660);
    // First slots of 2013 are Normal; the preset replays 2013 for other years.
    expect(priceAt({ kind: "preset", name: "london-dynamic-2013" }, Date.UTC(2013, 0, 1))).toBe(0.1176);
    const jul = Date.UTC(2013, 6, 1, 18);
    expect(priceAt(t, Date.UTC(2025, 6, 1, 18))).toBe(priceAt(t, jul));
  });

  it("computes hourly means for flat, time-of-use (with wrap over midnight and weekdays) and slots", () => {
    const start = Date.UTC(2024, 0, 1); // a Monday
    expect(hourlyPrices({ kind: "flat", price: 0.2 }, start, 3)).toEqual([0.2, 0.2, 0.2]);
    const tou: Tariff = {
      kind: "tou",
      defaultPrice: 0.3,
      periods: [
        { from: "23:30", to: "01:00", price: 0.1 },
        { from: "17:00", to: "19:00", price: 0.6, days: [0, 1, 2, 3, 4] },
      ],
    };
    const p = hourlyPrices(tou, start, 24);
    expect(p[0]).toBeCloseTo(0.1, 12);
    expect(p[1]).toBeCloseTo(0.3, 12);
    expect(p[17]).toBeCloseTo(0.6, 12);
    expect(p[23]).toBeCloseTo(0.2, 12); // half 0.3, half 0.1
    const sat = hourlyPrices(tou, start + 5 * 24 * 3_600_000, 24);
    expect(sat[17]).toBeCloseTo(0.3, 12);
    const slots: Tariff = { kind: "slots", start, slotMinutes: 30, prices: [0.1, 0.3, 0.5, 0.7] };
    expect(hourlyPrices(slots, start, 2).map((x) => +x.toFixed(12))).toEqual([0.2, 0.6]);
    expect(() => hourlyPrices(slots, start, 3)).toThrow(/no price/);
  });
});

describe("playing a plan against the real load", () => {
  it("never discharges more than the real load, and savings_captured is the contract's ratio", () => {
    const battery = { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 };
    const prices = [0.04, 0.67, 0.67];
    const plan = planSchedule({ load: [0, 2, 2], prices, battery });
    const played = playPlan(plan, [0, 0.5, 2], prices, battery, 0);
    expect(played.gridKwh[1]).toBeCloseTo(0, 12); // discharge clipped to 0.5 kWh real load
    expect(played.gridKwh.every((g) => g >= -1e-12)).toBe(true);
    expect(played.soc).toBeGreaterThan(0); // the undelivered energy stays in the battery
    expect(savingsCaptured(10, 8, 6)).toBeCloseTo(0.5, 12);
    expect(savingsCaptured(10, 10, 10)).toBe(1);
  });
});

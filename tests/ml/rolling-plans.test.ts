import { describe, expect, it } from "vitest";
import type { Battery } from "../../ml/runtime/planner.ts";
import { mulberry32 } from "../../ml/training/data.ts";
import { handRuleMoves, optimumCost, type PlayedHours, playHandRule, playRolling } from "../../ml/training/rolling-plans.ts";

const HOUR_MS = 3_600_000;

function played(load: number[], prices: number[]): PlayedHours {
  return { starts: load.map((_, i) => i * HOUR_MS), load, prices };
}

/**
 * Brute force on a state-of-charge grid of `step` kWh: every sequence of whole-step moves per hour
 * (charge up to the power on the grid side, discharge up to the power and the hour's load, both
 * after efficiency), the least cost.
 */
function bruteForce(h: PlayedHours, b: Battery, step: number): number {
  const ec = Math.sqrt(b.roundTripEfficiency);
  const steps = Math.round(b.capacityKwh / step);
  const kUp = Math.floor((b.powerKw * ec) / step + 1e-9);
  let best = Infinity;
  const rec = (t: number, s: number, cost: number) => {
    if (t === h.load.length) {
      best = Math.min(best, cost);
      return;
    }
    const kDown = Math.floor(Math.min(b.powerKw, h.load[t]) / (ec * step) + 1e-9);
    for (let k = -Math.min(kDown, s); k <= Math.min(kUp, steps - s); k++) {
      const grid = h.load[t] + (k > 0 ? (k * step) / ec : k * step * ec);
      rec(t + 1, s + k, cost + h.prices[t] * grid);
    }
  };
  rec(0, Math.round((b.initialSocKwh ?? 0) / step), 0);
  return best;
}

function randomCase(seed: number, hours: number, integer: boolean): PlayedHours {
  const r = mulberry32(seed);
  const load = Array.from({ length: hours }, () => (integer ? Math.floor(r() * 4) : r() * 2.5));
  const prices = Array.from({ length: hours }, () => [0.04, 0.12, 0.67][Math.floor(r() * 3)] + (integer ? 0 : r() * 0.01));
  return played(load, prices);
}

describe("optimumCost (exact whole-period optimum)", () => {
  it("equals brute force when whole kWh moves are exact (integer loads, no losses)", () => {
    const b: Battery = { capacityKwh: 3, powerKw: 2, roundTripEfficiency: 1 };
    for (let seed = 1; seed <= 12; seed++) {
      const h = randomCase(seed, 6, true);
      expect(optimumCost(h, b)).toBeCloseTo(bruteForce(h, b, 1), 9);
      expect(optimumCost(h, { ...b, initialSocKwh: 2 })).toBeCloseTo(bruteForce(h, { ...b, initialSocKwh: 2 }, 1), 9);
    }
  });

  it("with losses and any loads: never above brute force on a grid, within one grid step per hour of it", () => {
    const b: Battery = { capacityKwh: 2, powerKw: 1, roundTripEfficiency: 0.81 };
    for (let seed = 1; seed <= 6; seed++) {
      const h = randomCase(seed, 5, false);
      const step = 0.25;
      const grid = bruteForce(h, b, step);
      const exact = optimumCost(h, b);
      expect(exact).toBeLessThanOrEqual(grid + 1e-9);
      expect(grid - exact).toBeLessThanOrEqual(h.load.length * step * Math.max(...h.prices));
      // a finer grid comes closer from above
      const fine = bruteForce(h, b, step / 2);
      expect(exact).toBeLessThanOrEqual(fine + 1e-9);
      expect(fine).toBeLessThanOrEqual(grid + 1e-9);
    }
  });

  it("is the cost without a battery when the prices are flat", () => {
    const h = played([1, 2, 0.5, 3], [0.14, 0.14, 0.14, 0.14]);
    expect(optimumCost(h, { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 })).toBeCloseTo(0.14 * 6.5, 12);
  });
});

describe("playRolling (model predictive control)", () => {
  it("with the real load as forecast over the remaining hours, equals brute force and the optimum", () => {
    const b: Battery = { capacityKwh: 3, powerKw: 2, roundTripEfficiency: 1 };
    for (let seed = 1; seed <= 12; seed++) {
      const h = randomCase(seed, 6, true);
      const rolling = playRolling(h, (i) => ({ load: h.load.slice(i), prices: h.prices.slice(i) }), b, {
        discharge: "planned",
        socSteps: 3,
      });
      expect(rolling.cost).toBeCloseTo(bruteForce(h, b, 1), 9);
      expect(rolling.cost).toBeCloseTo(optimumCost(h, b), 9);
    }
  });

  for (const discharge of ["planned", "cover-load"] as const) {
    it(`with a wrong forecast (${discharge}): never exports, never beats the optimum, keeps the state of charge in range`, () => {
      const b: Battery = { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 };
      for (let seed = 1; seed <= 8; seed++) {
        const h = randomCase(seed, 30, false);
        const r = mulberry32(seed + 100);
        // Forecasts far above the real load tempt the planner to discharge more than the load.
        const rolling = playRolling(
          h,
          (i) => {
            const horizon = Math.min(24, h.load.length - i);
            return {
              load: Array.from({ length: horizon }, () => 3 * r()),
              loadScenarios: [0, 1, 2].map(() => Array.from({ length: horizon }, () => 3 * r())),
              prices: h.prices.slice(i, i + horizon),
            };
          },
          b,
          { discharge, socSteps: 20 },
        );
        for (const g of rolling.gridKwh) expect(g).toBeGreaterThanOrEqual(-1e-12);
        expect(rolling.soc).toBeGreaterThanOrEqual(0);
        expect(rolling.soc).toBeLessThanOrEqual(b.capacityKwh + 1e-9);
        expect(rolling.cost).toBeGreaterThanOrEqual(optimumCost(h, b) - 1e-9);
      }
    });
  }

  it("cover-load: in an hour the plan discharges, the battery covers the real load up to its power", () => {
    // The planner's grid (1/3 kWh) cannot express 0.5 kWh; the battery in discharge mode covers all of it.
    const b: Battery = { capacityKwh: 1, powerKw: 1, roundTripEfficiency: 1, initialSocKwh: 1 };
    const h = played([0.5], [0.6]);
    const outlook = () => ({ load: [0.5], prices: [0.6] });
    expect(playRolling(h, outlook, b, { discharge: "planned", socSteps: 3 }).gridKwh[0]).toBeCloseTo(0.5 - 1 / 3, 12);
    expect(playRolling(h, outlook, b, { discharge: "cover-load", socSteps: 3 }).gridKwh[0]).toBe(0);
  });
});

describe("hand rule", () => {
  // 0.10 all day, cheapest 0.04 at 02:00-04:00 and 0.05 at 04:00, top band 0.60 at 18:00-20:00; 1 kWh an hour except 3 kWh at 18:00 and 0.5 at 19:00.
  const prices = Array.from({ length: 24 }, (_, h) => (h === 2 || h === 3 ? 0.04 : h === 4 ? 0.05 : h === 18 || h === 19 ? 0.6 : 0.1));
  const load = Array.from({ length: 24 }, (_, h) => (h === 18 ? 3 : h === 19 ? 0.5 : 1));
  const battery: Battery = { capacityKwh: 4, powerKw: 2, roundTripEfficiency: 1 };

  it("charges in the cheapest hours filling takes and discharges in the top band, as computed by hand", () => {
    const moves = handRuleMoves(prices, battery);
    expect(moves.flatMap((m, h) => (m.chargeKwh > 0 ? [h] : []))).toEqual([2, 3]);
    expect(moves.flatMap((m, h) => (m.dischargeKwh > 0 ? [h] : []))).toEqual([18, 19]);
    const played24 = playHandRule(played(load, prices), battery);
    // No battery: 19 h x 1 kWh x 0.10 + 2 x 0.04 + 0.05 + 3 x 0.60 + 0.5 x 0.60 = 4.13.
    // Charge 2 + 2 kWh at 0.04 (+0.16); discharge 2 kWh at 18:00 (power) and 0.5 at 19:00 (the load) at 0.60 (-1.50).
    expect(played24.cost).toBeCloseTo(4.13 + 0.16 - 1.5, 12);
    expect(played24.gridKwh[18]).toBeCloseTo(1, 12);
    expect(played24.gridKwh[19]).toBeCloseTo(0, 12);
    // It leaves 1.5 kWh unused that the optimum spends at 0.10 after 20:00.
    expect(optimumCost(played(load, prices), battery)).toBeCloseTo(4.13 + 0.16 - 1.5 - 0.15, 12);
  });

  it("stays idle when the day's spread does not pay the round-trip loss, and never exports", () => {
    const flat = handRuleMoves(new Array(24).fill(0.14), { ...battery, roundTripEfficiency: 0.9 });
    expect(flat.every((m) => m.chargeKwh === 0 && m.dischargeKwh === 0)).toBe(true);
    const narrow = handRuleMoves(
      Array.from({ length: 24 }, (_, h) => (h < 12 ? 0.1 : 0.105)),
      { ...battery, roundTripEfficiency: 0.9 },
    );
    expect(narrow.every((m) => m.chargeKwh === 0 && m.dischargeKwh === 0)).toBe(true);
    const tiny = playHandRule(played(new Array(48).fill(0.2), [...prices, ...prices]), battery);
    for (const g of tiny.gridKwh) expect(g).toBeGreaterThanOrEqual(0);
  });
});

// Pure TS: the planner half of the backtest (optimization.* of `npm run ml:backtest`).
// Over the played hours it compares, on the same real load and prices:
//  - rolling plans (model predictive control, as the product runs): every hour, forecast the next
//    24 h from the data known then, plan the battery from the current state of charge, apply only
//    the first hour against the real load, repeat;
//  - the perfect-foresight optimum: one exact plan over all played hours with the real load;
//  - the hand rule: charge in each day's cheapest hours, discharge in its priciest.
// The battery never discharges more than the real load of the hour (no export) in any of them.
import { HORIZON_HOURS } from "../runtime/features.ts";
import { type ForecastResult, loadScenarios } from "../runtime/forecast.ts";
import { type Battery, type PlanHour, planSchedule } from "../runtime/planner.ts";
import { type Forecaster, savingsCaptured } from "./backtest-core.ts";
import { HOUR_MS, type HourlySeries, sliceHours } from "./csv-series.ts";

/** Hours played by the backtest: their starts (epoch ms, whole hours, ascending), real load and price. */
export interface PlayedHours {
  starts: number[];
  load: number[];
  prices: number[];
}

/** Battery moves of one hour, as the playback reads them. */
export type HourMoves = Pick<PlanHour, "chargeKwh" | "dischargeKwh">;

/**
 * One hour of the battery against the real load: charge (grid side) limited by the room left,
 * discharge limited by the stored energy and by the load (no export). Returns the grid import and
 * the new state of charge.
 */
export function playHour(moves: HourMoves, load: number, battery: Battery, soc: number): { gridKwh: number; soc: number } {
  const ec = Math.sqrt(battery.roundTripEfficiency);
  const ed = ec;
  let charge = 0;
  let discharge = 0;
  let next = soc;
  if (moves.chargeKwh > 0) {
    const stored = Math.min(moves.chargeKwh * ec, battery.capacityKwh - next);
    charge = stored / ec;
    next += stored;
  }
  if (moves.dischargeKwh > 0) {
    discharge = Math.min(moves.dischargeKwh, load, next * ed);
    next -= discharge / ed;
  }
  return { gridKwh: load + charge - discharge, soc: Math.max(0, next) };
}

/** What the rolling planner knows at a played hour: the forecast from that hour and its price horizon. */
export interface HourOutlook {
  load: number[];
  loadScenarios?: number[][];
  prices: number[];
}

/**
 * How the battery carries out a planned discharge: exactly the planned kWh (capped by the load), or,
 * as a home battery in discharge mode does, covering the home's real load as it comes, up to its
 * power. The plan's kWh sit on its state-of-charge grid (1/100 of the capacity), so following them
 * exactly leaves part of the load on the grid in the priciest hours.
 */
export type DischargeControl = "planned" | "cover-load";

/**
 * Rolling (receding-horizon) plans: at each played hour i, plan over `outlook(i)` from the current
 * state of charge, apply the first hour against the real load. Returns the real cost and grid import.
 */
export function playRolling(
  hours: PlayedHours,
  outlook: (i: number) => HourOutlook,
  battery: Battery,
  opts: { discharge: DischargeControl; socSteps?: number },
): { cost: number; gridKwh: number[]; soc: number } {
  let soc = battery.initialSocKwh ?? 0;
  let cost = 0;
  const gridKwh: number[] = [];
  for (let i = 0; i < hours.load.length; i++) {
    const plan = planSchedule({ ...outlook(i), socSteps: opts.socSteps, battery: { ...battery, initialSocKwh: soc } });
    const first = plan.hours[0];
    const moves = opts.discharge === "cover-load" && first.dischargeKwh > 0 ? { chargeKwh: 0, dischargeKwh: battery.powerKw } : first;
    const played = playHour(moves, hours.load[i], battery, soc);
    soc = played.soc;
    gridKwh.push(played.gridKwh);
    cost += hours.prices[i] * played.gridKwh;
  }
  return { cost, gridKwh, soc };
}

/** A convex piecewise-linear function on [left, left + sum of lengths]: its value at `left` and its segments by rising slope. */
interface ConvexPwl {
  left: number;
  value: number;
  segments: { length: number; slope: number }[];
}

/**
 * The least cost of the battery over all played hours with the real load known in advance, exact
 * in continuous energy (no state-of-charge grid): the DP's cost-to-go is convex and piecewise
 * linear in the state of charge, and each hour's step is an infimal convolution of convex
 * piecewise-linear functions, i.e. a merge of their segments by slope. Discharge is at most the
 * hour's load (no export). A lower bound on the cost of any way of running the battery, rolling
 * plans and the hand rule included. Needs non-negative prices (costs stay convex).
 */
export function optimumCost(hours: PlayedHours, battery: Battery): number {
  const ec = Math.sqrt(battery.roundTripEfficiency);
  const ed = ec;
  const C = battery.capacityKwh;
  // Cost-to-go after the last hour: nothing, whatever is stored.
  let v: ConvexPwl = { left: 0, value: 0, segments: [{ length: C, slope: 0 }] };
  let fixed = 0;
  for (let t = hours.load.length - 1; t >= 0; t--) {
    const p = hours.prices[t];
    if (!(p >= 0)) throw new Error(`optimumCost needs non-negative prices (hour ${t})`);
    fixed += p * hours.load[t];
    // Cost of the hour's move as a function of w = stored energy taken out (w < 0: charged):
    // charging |w| stored costs p/ec per kWh, taking w out delivers w*ed to the load and saves p*ed.
    const charge = battery.powerKw * ec;
    const discharge = Math.min(battery.powerKw, hours.load[t]) / ed;
    const move: ConvexPwl = {
      left: -charge,
      value: (p / ec) * charge,
      segments: [
        { length: charge, slope: -p / ec },
        { length: discharge, slope: -p * ed },
      ],
    };
    v = restrict(infimalConvolution(v, move), 0, C);
  }
  const s0 = Math.min(C, Math.max(0, battery.initialSocKwh ?? 0));
  return fixed + evaluate(v, s0);
}

/** (f □ g)(s) = min over y of f(y) + g(s - y): values add at the left ends, segments merge by slope. */
function infimalConvolution(f: ConvexPwl, g: ConvexPwl): ConvexPwl {
  const segments = [...f.segments, ...g.segments].filter((x) => x.length > 0).sort((a, b) => a.slope - b.slope);
  const merged: ConvexPwl["segments"] = [];
  for (const x of segments) {
    const last = merged[merged.length - 1];
    if (last && Math.abs(last.slope - x.slope) <= 1e-12) last.length += x.length;
    else merged.push({ ...x });
  }
  return { left: f.left + g.left, value: f.value + g.value, segments: merged };
}

/** The function restricted to [from, to] (which must lie inside its domain). */
function restrict(f: ConvexPwl, from: number, to: number): ConvexPwl {
  const segments: ConvexPwl["segments"] = [];
  let x = f.left;
  let value = f.value;
  let startValue = Number.NaN;
  for (const seg of f.segments) {
    const a = Math.max(x, from);
    const b = Math.min(x + seg.length, to);
    if (b > a) {
      if (Number.isNaN(startValue)) startValue = value + seg.slope * (a - x);
      segments.push({ length: b - a, slope: seg.slope });
    }
    value += seg.slope * seg.length;
    x += seg.length;
  }
  if (Number.isNaN(startValue)) startValue = evaluate(f, from);
  return { left: from, value: startValue, segments };
}

function evaluate(f: ConvexPwl, at: number): number {
  let x = f.left;
  let value = f.value;
  for (const seg of f.segments) {
    const d = Math.min(seg.length, Math.max(0, at - x));
    value += seg.slope * d;
    x += seg.length;
  }
  return value;
}

/**
 * The hand rule a person sets from the day's prices alone: charge at full power in the day's
 * cheapest hours (as many as filling an empty battery takes), discharge at full power (never above
 * the load) in the hours at the day's highest price, the top price band; idle on days whose price
 * spread does not pay the round-trip loss. Days are consecutive runs of 24 played hours.
 */
export function handRuleMoves(dayPrices: number[], battery: Battery): HourMoves[] {
  const ec = Math.sqrt(battery.roundTripEfficiency);
  const idle = dayPrices.map(() => ({ chargeKwh: 0, dischargeKwh: 0 }));
  const max = Math.max(...dayPrices);
  const byPrice = dayPrices.map((p, h) => ({ p, h })).sort((a, b) => a.p - b.p || a.h - b.h);
  const hoursToFill = Math.ceil(battery.capacityKwh / (battery.powerKw * ec) - 1e-9);
  const topBand = (p: number) => p >= max * 0.999;
  const charge = byPrice.filter((x) => !topBand(x.p)).slice(0, hoursToFill);
  if (charge.length === 0 || charge[charge.length - 1].p >= max * battery.roundTripEfficiency) return idle;
  for (const { h } of charge) idle[h].chargeKwh = battery.powerKw;
  dayPrices.forEach((p, h) => {
    if (topBand(p)) idle[h].dischargeKwh = battery.powerKw;
  });
  return idle;
}

/** Plays the hand rule over the played hours (24 per day, from midnight). */
export function playHandRule(hours: PlayedHours, battery: Battery): { cost: number; gridKwh: number[] } {
  let soc = battery.initialSocKwh ?? 0;
  let cost = 0;
  const gridKwh: number[] = [];
  for (let d = 0; d < hours.load.length; d += 24) {
    const moves = handRuleMoves(hours.prices.slice(d, d + 24), battery);
    moves.forEach((m, h) => {
      const played = playHour(m, hours.load[d + h], battery, soc);
      soc = played.soc;
      gridKwh.push(played.gridKwh);
      cost += hours.prices[d + h] * played.gridKwh;
    });
  }
  return { cost, gridKwh };
}

/**
 * Forecasts from every played hour (168 h of history before it, from the series), batched, and
 * plays rolling plans on them: expected cost over load scenarios (the product's planner) or the
 * point forecast only. With `horizonHours` 48 the plan also looks at the next day, whose load it
 * takes to repeat the 24 h forecast (same hours of day) at that day's known prices.
 */
export async function playRollingForecasts(o: {
  series: HourlySeries;
  hours: PlayedHours;
  price: (t: number) => number;
  battery: Battery;
  forecaster: Forecaster;
  scenarios: boolean;
  horizonHours?: 24 | 48;
  discharge?: DischargeControl;
}): Promise<{ cost: number; gridKwh: number[] }> {
  const requests = o.hours.starts.map((start) => ({ start, history: sliceHours(o.series, start - 168 * HOUR_MS, 168) }));
  const forecasts: ForecastResult[] = [];
  for (let i = 0; i < requests.length; i += 512) forecasts.push(...(await o.forecaster(requests.slice(i, i + 512))));
  const horizon = o.horizonHours ?? HORIZON_HOURS;
  const extend = (day: number[]) => (horizon === HORIZON_HOURS ? day : [...day, ...day]);
  return playRolling(
    o.hours,
    (i) => {
      const f = forecasts[i].kwh;
      return {
        load: extend(f),
        loadScenarios: o.scenarios ? loadScenarios(f, requests[i].history).map(extend) : undefined,
        prices: Array.from({ length: horizon }, (_, h) => o.price(requests[i].start + h * HOUR_MS)),
      };
    },
    o.battery,
    { discharge: o.discharge ?? "cover-load" },
  );
}

/** The optimization keys of the backtest beyond the day-ahead oracle (DESIGN.md, ml:backtest). */
export interface RollingOptimization {
  mode: "rolling";
  cost_plan: number;
  cost_optimum: number;
  savings_vs_optimum: number;
  cost_rule: number;
  rule_savings_vs_optimum: number;
}

/** Rolling plans, the whole-period optimum and the hand rule on the same played hours. */
export async function rollingOptimization(o: {
  series: HourlySeries;
  hours: PlayedHours;
  price: (t: number) => number;
  battery: Battery;
  forecaster: Forecaster;
  scenarios: boolean;
}): Promise<RollingOptimization> {
  const noBattery = o.hours.load.reduce((a, v, i) => a + v * o.hours.prices[i], 0);
  const rolling = await playRollingForecasts(o);
  const optimum = optimumCost(o.hours, o.battery);
  const rule = playHandRule(o.hours, o.battery);
  return {
    mode: "rolling",
    cost_plan: rolling.cost,
    cost_optimum: optimum,
    savings_vs_optimum: savingsCaptured(noBattery, rolling.cost, optimum),
    cost_rule: rule.cost,
    rule_savings_vs_optimum: savingsCaptured(noBattery, rule.cost, optimum),
  };
}

// Pure TypeScript (no Node imports): THE planner, used by the Worker, the backtest and the eval.
//
// Given an hourly load forecast, hourly prices and the meter's flexible assets (a battery and
// deferrable loads), it returns the cost-minimising schedule by dynamic programming over a
// discretised state (battery state of charge on a grid of `socSteps` steps, and the remaining
// energy of each deferrable load in whole units). The result is exactly optimal for that
// discretisation: every feasible action sequence on the grid is considered (see the brute-force
// test in tests/ml/planner.test.ts).
//
// Model, per hour t (1 h steps, so kW and kWh per hour coincide):
//   grid_t = load_t + sum_j defer_jt + charge_t - discharge_t   >= 0  (no export)
//   With `loadScenarios` (equally likely loads per hour, e.g. from ml/runtime/forecast.ts loadScenarios)
//   the discharge is an upper bound: the battery delivers min(discharge, load + deferrable) in
//   each scenario and the objective is the expected cost over the scenarios. Without scenarios
//   the single scenario is `load` and this reduces to the deterministic problem.
//   stored energy: soc_{t+1} = soc_t + charge_t * sqrt(rte) - discharge_t / sqrt(rte)
//   charge_t <= powerKw (grid side), discharge_t <= powerKw (delivered side), 0 <= soc <= capacity
//   deferrable load j runs only in [earliest, latest), at most powerKw, and must deliver energyKwh
//   cost = sum_t price_t * grid_t
import { LONDON_DYNAMIC_2013 } from "./tariffs/london-dynamic-2013.ts";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

// ---- tariffs ---------------------------------------------------------------------------------

/** A period of a time-of-use schedule, local time "HH:MM" (to < from wraps over midnight). */
export interface TouPeriod {
  from: string;
  to: string;
  price: number;
  /** Local weekdays it applies to, Monday = 0 (default: every day). */
  days?: number[];
}

export type Tariff =
  | { kind: "flat"; price: number; currency?: string }
  | { kind: "tou"; defaultPrice: number; periods: TouPeriod[]; timeZone?: string; currency?: string }
  | {
      kind: "slots";
      /** Start of the first slot (epoch ms or ISO-8601). */
      start: number | string;
      slotMinutes: number;
      prices: number[];
      /** Outside the covered span, replay the same calendar moment of the covered year. */
      repeatYearly?: boolean;
      currency?: string;
    }
  | { kind: "preset"; name: "london-dynamic-2013" };

export const TARIFF_PRESETS = ["london-dynamic-2013"] as const;

let londonSlots: Tariff | null = null;
/** The Low Carbon London 2013 dynamic ToU tariff (GBP/kWh per half hour, UTC). */
export function londonDynamic2013(): Extract<Tariff, { kind: "slots" }> {
  if (!londonSlots) {
    const p = LONDON_DYNAMIC_2013.bandPrices;
    londonSlots = {
      kind: "slots",
      start: LONDON_DYNAMIC_2013.start,
      slotMinutes: LONDON_DYNAMIC_2013.slotMinutes,
      prices: Array.from(LONDON_DYNAMIC_2013.slots, (c) => p[c as "H" | "N" | "L"]),
      repeatYearly: true,
      currency: "GBP",
    };
  }
  return londonSlots as Extract<Tariff, { kind: "slots" }>;
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) throw new Error(`bad time "${hhmm}", expected HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const tzFormatters = new Map<string, Intl.DateTimeFormat>();
function localMinuteAndDay(t: number, timeZone: string): { minute: number; dow: number } {
  if (timeZone === "UTC") {
    const d = new Date(t);
    return { minute: d.getUTCHours() * 60 + d.getUTCMinutes(), dow: (d.getUTCDay() + 6) % 7 };
  }
  let f = tzFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "numeric", hourCycle: "h23", weekday: "short" });
    tzFormatters.set(timeZone, f);
  }
  let h = 0;
  let mi = 0;
  let dow = 0;
  for (const p of f.formatToParts(new Date(t))) {
    if (p.type === "hour") h = Number(p.value) % 24;
    else if (p.type === "minute") mi = Number(p.value);
    else if (p.type === "weekday") dow = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.value);
  }
  return { minute: h * 60 + mi, dow };
}

/** Price per kWh in force at instant t. */
export function priceAt(tariff: Tariff, t: number): number {
  switch (tariff.kind) {
    case "flat":
      return tariff.price;
    case "preset":
      return priceAt(londonDynamic2013(), t);
    case "tou": {
      const { minute, dow } = localMinuteAndDay(t, tariff.timeZone ?? "UTC");
      for (const p of tariff.periods) {
        if (p.days && !p.days.includes(dow)) continue;
        const a = minutesOf(p.from);
        const b = minutesOf(p.to);
        const inside = a <= b ? minute >= a && minute < b : minute >= a || minute < b;
        if (inside) return p.price;
      }
      return tariff.defaultPrice;
    }
    case "slots": {
      const start = typeof tariff.start === "number" ? tariff.start : Date.parse(tariff.start);
      const slot = tariff.slotMinutes * MINUTE_MS;
      const end = start + tariff.prices.length * slot;
      let tt = t;
      if ((tt < start || tt >= end) && tariff.repeatYearly) {
        const d = new Date(t);
        const y = new Date(start).getUTCFullYear();
        const day = d.getUTCMonth() === 1 && d.getUTCDate() === 29 ? 28 : d.getUTCDate();
        tt = Date.UTC(y, d.getUTCMonth(), day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
      }
      const i = Math.floor((tt - start) / slot);
      if (i < 0 || i >= tariff.prices.length) throw new Error(`tariff has no price for ${new Date(t).toISOString()}`);
      return tariff.prices[i];
    }
  }
}

/** Mean price of each hour [start + h, start + h + 1) (minute resolution, exact for minute-aligned slots). */
export function hourlyPrices(tariff: Tariff, start: number, hours: number): number[] {
  if (tariff.kind === "flat") return new Array(hours).fill(tariff.price);
  return Array.from({ length: hours }, (_, h) => {
    let s = 0;
    for (let m = 0; m < 60; m++) s += priceAt(tariff, start + h * HOUR_MS + m * MINUTE_MS + MINUTE_MS / 2);
    return s / 60;
  });
}

// ---- assets ----------------------------------------------------------------------------------

export interface Battery {
  capacityKwh: number;
  powerKw: number;
  /** Round-trip efficiency in (0, 1]; split evenly between charging and discharging. */
  roundTripEfficiency: number;
  /** State of charge at the start (kWh, default 0); snapped to the grid. */
  initialSocKwh?: number;
  /** Minimum state of charge at the end of the horizon (kWh, default 0). */
  minFinalSocKwh?: number;
}

export interface DeferrableLoad {
  id: string;
  energyKwh: number;
  powerKw: number;
  /** First hour index (from the plan start) in which it may run. */
  earliest: number;
  /** Hour index by which it must be finished (exclusive). */
  latest: number;
  /** Number of energy units (default: about 4 per hour of running at full power, at most 48). */
  steps?: number;
}

export interface PlanInput {
  /** Epoch ms of the first hour (only used to label the schedule). */
  start?: number;
  /** Base (inflexible) load per hour, kWh (the expected load; reported in the schedule). */
  load: number[];
  /**
   * Optional equally likely base-load scenarios (each of length T). The plan then minimises the
   * expected cost, the battery delivering min(planned discharge, scenario load) in each.
   */
  loadScenarios?: number[][];
  /** Price per kWh per hour, same length as load. */
  prices: number[];
  battery?: Battery | null;
  deferrable?: DeferrableLoad[];
  /** State-of-charge grid steps (default 100). Reduced automatically for very large problems. */
  socSteps?: number;
}

export interface PlanHour {
  t?: number;
  price: number;
  loadKwh: number;
  /** Energy drawn from the grid into the battery. */
  chargeKwh: number;
  /** Energy delivered by the battery to the home (with scenarios: at most this, never above the real load). */
  dischargeKwh: number;
  /** Stored energy at the end of the hour. */
  socKwh: number;
  deferrableKwh: Record<string, number>;
  /** Expected grid import. */
  gridKwh: number;
  /** Expected cost. */
  cost: number;
}

export interface Plan {
  hours: PlanHour[];
  /** Expected cost (over the scenarios when given). */
  cost: number;
  /** Cost without the battery and with deferrable loads run as soon as allowed at full power. */
  baselineCost: number;
  savings: number;
  /** Highest hourly grid import (kWh in one hour = average kW). */
  peakKwh: number;
  baselinePeakKwh: number;
  finalSocKwh: number;
  discretisation: {
    socSteps: number;
    socStepKwh: number;
    chargeEfficiency: number;
    dischargeEfficiency: number;
    deferrable: { id: string; units: number; unitKwh: number; maxUnitsPerHour: number }[];
  };
}

const EPS = 1e-9;
const MAX_WORK = 6e7;

/** The discretisation the DP uses (exported so tests can brute-force the same action set). */
export function discretise(input: PlanInput) {
  const b = input.battery && input.battery.capacityKwh > 0 && input.battery.powerKw > 0 ? input.battery : null;
  const defs = (input.deferrable ?? []).map((d) => {
    if (!(d.energyKwh >= 0) || !(d.powerKw > 0)) throw new Error(`deferrable ${d.id}: energy and power must be positive`);
    const units = Math.max(1, Math.min(48, d.steps ?? Math.ceil((4 * d.energyKwh) / Math.min(d.powerKw, d.energyKwh || d.powerKw))));
    const unitKwh = d.energyKwh / units;
    const maxUnitsPerHour = unitKwh > 0 ? Math.min(units, Math.floor(d.powerKw / unitKwh + EPS)) : units;
    const earliest = Math.max(0, Math.floor(d.earliest));
    const latest = Math.min(input.load.length, Math.ceil(d.latest));
    if (d.energyKwh > 0 && maxUnitsPerHour * Math.max(0, latest - earliest) < units) {
      throw new Error(`deferrable ${d.id}: ${d.energyKwh} kWh cannot fit in its window at ${d.powerKw} kW`);
    }
    return { id: d.id, units: d.energyKwh > 0 ? units : 0, unitKwh, maxUnitsPerHour, earliest, latest };
  });
  let socSteps = b ? Math.max(1, Math.round(input.socSteps ?? 100)) : 0;
  const ec = b ? Math.sqrt(b.roundTripEfficiency) : 1;
  const ed = ec;
  const R = defs.reduce((a, d) => a * (d.units + 1), 1);
  const U = defs.reduce((a, d) => a * (d.maxUnitsPerHour + 1), 1);
  const work = (s: number) => {
    if (!b) return R * U * input.load.length;
    const step = b.capacityKwh / s;
    const ka = Math.floor((b.powerKw * ec) / step + EPS) + Math.floor(b.powerKw / (ed * step) + EPS) + 1;
    return (s + 1) * Math.min(ka, 2 * s + 1) * R * U * input.load.length;
  };
  while (b && socSteps > 10 && work(socSteps) > MAX_WORK) socSteps = Math.max(10, Math.floor(socSteps / 2));
  if (work(socSteps) > 4 * MAX_WORK) throw new Error("plan too large: use fewer deferrable steps");
  const socStepKwh = b ? b.capacityKwh / socSteps : 0;
  return {
    battery: b,
    socSteps,
    socStepKwh,
    ec,
    ed,
    kChargeMax: b ? Math.min(socSteps, Math.floor((b.powerKw * ec) / socStepKwh + EPS)) : 0,
    kDischargeMax: b ? Math.min(socSteps, Math.floor(b.powerKw / (ed * socStepKwh) + EPS)) : 0,
    defs,
  };
}

export function planSchedule(input: PlanInput): Plan {
  const T = input.load.length;
  if (input.prices.length !== T) throw new Error("prices and load must have the same length");
  for (let t = 0; t < T; t++) {
    if (!Number.isFinite(input.load[t]) || input.load[t] < 0) throw new Error(`load[${t}] must be a non-negative number`);
    if (!Number.isFinite(input.prices[t])) throw new Error(`prices[${t}] must be a number`);
  }
  const scen = input.loadScenarios?.length ? input.loadScenarios : [input.load];
  for (const sc of scen) {
    if (sc.length !== T) throw new Error("every load scenario must have the same length as load");
    for (const v of sc) if (!Number.isFinite(v) || v < 0) throw new Error("load scenarios must be non-negative numbers");
  }
  const nScen = scen.length;
  const scenMax = Array.from({ length: T }, (_, t) => Math.max(...scen.map((sc) => sc[t])));
  const scenMean = Array.from({ length: T }, (_, t) => scen.reduce((a, sc) => a + sc[t], 0) / nScen);
  /** Expected grid import of hour t for battery move k and deferrable energy D. */
  const expectedGrid = (t: number, k: number, D: number): number => {
    if (k >= 0) return scenMean[t] + D + (k * socStepKwh) / ec;
    const dis = -k * socStepKwh * ed;
    let g = 0;
    for (let i = 0; i < nScen; i++) g += Math.max(0, scen[i][t] + D - dis);
    return g / nScen;
  };
  const d = discretise(input);
  const { battery: b, socStepKwh, ec, ed, kChargeMax, kDischargeMax, defs } = d;
  const stage = new Float64Array((b ? kChargeMax + kDischargeMax : 0) + 1);
  const nS = b ? d.socSteps + 1 : 1;
  const strides: number[] = [];
  let R = 1;
  for (const df of defs) {
    strides.push(R);
    R *= df.units + 1;
  }
  const N = nS * R;
  // Enumerate deferrable unit combinations (mixed radix over maxUnitsPerHour + 1).
  const combos: number[][] = [[]];
  for (const df of defs) {
    const next: number[][] = [];
    for (const c of combos) for (let u = 0; u <= df.maxUnitsPerHour; u++) next.push([...c, u]);
    combos.splice(0, combos.length, ...next);
  }
  const decode = (r: number) => defs.map((df, j) => Math.floor(r / strides[j]) % (df.units + 1));

  let V = new Float64Array(N).fill(Infinity);
  const minFinal = b ? Math.ceil((b.minFinalSocKwh ?? 0) / socStepKwh - EPS) : 0;
  for (let s = minFinal; s < nS; s++) V[s] = 0; // r = 0 for all loads: index = s
  const polK = new Int16Array(T * N);
  const polU = new Int32Array(T * N);
  const remaining = Array.from({ length: R }, (_, r) => decode(r));
  for (let t = T - 1; t >= 0; t--) {
    const Vt = new Float64Array(N).fill(Infinity);
    const p = input.prices[t];
    const L = scenMax[t];
    for (let r = 0; r < R; r++) {
      const rem = remaining[r];
      for (let ci = 0; ci < combos.length; ci++) {
        const u = combos[ci];
        let ok = true;
        let D = 0;
        let r2 = r;
        for (let j = 0; j < defs.length; j++) {
          if (u[j] === 0) continue;
          if (t < defs[j].earliest || t >= defs[j].latest || u[j] > rem[j]) {
            ok = false;
            break;
          }
          D += u[j] * defs[j].unitKwh;
          r2 -= u[j] * strides[j];
        }
        if (!ok) continue;
        const base2 = r2 * nS;
        // Discharging more than the largest scenario load can never deliver more (no export).
        const kMinLoad = b ? -Math.min(kDischargeMax, Math.floor((L + D) / (socStepKwh * ed) + EPS)) : 0;
        // Stage cost depends on k and D only; the tiny throughput penalty makes the DP prefer,
        // among equal-cost schedules, the one that cycles the battery less.
        for (let k = kMinLoad; k <= (b ? kChargeMax : 0); k++) {
          const thr = k > 0 ? (k * socStepKwh) / ec : -k * socStepKwh * ed;
          stage[k - kMinLoad] = p * expectedGrid(t, k, D) + 1e-9 * thr;
        }
        for (let s = 0; s < nS; s++) {
          const idx = r * nS + s;
          let best = Vt[idx];
          let bestK = polK[t * N + idx];
          let bestU = polU[t * N + idx];
          const kLo = Math.max(kMinLoad, -s);
          const kHi = b ? Math.min(kChargeMax, nS - 1 - s) : 0;
          for (let k = kLo; k <= kHi; k++) {
            const v = V[base2 + s + k];
            if (v === Infinity) continue;
            const c = stage[k - kMinLoad] + v;
            if (c < best) {
              best = c;
              bestK = k;
              bestU = ci;
            }
          }
          Vt[idx] = best;
          polK[t * N + idx] = bestK;
          polU[t * N + idx] = bestU;
        }
      }
    }
    V = Vt;
  }
  const s0 = b ? Math.min(nS - 1, Math.max(0, Math.round((b.initialSocKwh ?? 0) / socStepKwh))) : 0;
  let r = defs.reduce((a, df, j) => a + df.units * strides[j], 0);
  let s = s0;
  if (V[r * nS + s] === Infinity) throw new Error("no feasible plan (check the final state of charge and deferrable windows)");
  const hours: PlanHour[] = [];
  let cost = 0;
  let peak = 0;
  for (let t = 0; t < T; t++) {
    const idx = r * nS + s;
    const k = polK[t * N + idx];
    const u = combos[polU[t * N + idx]];
    const deferrableKwh: Record<string, number> = {};
    let D = 0;
    defs.forEach((df, j) => {
      deferrableKwh[df.id] = u[j] * df.unitKwh;
      D += u[j] * df.unitKwh;
      r -= u[j] * strides[j];
    });
    s += k;
    const grid = expectedGrid(t, k, D);
    const c = input.prices[t] * grid;
    cost += c;
    peak = Math.max(peak, grid);
    hours.push({
      t: input.start !== undefined ? input.start + t * HOUR_MS : undefined,
      price: input.prices[t],
      loadKwh: input.load[t],
      chargeKwh: k > 0 ? (k * socStepKwh) / ec : 0,
      dischargeKwh: k < 0 ? -k * socStepKwh * ed : 0,
      socKwh: s * socStepKwh,
      deferrableKwh,
      gridKwh: grid,
      cost: c,
    });
  }
  // Baseline: no battery, deferrable loads as soon as allowed at full power.
  const baseGrid = scenMean.slice();
  for (const df of input.deferrable ?? []) {
    let left = df.energyKwh;
    for (let t = Math.max(0, Math.floor(df.earliest)); t < Math.min(T, Math.ceil(df.latest)) && left > EPS; t++) {
      const e = Math.min(df.powerKw, left);
      baseGrid[t] += e;
      left -= e;
    }
  }
  const baselineCost = baseGrid.reduce((a, g, t) => a + g * input.prices[t], 0);
  return {
    hours,
    cost,
    baselineCost,
    savings: baselineCost - cost,
    peakKwh: peak,
    baselinePeakKwh: Math.max(0, ...baseGrid),
    finalSocKwh: s * socStepKwh,
    discretisation: {
      socSteps: b ? d.socSteps : 0,
      socStepKwh,
      chargeEfficiency: ec,
      dischargeEfficiency: ed,
      deferrable: defs.map(({ id, units, unitKwh, maxUnitsPerHour }) => ({ id, units, unitKwh, maxUnitsPerHour })),
    },
  };
}

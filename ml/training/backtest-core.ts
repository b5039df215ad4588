// Pure TS: the day-by-day backtest behind `npm run ml:backtest` and `npm run ml:eval`.
// At each UTC midnight with 168 h of history and 24 h ahead inside the series, forecast the next
// 24 h (through the injected forecaster: the ONNX model via ml/runtime/forecast.ts), score it against the
// actual load and the persistence baselines, plan the battery on the forecast with ml/runtime/planner.ts,
// and play the plan against the real load. Forecasts issued every hour are scored by forecast-scoring.ts.
// The reported plans are rolling ones (re-made every hour, ml/training/rolling-plans.ts), compared
// there with the whole-period optimum and the hand rule.
import { type ForecastRequest, type ForecastResult, loadScenarios } from "../runtime/forecast.ts";
import { type Battery, planSchedule } from "../runtime/planner.ts";
import { HOUR_MS, type HourlySeries, type Point } from "./csv-series.ts";
import { type LeadScore, type RollingForecastScores, scoreRollingForecasts } from "./forecast-scoring.ts";
import { makeWindows } from "./forecast-windows.ts";
import { ErrorAccumulator, persistenceEnsemble, previousDay, previousWeek } from "./metrics.ts";
import { type HourMoves, type PlayedHours, playHour, type RollingOptimization, rollingOptimization } from "./rolling-plans.ts";

/** Without a tariff: the Low Carbon London trial's flat standard tariff, GBP/kWh. */
export const DEFAULT_FLAT_PRICE = 0.14228;
export const DEFAULT_BATTERY: Battery = { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 };

export type Forecaster = (requests: ForecastRequest[]) => Promise<ForecastResult[]>;

export interface BacktestOptions {
  series: HourlySeries;
  /** Price per kWh of the hour starting at t. */
  price: (t: number) => number;
  battery?: Battery;
  forecaster: Forecaster;
  /** Plan on load scenarios around the forecast (default true) or on the point forecast only. */
  scenarios?: boolean;
}

export interface BacktestOutput {
  forecast: {
    /** Day-ahead: forecasts issued at each UTC midnight. */
    cvrmse: number;
    nmbe: number;
    /** Rolling: forecasts issued every hour (ml/training/forecast-scoring.ts). */
    by_lead: LeadScore[];
    coverage_80: number;
    pinball: number;
    baselines: { previous_day: number; previous_week: number; persistence_ensemble: number; pinball_persistence: number };
  };
  optimization: {
    cost_no_battery: number;
    /** Rolling plans (re-made every hour) played against the real load. */
    cost_plan: number;
    cost_oracle: number;
    savings_captured: number;
  } & RollingOptimization;
}

export interface BacktestDetails {
  windows: number;
  hours: number;
  optimizedDays: number;
  /** The day-ahead plans (made at midnight, followed all day) played against the real load. */
  costDayAhead: number;
  /** The hours the plans were played on (complete days), for variants of the rolling plans. */
  playedHours: PlayedHours;
  firstWindow: string | null;
  lastWindow: string | null;
  rollingForecasts: RollingForecastScores;
}

/**
 * Plays a day-ahead plan against the real load: the battery follows the planned charge and
 * discharge, limited by its state of charge and capacity, and never discharges more than the real
 * load of the hour (no export). Returns the real cost and the final state of charge.
 */
export function playPlan(
  plan: { hours: HourMoves[] },
  actual: number[],
  prices: number[],
  battery: Battery,
  socStart: number,
): { cost: number; soc: number; gridKwh: number[] } {
  let soc = socStart;
  let cost = 0;
  const gridKwh: number[] = [];
  plan.hours.forEach((h, t) => {
    const played = playHour(h, actual[t], battery, soc);
    soc = played.soc;
    gridKwh.push(played.gridKwh);
    cost += prices[t] * played.gridKwh;
  });
  return { cost, soc, gridKwh };
}

/** (no battery - plan) / (no battery - oracle); 1 when there was nothing to capture and the plan lost nothing. */
export function savingsCaptured(noBattery: number, plan: number, oracle: number): number {
  const available = noBattery - oracle;
  if (available <= 1e-9 * Math.max(1, Math.abs(noBattery))) return plan <= noBattery + 1e-9 ? 1 : 0;
  return (noBattery - plan) / available;
}

export async function runBacktest(o: BacktestOptions): Promise<{ result: BacktestOutput; details: BacktestDetails }> {
  const battery = o.battery ?? DEFAULT_BATTERY;
  const windows = makeWindows(o.series, 24);
  if (windows.length === 0) throw new Error("series too short: need at least 168 h of history and 24 h to forecast after a midnight");
  const forecasts: ForecastResult[] = [];
  for (let i = 0; i < windows.length; i += 512) forecasts.push(...(await o.forecaster(windows.slice(i, i + 512))));

  const acc = { model: new ErrorAccumulator(), pd: new ErrorAccumulator(), pw: new ErrorAccumulator(), pe: new ErrorAccumulator() };
  let costNo = 0;
  let costDayAhead = 0;
  let costOracle = 0;
  let socPlan = battery.initialSocKwh ?? 0;
  let socOracle = socPlan;
  let optimizedDays = 0;
  const playedHours: PlayedHours = { starts: [], load: [], prices: [] };
  windows.forEach((w, i) => {
    const f = forecasts[i].kwh;
    acc.model.add(f, w.actual);
    acc.pd.add(previousDay(w.history), w.actual);
    acc.pw.add(previousWeek(w.history), w.actual);
    acc.pe.add(persistenceEnsemble(w.history), w.actual);
    // Costs need the whole real day; days with a missing hour are not played.
    if (!w.actual.every(Number.isFinite)) return;
    const prices = Array.from({ length: 24 }, (_, h) => o.price(w.start + h * HOUR_MS));
    const plan = planSchedule({
      start: w.start,
      load: f,
      loadScenarios: o.scenarios === false ? undefined : loadScenarios(f, w.history),
      prices,
      battery: { ...battery, initialSocKwh: socPlan },
    });
    const played = playPlan(plan, w.actual, prices, battery, socPlan);
    socPlan = played.soc;
    costDayAhead += played.cost;
    const oracle = planSchedule({ start: w.start, load: w.actual, prices, battery: { ...battery, initialSocKwh: socOracle } });
    costOracle += oracle.cost;
    socOracle = oracle.finalSocKwh;
    costNo += w.actual.reduce((a, v, h) => a + v * prices[h], 0);
    playedHours.starts.push(...prices.map((_, h) => w.start + h * HOUR_MS));
    playedHours.load.push(...w.actual);
    playedHours.prices.push(...prices);
    optimizedDays++;
  });
  const rollingScores = await scoreRollingForecasts(o.series, o.forecaster);
  const rolling = await rollingOptimization({ ...o, hours: playedHours, battery, scenarios: o.scenarios !== false });
  const result: BacktestOutput = {
    forecast: {
      cvrmse: acc.model.cvrmse(),
      nmbe: acc.model.nmbe(),
      by_lead: rollingScores.by_lead,
      coverage_80: rollingScores.coverage_80,
      pinball: rollingScores.pinball,
      baselines: {
        previous_day: acc.pd.cvrmse(),
        previous_week: acc.pw.cvrmse(),
        persistence_ensemble: acc.pe.cvrmse(),
        pinball_persistence: rollingScores.pinball_persistence,
      },
    },
    optimization: {
      cost_no_battery: costNo,
      cost_oracle: costOracle,
      savings_captured: savingsCaptured(costNo, rolling.cost_plan, costOracle),
      ...rolling,
    },
  };
  return {
    result,
    details: {
      costDayAhead,
      playedHours,
      rollingForecasts: rollingScores,
      windows: windows.length,
      hours: acc.model.n,
      optimizedDays,
      firstWindow: windows.length ? new Date(windows[0].start).toISOString() : null,
      lastWindow: windows.length ? new Date(windows[windows.length - 1].start).toISOString() : null,
    },
  };
}

/**
 * Hourly price lookup from tariff points (`timestamp,price_per_kwh`, each price holding until the
 * next timestamp): the mean over the hour's minutes of that step function. Before the first point
 * the first price applies, after the last point the last one.
 */
export function priceLookup(points: Point[]): (t: number) => number {
  const pts = points.filter((p) => Number.isFinite(p.v));
  if (pts.length === 0) throw new Error("tariff has no prices");
  const at = (t: number): number => {
    let lo = 0;
    let hi = pts.length - 1;
    if (t < pts[0].t) return pts[0].v;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pts[mid].t <= t) lo = mid;
      else hi = mid - 1;
    }
    return pts[lo].v;
  };
  const cache = new Map<number, number>();
  return (t: number) => {
    let v = cache.get(t);
    if (v === undefined) {
      let s = 0;
      for (let m = 0; m < 60; m++) s += at(t + m * 60_000 + 30_000);
      v = s / 60;
      cache.set(t, v);
    }
    return v;
  };
}

// Pure TS: scoring of rolling forecasts (issued every hour from the data known then) for the backtest
// (ml/training/backtest-core.ts): cvrmse by lead time next to the two persistence baselines, the
// coverage of the p10-p90 band, and the pinball loss of p10/p50/p90 against the persistence quantiles.

import { HISTORY_HOURS, HORIZON_HOURS } from "../runtime/features.ts";
import type { ForecastQuantiles, ForecastResult } from "../runtime/forecast.ts";
import type { HourlySeries } from "./csv-series.ts";
import { makeWindows, type Window } from "./forecast-windows.ts";
import { ErrorAccumulator, persistenceEnsemble } from "./metrics.ts";

/** Lead times reported by the backtest: hours from the issue to the END of the forecast hour (lead 1 = the next hour). */
export const SCORED_LEADS = [1, 6, 24] as const;
export const QUANTILE_LEVELS = { p10: 0.1, p50: 0.5, p90: 0.9 } as const;

export interface LeadScore {
  lead_h: number;
  cvrmse: number;
  persistence_ensemble: number;
  last_value: number;
}

export interface RollingForecastScores {
  by_lead: LeadScore[];
  /** Share of actual hourly values within [p10, p90], all leads. */
  coverage_80: number;
  /** Mean pinball loss (kWh) over p10, p50, p90 and all leads. */
  pinball: number;
  /** The same for the empirical quantiles of the same hour over the 7 previous days. */
  pinball_persistence: number;
  /** The pinball terms one level at a time (model, persistence quantiles). */
  pinball_by_level: Record<QuantileKey, { model: number; persistence: number }>;
  windows: number;
}

type QuantileKey = keyof typeof QUANTILE_LEVELS;

/** Quantile (pinball) loss of a prediction at level q. */
export function pinballLoss(q: number, predicted: number, actual: number): number {
  const d = actual - predicted;
  return d >= 0 ? q * d : (q - 1) * d;
}

/** Empirical quantile with linear interpolation between order statistics (NaN skipped). */
export function empiricalQuantile(values: ArrayLike<number>, q: number): number {
  const a = Array.from(values)
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  if (!a.length) return NaN;
  const pos = q * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

/** The persistence quantiles: at each target hour, the empirical p10/p50/p90 of the 7 past days at that hour. */
export function persistenceQuantiles(history: ArrayLike<number>): ForecastQuantiles {
  const days = HISTORY_HOURS / 24;
  const at = (q: number) =>
    Array.from({ length: HORIZON_HOURS }, (_, h) =>
      empiricalQuantile(
        Array.from({ length: days }, (_, d) => history[d * 24 + h]),
        q,
      ),
    );
  return { p10: at(QUANTILE_LEVELS.p10), p50: at(QUANTILE_LEVELS.p50), p90: at(QUANTILE_LEVELS.p90) };
}

/** The last known hour repeated over the horizon. */
export function lastValue(history: ArrayLike<number>): number[] {
  return Array.from({ length: HORIZON_HOURS }, () => history[HISTORY_HOURS - 1]);
}

/** Accumulates scores window by window. */
export class RollingScorer {
  private readonly leads = SCORED_LEADS.map((lead) => ({
    lead,
    model: new ErrorAccumulator(),
    ensemble: new ErrorAccumulator(),
    last: new ErrorAccumulator(),
  }));
  private covered = 0;
  private hours = 0;
  private readonly pinballSums: Record<QuantileKey, { model: number; persistence: number }> = {
    p10: { model: 0, persistence: 0 },
    p50: { model: 0, persistence: 0 },
    p90: { model: 0, persistence: 0 },
  };
  private pinballHours = 0;
  windows = 0;

  add(w: Window, f: ForecastResult): void {
    this.windows++;
    const ensemble = persistenceEnsemble(w.history);
    const last = lastValue(w.history);
    for (const l of this.leads) {
      const h = l.lead - 1;
      l.model.add([f.kwh[h]], [w.actual[h]]);
      l.ensemble.add([ensemble[h]], [w.actual[h]]);
      l.last.add([last[h]], [w.actual[h]]);
    }
    const base = persistenceQuantiles(w.history);
    for (let h = 0; h < HORIZON_HOURS; h++) {
      const a = w.actual[h];
      if (!Number.isFinite(a)) continue;
      this.hours++;
      if (a >= f.quantiles.p10[h] && a <= f.quantiles.p90[h]) this.covered++;
      if (![base.p10[h], base.p50[h], base.p90[h]].every(Number.isFinite)) continue;
      this.pinballHours++;
      for (const key of ["p10", "p50", "p90"] as const) {
        this.pinballSums[key].model += pinballLoss(QUANTILE_LEVELS[key], f.quantiles[key][h], a);
        this.pinballSums[key].persistence += pinballLoss(QUANTILE_LEVELS[key], base[key][h], a);
      }
    }
  }

  result(): RollingForecastScores {
    const n = this.pinballHours;
    const byLevel = Object.fromEntries(
      Object.entries(this.pinballSums).map(([k, v]) => [k, { model: v.model / n, persistence: v.persistence / n }]),
    ) as RollingForecastScores["pinball_by_level"];
    const mean = (f: (v: { model: number; persistence: number }) => number) => Object.values(byLevel).reduce((a, v) => a + f(v), 0) / 3;
    return {
      by_lead: this.leads.map((l) => ({
        lead_h: l.lead,
        cvrmse: l.model.cvrmse(),
        persistence_ensemble: l.ensemble.cvrmse(),
        last_value: l.last.cvrmse(),
      })),
      coverage_80: this.covered / this.hours,
      pinball: mean((v) => v.model),
      pinball_persistence: mean((v) => v.persistence),
      pinball_by_level: byLevel,
      windows: this.windows,
    };
  }
}

/** Forecasts issued at every hour of the series (168 h of history, 24 h ahead), scored. */
export async function scoreRollingForecasts(
  series: HourlySeries,
  forecaster: (windows: Window[]) => Promise<ForecastResult[]>,
): Promise<RollingForecastScores> {
  const windows = makeWindows(series, 1);
  const scorer = new RollingScorer();
  for (let i = 0; i < windows.length; i += 512) {
    const batch = windows.slice(i, i + 512);
    const forecasts = await forecaster(batch);
    for (const [k, w] of batch.entries()) scorer.add(w, forecasts[k]);
  }
  return scorer.result();
}

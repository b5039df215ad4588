// Pure TS: forecast error metrics and the persistence baselines (BuildingsBench definitions).
import { HISTORY_HOURS, HORIZON_HOURS } from "../runtime/features.ts";

/** Accumulates hourly errors over many windows; NaN actuals are skipped. */
export class ErrorAccumulator {
  n = 0;
  sumSq = 0;
  sumErr = 0;
  sumActual = 0;
  add(pred: ArrayLike<number>, actual: ArrayLike<number>): void {
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i];
      const p = pred[i];
      if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
      this.n++;
      this.sumSq += (p - a) * (p - a);
      this.sumErr += p - a;
      this.sumActual += a;
    }
  }
  /** RMSE / mean actual. */
  cvrmse(): number {
    const mean = this.sumActual / this.n;
    return Math.sqrt(this.sumSq / this.n) / mean;
  }
  /** mean(pred - actual) / mean actual. */
  nmbe(): number {
    return this.sumErr / this.sumActual;
  }
}

/** The last 24 h repeated. */
export function previousDay(history: ArrayLike<number>): number[] {
  return Array.from({ length: HORIZON_HOURS }, (_, h) => history[HISTORY_HOURS - 24 + h]);
}

/** The same 24 h one week earlier. */
export function previousWeek(history: ArrayLike<number>): number[] {
  return Array.from({ length: HORIZON_HOURS }, (_, h) => history[h]);
}

/** Mean of the 7 past days at each hour of day (missing values skipped). */
export function persistenceEnsemble(history: ArrayLike<number>): number[] {
  return Array.from({ length: HORIZON_HOURS }, (_, h) => {
    let s = 0;
    let c = 0;
    for (let d = 0; d < HISTORY_HOURS / 24; d++) {
      const v = history[d * 24 + h];
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    }
    return c ? s / c : NaN;
  });
}

export function median(xs: number[]): number {
  const a = xs.filter(Number.isFinite).sort((p, q) => p - q);
  if (!a.length) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

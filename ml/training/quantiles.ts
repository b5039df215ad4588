// Pure TS: calibrates the p10/p90 outputs of the forecast model on out-of-fold predictions of the
// training households (each predicted by a model that never saw it). Per horizon hour h and level q, a
// linear quantile regression in normalised units (kWh / scale):
//   quantile_q = multiplier * p50 + sum_k weight_k * x[column_k(h)] + offset,
// where the columns are the meter's own spread at that hour of day (lowest, median, highest day, standard
// deviation over the past week): a home's p10 sits near its baseload, its p90 near its usual peaks.
import { HORIZON_HOURS } from "../runtime/features.ts";
import { pinballLoss } from "./forecast-scoring.ts";

export interface QuantileModel {
  multiplier: number[];
  offset: number[];
  /** Feature weights, row-major [features, HORIZON_HOURS] (zero outside each hour's columns). */
  weights: Float64Array;
}

/** Out-of-fold rows: normalised p50 predictions, targets (NaN = missing) and the feature vectors. */
export interface Calibration {
  predicted: ArrayLike<number>[];
  actual: ArrayLike<number>[];
  x: ArrayLike<number>[];
}

const IRLS_ITERATIONS = 40;

/** Solves the small symmetric system A b = y (Gaussian elimination with partial pivoting). */
function solveSmall(A: number[][], y: number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const b = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * b[k];
    b[r] = s / M[r][r];
  }
  return b;
}

/**
 * Linear quantile regression by iteratively reweighted least squares (weights level / |residual|),
 * per horizon hour on [p50, x[columnsOf(h)], 1]. A small ridge keeps the systems well posed.
 */
export function fitQuantile(c: Calibration, q: number, columnsOf: (h: number) => number[]): QuantileModel {
  const nFeatures = c.x[0].length;
  const model: QuantileModel = { multiplier: [], offset: [], weights: new Float64Array(nFeatures * HORIZON_HOURS) };
  for (let h = 0; h < HORIZON_HOURS; h++) {
    const cols = columnsOf(h);
    const rows: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < c.predicted.length; i++) {
      const y = c.actual[i][h];
      if (!Number.isFinite(y)) continue;
      rows.push([c.predicted[i][h], ...cols.map((k) => c.x[i][k]), 1]);
      ys.push(y);
    }
    if (!rows.length) throw new Error(`no calibration rows for horizon hour ${h}`);
    const p = rows[0].length;
    let beta = new Array<number>(p).fill(0);
    beta[0] = 1;
    for (let it = 0; it < IRLS_ITERATIONS; it++) {
      const A = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => (a === b && a < p - 1 ? 1e-6 * rows.length : 0)));
      const y = new Array<number>(p).fill(0);
      for (const [i, z] of rows.entries()) {
        let fit = 0;
        for (let k = 0; k < p; k++) fit += beta[k] * z[k];
        const r = ys[i] - fit;
        const w = (r >= 0 ? q : 1 - q) / Math.max(Math.abs(r), 1e-3);
        for (let a = 0; a < p; a++) {
          y[a] += w * z[a] * ys[i];
          for (let b = 0; b <= a; b++) A[a][b] += w * z[a] * z[b];
        }
      }
      for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) A[a][b] = A[b][a];
      beta = solveSmall(A, y);
    }
    model.multiplier.push(beta[0]);
    cols.forEach((k, j) => {
      model.weights[k * HORIZON_HOURS + h] = beta[1 + j];
    });
    model.offset.push(beta[p - 1]);
  }
  return model;
}

/** The quantile model's normalised output at horizon hour h (before clipping at 0). */
export function quantileAt(m: QuantileModel, x: ArrayLike<number>, p50: number, h: number): number {
  let v = m.multiplier[h] * p50 + m.offset[h];
  for (let k = 0; k < x.length; k++) {
    const w = m.weights[k * HORIZON_HOURS + h];
    if (w !== 0) v += w * x[k];
  }
  return v;
}

/** Share of calibration values inside [p10, p90], and the mean pinball loss of p10/p90 (normalised units). */
export function bandScores(c: Calibration, p10: QuantileModel, p90: QuantileModel): { coverage: number; pinball: number } {
  let inside = 0;
  let n = 0;
  let loss = 0;
  for (let i = 0; i < c.predicted.length; i++) {
    for (let h = 0; h < HORIZON_HOURS; h++) {
      const a = c.actual[i][h];
      if (!Number.isFinite(a)) continue;
      const f = c.predicted[i][h];
      const lo = Math.min(f, Math.max(0, quantileAt(p10, c.x[i], f, h)));
      const hi = Math.max(f, quantileAt(p90, c.x[i], f, h));
      n++;
      if (a >= lo && a <= hi) inside++;
      loss += (pinballLoss(0.1, lo, a) + pinballLoss(0.9, hi, a)) / 2;
    }
  }
  return { coverage: inside / n, pinball: loss / n };
}

// Pure TS: calibrates the p10/p90 outputs of the forecast model on out-of-fold predictions of the
// training households (each predicted by a model that never saw it). Per horizon hour h and level q:
// quantile_q = max(0, multiplier * p50 + offset) in normalised units (kWh / scale), the pair that
// minimises the pinball loss; the band thus widens with the predicted level and with the lead time.
import { HORIZON_HOURS } from "../runtime/features.ts";
import { pinballLoss } from "./forecast-scoring.ts";

export interface LinearQuantile {
  multiplier: number[];
  offset: number[];
}

/** Out-of-fold predictions: rows of HORIZON_HOURS normalised p50 predictions and targets (NaN = missing). */
export interface Calibration {
  predicted: Float32Array[];
  actual: Float32Array[];
}

const MULTIPLIERS = Array.from({ length: 31 }, (_, i) => i * 0.1);

/** The offset minimising the pinball loss for a fixed multiplier is the q-quantile of actual - multiplier * predicted. */
function quantileOf(values: Float64Array, q: number): number {
  const a = Float64Array.from(values).sort();
  return a[Math.min(a.length - 1, Math.max(0, Math.round(q * (a.length - 1))))];
}

export function fitLinearQuantile(c: Calibration, q: number): LinearQuantile {
  const multiplier: number[] = [];
  const offset: number[] = [];
  for (let h = 0; h < HORIZON_HOURS; h++) {
    const p: number[] = [];
    const a: number[] = [];
    for (let i = 0; i < c.predicted.length; i++) {
      if (!Number.isFinite(c.actual[i][h])) continue;
      p.push(c.predicted[i][h]);
      a.push(c.actual[i][h]);
    }
    if (!p.length) throw new Error(`no calibration rows for horizon hour ${h}`);
    let best = { loss: Infinity, m: 1, o: 0 };
    for (const m of MULTIPLIERS) {
      const o = quantileOf(
        Float64Array.from(a, (v, i) => v - m * p[i]),
        q,
      );
      let loss = 0;
      for (let i = 0; i < p.length; i++) loss += pinballLoss(q, Math.max(0, m * p[i] + o), a[i]);
      if (loss < best.loss) best = { loss, m, o };
    }
    multiplier.push(best.m);
    offset.push(best.o);
  }
  return { multiplier, offset };
}

/** Share of calibration values inside [p10, p90] (a check that the fit is calibrated in-sample). */
export function bandCoverage(c: Calibration, p10: LinearQuantile, p90: LinearQuantile): number {
  let inside = 0;
  let n = 0;
  for (let i = 0; i < c.predicted.length; i++) {
    for (let h = 0; h < HORIZON_HOURS; h++) {
      const a = c.actual[i][h];
      if (!Number.isFinite(a)) continue;
      const f = c.predicted[i][h];
      const lo = Math.min(f, Math.max(0, p10.multiplier[h] * f + p10.offset[h]));
      const hi = Math.max(f, p90.multiplier[h] * f + p90.offset[h]);
      n++;
      if (a >= lo && a <= hi) inside++;
    }
  }
  return inside / n;
}

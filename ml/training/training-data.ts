// Pure TS: turns households into training rows with the shared feature module (ml/runtime/features.ts).

import { buildFeatures, buildTarget, HORIZON_HOURS, MIN_SCALE, N_FEATURES } from "../runtime/features.ts";
import { featureOptionsOf, type Household } from "./data.ts";
import { makeWindows } from "./forecast-windows.ts";
import type { Dataset2D } from "./model.ts";

/** One row per window (a start every `stride` hours): features, normalised 24 h target, weight. */
export function buildSamples(hh: Household[], stride: number): Dataset2D {
  const xs: Float32Array[] = [];
  const ys: Float32Array[] = [];
  const ws: number[] = [];
  for (const h of hh) {
    // Weight (scale / household mean)^2, capped at 4: the loss on normalised targets then matches
    // the household's squared error in units of its mean (what cvrmse measures), and weeks of
    // near-zero use (holidays) cannot dominate through a tiny scale.
    let sum = 0;
    let cnt = 0;
    for (const v of h.series.values) {
      if (!Number.isFinite(v)) continue;
      sum += v;
      cnt++;
    }
    const mean = Math.max(sum / Math.max(cnt, 1), MIN_SCALE);
    for (const w of makeWindows(h.series, stride)) {
      const f = buildFeatures(w.history, w.start, featureOptionsOf(h));
      xs.push(f.x);
      ys.push(buildTarget(w.actual, f.scale));
      ws.push(Math.min(4, (f.scale / mean) ** 2));
    }
  }
  const n = xs.length;
  const x = new Float32Array(n * N_FEATURES);
  const y = new Float32Array(n * HORIZON_HOURS);
  for (let i = 0; i < n; i++) {
    x.set(xs[i], i * N_FEATURES);
    y.set(ys[i], i * HORIZON_HOURS);
  }
  return { n, f: N_FEATURES, o: HORIZON_HOURS, x, y, w: Float32Array.from(ws) };
}

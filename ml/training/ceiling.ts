// Node-only diagnostic: `npx tsx ml/training/ceiling.ts` writes ml/training/ceiling.json, which `npm run ml:eval` quotes
// in REPORT.md. It asks how much better than the persistence ensemble a forecast could be if it
// knew part of the future (CHEATS: these use the actual load being forecast, so they are bounds,
// never models). Each cheat is the shipped model's recipe (same features, same ridge penalty and
// household weights, same training households and windows) plus the cheat columns, scored on the held-out London
// households' midnight windows exactly like `ml:eval`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFeatures, buildTarget, HORIZON_HOURS, MIN_SCALE, N_FEATURES } from "../runtime/features.ts";
import { MODEL_VERSION } from "../runtime/forecast.ts";
import { HOUR_MS } from "./csv-series.ts";
import { type Household, loadDataset, loadSplit, MODELS_DIR, TRAINING_DIR } from "./data.ts";
import { makeWindows, type Window } from "./forecast-windows.ts";
import { ErrorAccumulator, median, persistenceEnsemble } from "./metrics.ts";
import { accumulateGram, addGrams, emptyGram, type Gram, householdWeights, predict, solveRidge } from "./model.ts";

const STRIDE = 1;
/** The shipped recipe's ridge penalty and household weight power (the model contract). */
const CONTRACT = JSON.parse(readFileSync(join(MODELS_DIR, `forecast-${MODEL_VERSION}.json`), "utf8")) as {
  model: { hyper: { lambda: number; household_weight_power?: number } };
};
const LAMBDA = CONTRACT.model.hyper.lambda;
const POWER = CONTRACT.model.hyper.household_weight_power ?? 0;

interface Cheat {
  name: string;
  /** Extra columns computed from the actual future 24 h (kWh) and the scale. */
  extra: (actual: number[], scale: number) => number[];
}

function meanOf(xs: number[]): number {
  const v = xs.filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
}

const CHEATS: Cheat[] = [
  { name: "none (the shipped recipe, no future information)", extra: () => [] },
  { name: "knows the actual mean load of the 24 h being forecast", extra: (a, s) => [meanOf(a) / s] },
  {
    name: "knows the actual mean load of each 6-hour block being forecast",
    extra: (a, s) => [0, 1, 2, 3].map((b) => meanOf(a.slice(b * 6, b * 6 + 6)) / s),
  },
];

function row(w: Window, c: Cheat): { x: Float64Array; scale: number } {
  const f = buildFeatures(w.history, w.start);
  const e = c.extra(w.actual, f.scale);
  const x = new Float64Array(N_FEATURES + e.length);
  x.set(f.x);
  x.set(e, N_FEATURES);
  return { x, scale: f.scale };
}

function ensembleCvrmse(h: Household): number {
  const acc = new ErrorAccumulator();
  for (const w of makeWindows(h.series, 24)) acc.add(persistenceEnsemble(w.history), w.actual);
  return acc.cvrmse();
}

function gramFor(train: Household[], c: Cheat): Gram {
  const nExtra = c.extra(new Array(HORIZON_HOURS).fill(1), 1).length;
  const f = N_FEATURES + nExtra;
  const gs: Gram[] = [];
  for (const h of train) {
    const g = emptyGram(f, HORIZON_HOURS);
    gs.push(g);
    const mean = Math.max(meanOf(h.series.values), MIN_SCALE);
    const ws = makeWindows(h.series, STRIDE);
    const x = new Float32Array(ws.length * f);
    const y = new Float32Array(ws.length * HORIZON_HOURS);
    const w = new Float32Array(ws.length);
    ws.forEach((win, i) => {
      const r = row(win, c);
      x.set(r.x, i * f);
      y.set(buildTarget(win.actual, r.scale), i * HORIZON_HOURS);
      w[i] = Math.min(4, (r.scale / mean) ** 2); // the weights of ml/training/training-data.ts
    });
    accumulateGram(g, { n: ws.length, f, o: HORIZON_HOURS, x, y, w });
  }
  return addGrams(gs, householdWeights(train.map(ensembleCvrmse), POWER));
}

/** Future-using profile: mean of the same hour over the 7 days before and the 7 days after the forecast day. */
function centeredProfile(h: Household, w: Window): number[] {
  const i0 = (w.start - h.series.start) / HOUR_MS;
  return Array.from({ length: HORIZON_HOURS }, (_, k) => {
    const vs: number[] = [];
    for (let d = -7; d <= 7; d++) {
      const j = i0 + d * 24 + k;
      if (d !== 0 && j >= 0 && j < h.series.values.length && Number.isFinite(h.series.values[j])) vs.push(h.series.values[j]);
    }
    return vs.length ? meanOf(vs) : 0;
  });
}

function main(): void {
  const t0 = performance.now();
  const ds = loadDataset();
  const split = loadSplit();
  const train = ds.households.filter((h) => split.train.includes(h.id));
  const held = ds.households.filter((h) => split.heldOut.includes(h.id) && h.source === "lcl");
  const ensemble = median(held.map(ensembleCvrmse));
  const results: { name: string; median_cvrmse: number; ratio_to_persistence_ensemble: number }[] = [];
  for (const c of CHEATS) {
    const model = solveRidge(gramFor(train, c), LAMBDA);
    const m = median(
      held.map((h) => {
        const acc = new ErrorAccumulator();
        for (const w of makeWindows(h.series, 24)) {
          const r = row(w, c);
          acc.add(
            Array.from(predict(model, r.x), (o) => Math.max(0, o * r.scale)),
            w.actual,
          );
        }
        return acc.cvrmse();
      }),
    );
    results.push({ name: c.name, median_cvrmse: m, ratio_to_persistence_ensemble: m / ensemble });
    console.error(`${c.name}: ${m.toFixed(4)} (ratio ${(m / ensemble).toFixed(4)})`);
  }
  const centered = median(
    held.map((h) => {
      const acc = new ErrorAccumulator();
      for (const w of makeWindows(h.series, 24)) acc.add(centeredProfile(h, w), w.actual);
      return acc.cvrmse();
    }),
  );
  results.push({
    name: "mean of the same hour over the 7 days before and the 7 days after the forecast day (no model)",
    median_cvrmse: centered,
    ratio_to_persistence_ensemble: centered / ensemble,
  });
  console.error(`centered profile: ${centered.toFixed(4)} (ratio ${(centered / ensemble).toFixed(4)})`);
  const out = {
    description:
      "Bounds that CHEAT (they use the load being forecast): ml/training/ceiling.ts. Held-out London households, midnight windows, median hourly cvrmse.",
    held_out_households: held.map((h) => h.id),
    persistence_ensemble: ensemble,
    ridge_lambda: LAMBDA,
    household_weight_power: POWER,
    window_stride_hours: STRIDE,
    results,
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileSync(join(TRAINING_DIR, "ceiling.json"), `${JSON.stringify(out, null, 2)}\n`);
  console.error(`wrote ml/training/ceiling.json (${out.seconds.toFixed(0)} s)`);
}

main();

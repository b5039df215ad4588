// Node-only: `npx tsx ml/training/select.ts [--only NAME_PREFIX,...] [--folds N]`. Model-class selection for the forecast
// (README "Forecast experiments", REPORT "Model selection"). Every candidate is scored exactly like
// `ml:train` scores its ridge penalties: 5-fold cross-validation over whole TRAINING households
// (the same seeded folds), out-of-fold hourly cvrmse on midnight windows, median over households,
// divided by the persistence ensemble's median on the same windows. Held-out households are never
// loaded. Writes ml/training/selection.json (one row per candidate; `--folds 1` rows as first-fold screens).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFeatures, buildTarget, FEATURE_NAMES, HORIZON_HOURS, MIN_SCALE, N_FEATURES } from "../runtime/features.ts";
import { HOUR_MS } from "./csv-series.ts";
import { loadDataset, loadSplit, mulberry32, shuffled, TRAINING_DIR } from "./data.ts";
import { makeWindows } from "./forecast-windows.ts";
import { ErrorAccumulator, median, persistenceEnsemble } from "./metrics.ts";
import {
  addGrams,
  type Dataset2D,
  emptyGram,
  fitResidualMlp,
  type Gram,
  householdWeights,
  type MlpOptions,
  type NetModel,
  predict,
  solveRidge,
  subGram,
} from "./model.ts";

const SEED = 42;
const MLP_STRIDE = 2;
const N_FOLDS = 5;
const t0 = performance.now();
const log = (...a: unknown[]) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)}s]`, ...a);

// Column groups of the feature vector (ml/runtime/features.ts): v2 is the first 274 columns; feature version 3
// appends the day-type profile and the max/std profiles.
const F_ALL = N_FEATURES;
const colsOf = (re: RegExp) => FEATURE_NAMES.flatMap((n, i) => (re.test(n) ? [i] : []));
const COLS = {
  base: colsOf(/^(lag|profile|start_hour|dow|log_scale|median_profile|trimmed_profile|min_profile)/),
  daytype: colsOf(/^daytype_profile_/),
  spread: colsOf(/^(max|std)_profile_/),
};

interface HouseData {
  id: string;
  n: number;
  x: Float32Array; // n * F_ALL
  y: Float32Array; // n * 24, normalised target
  w: Float32Array;
  scale: Float32Array;
  midnight: Uint8Array;
  start: Float64Array;
  /** Actual kWh and persistence ensemble of the midnight rows, in row order. */
  actual: number[][];
  ensemble: number[][];
  ensembleCvrmse: number;
}

function buildHouse(id: string, series: Parameters<typeof makeWindows>[0]): HouseData {
  let sum = 0;
  let cnt = 0;
  for (const v of series.values) {
    if (!Number.isFinite(v)) continue;
    sum += v;
    cnt++;
  }
  const mean = Math.max(sum / Math.max(cnt, 1), MIN_SCALE);
  const ws = makeWindows(series, 1);
  const n = ws.length;
  const d: HouseData = {
    id,
    n,
    x: new Float32Array(n * F_ALL),
    y: new Float32Array(n * HORIZON_HOURS),
    w: new Float32Array(n),
    scale: new Float32Array(n),
    midnight: new Uint8Array(n),
    start: new Float64Array(n),
    actual: [],
    ensemble: [],
    ensembleCvrmse: 0,
  };
  const acc = new ErrorAccumulator();
  ws.forEach((win, i) => {
    const f = buildFeatures(win.history, win.start);
    d.x.set(f.x, i * F_ALL);
    d.y.set(buildTarget(win.actual, f.scale), i * HORIZON_HOURS);
    d.w[i] = Math.min(4, (f.scale / mean) ** 2);
    d.scale[i] = f.scale;
    d.start[i] = win.start;
    if (win.start % (24 * HOUR_MS) === 0) {
      d.midnight[i] = 1;
      const e = persistenceEnsemble(win.history);
      d.actual.push(win.actual);
      d.ensemble.push(e);
      acc.add(e, win.actual);
    }
  });
  d.ensembleCvrmse = acc.cvrmse();
  return d;
}

/** Gram over all F_ALL columns; `rows` filters which windows count. */
function gramOf(d: HouseData, rows: (i: number) => boolean): Gram {
  const g = emptyGram(F_ALL, HORIZON_HOURS);
  const p = F_ALL + 1;
  const row = new Float64Array(p);
  for (let r = 0; r < d.n; r++) {
    if (!rows(r)) continue;
    let ok = true;
    for (let j = 0; j < HORIZON_HOURS; j++) if (Number.isNaN(d.y[r * HORIZON_HOURS + j])) ok = false;
    if (!ok) continue;
    g.n++;
    const wr = d.w[r];
    for (let i = 0; i < F_ALL; i++) row[i] = d.x[r * F_ALL + i];
    row[F_ALL] = 1;
    for (let i = 0; i < p; i++) {
      const ri = row[i] * wr;
      if (ri === 0) continue;
      const ai = i * p;
      for (let k = 0; k <= i; k++) g.A[ai + k] += ri * row[k];
      for (let j = 0; j < HORIZON_HOURS; j++) g.B[i * HORIZON_HOURS + j] += ri * d.y[r * HORIZON_HOURS + j];
    }
  }
  return g;
}

/** A forecaster of one midnight row (normalised output) for scoring. */
type RowModel = (d: HouseData, r: number) => ArrayLike<number>;

function midnightRows(d: HouseData): number[] {
  const rs: number[] = [];
  for (let r = 0; r < d.n; r++) if (d.midnight[r]) rs.push(r);
  return rs;
}

function houseCvrmse(d: HouseData, f: RowModel): number {
  const acc = new ErrorAccumulator();
  for (const [k, r] of midnightRows(d).entries())
    acc.add(
      Array.from(f(d, r), (o) => Math.max(0, o * d.scale[r])),
      d.actual[k],
    );
  return acc.cvrmse();
}

const rowX = (d: HouseData, r: number, cols: number[]) => cols.map((c) => d.x[r * F_ALL + c]);

/** Training rows of some households as a Dataset2D: windows starting every `stride` hours, complete targets. */
function datasetOf(ids: string[], cols: number[], stride: number): Dataset2D {
  const picks: [HouseData, number][] = [];
  for (const id of ids) {
    const d = houses.get(id)!;
    for (let r = 0; r < d.n; r++) {
      if (d.start[r] % (stride * HOUR_MS) !== 0) continue;
      let ok = true;
      for (let j = 0; j < HORIZON_HOURS; j++) if (Number.isNaN(d.y[r * HORIZON_HOURS + j])) ok = false;
      if (ok) picks.push([d, r]);
    }
  }
  const n = picks.length;
  const F = cols.length;
  const out: Dataset2D = {
    n,
    f: F,
    o: HORIZON_HOURS,
    x: new Float32Array(n * F),
    y: new Float32Array(n * HORIZON_HOURS),
    w: new Float32Array(n),
  };
  picks.forEach(([d, r], i) => {
    for (let c = 0; c < F; c++) out.x[i * F + c] = d.x[r * F_ALL + cols[c]];
    out.y.set(d.y.subarray(r * HORIZON_HOURS, (r + 1) * HORIZON_HOURS), i * HORIZON_HOURS);
    out.w![i] = d.w[r];
  });
  return out;
}

interface GbtOptions {
  trees: number;
  depth: number;
  lr: number;
  minLeaf: number;
  /** L2 penalty on leaf values (in units of summed row weight). */
  lambda: number;
  rowSample: number;
  colSample: number;
  bins: number;
  stride: number;
}

/**
 * Gradient-boosted regression trees (squared loss, seeded) on the residual of a fixed ridge model.
 * A selection candidate only: shipping it would export the trees as ai.onnx.ml TreeEnsembleRegressor,
 * which onnxruntime-web's wasm build runs.
 * Leaves hold a 24-hour vector; splits are scored on the residual summed over the four 6-hour
 * blocks (histograms over `bins` quantile bins per feature) so a split costs 5 sums, not 25.
 */
function fitResidualGbt(data: Dataset2D, ridgeModel: NetModel, o: GbtOptions, rand: () => number): (x: ArrayLike<number>) => Float64Array {
  const F = data.f;
  const O = HORIZON_HOURS;
  const K = 4;
  const n = data.n;
  const xAt = (i: number) => data.x.subarray(i * F, (i + 1) * F);
  // Quantile bin edges per feature from a sample of rows.
  const edges: Float32Array[] = [];
  const sample = Array.from({ length: Math.min(n, 20000) }, () => Math.floor(rand() * n));
  for (let c = 0; c < F; c++) {
    const v = Float32Array.from(sample, (i) => data.x[i * F + c]).sort();
    const e: number[] = [];
    for (let b = 1; b < o.bins; b++) {
      const q = v[Math.floor((b * v.length) / o.bins)];
      if (!e.length || q > e[e.length - 1]) e.push(q);
    }
    edges.push(Float32Array.from(e));
  }
  const binOf = (c: number, x: number) => {
    const e = edges[c];
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (x <= e[m]) hi = m;
      else lo = m + 1;
    }
    return lo; // bin b holds x <= e[b] (and > e[b-1]); the last bin holds x > e[last]
  };
  const Xb = new Uint8Array(n * F);
  const res = new Float32Array(n * O);
  const W = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = xAt(i);
    for (let c = 0; c < F; c++) Xb[i * F + c] = binOf(c, x[c]);
    const base = predict(ridgeModel, x);
    for (let j = 0; j < O; j++) res[i * O + j] = data.y[i * O + j] - base[j];
    W[i] = data.w![i];
  }
  interface Node {
    feature: number;
    bin: number;
    threshold: number;
    left: number;
    right: number;
    value?: Float64Array;
  }
  const trees: Node[][] = [];
  const B = o.bins;
  const hist = new Float64Array(F * B * (K + 1));
  for (let t = 0; t < o.trees; t++) {
    const rowIdx: number[] = [];
    for (let i = 0; i < n; i++) if (rand() < o.rowSample) rowIdx.push(i);
    const feats = Array.from({ length: F }, (_, c) => c).filter(() => rand() < o.colSample);
    const nodes: Node[] = [];
    const grow = (idx: number[], depth: number): number => {
      const id = nodes.length;
      nodes.push({ feature: -1, bin: 0, threshold: 0, left: -1, right: -1 });
      let best = { gain: 0, c: -1, b: -1 };
      if (depth < o.depth && idx.length >= 2 * o.minLeaf) {
        hist.fill(0);
        const G = new Float64Array(K + 1);
        for (const i of idx) {
          const w = W[i];
          const g = [0, 0, 0, 0];
          for (let j = 0; j < O; j++) g[(j / 6) | 0] += w * res[i * O + j];
          for (const c of feats) {
            const hb = (c * B + Xb[i * F + c]) * (K + 1);
            hist[hb] += g[0];
            hist[hb + 1] += g[1];
            hist[hb + 2] += g[2];
            hist[hb + 3] += g[3];
            hist[hb + 4] += w;
          }
          for (let k = 0; k < K; k++) G[k] += g[k];
          G[K] += w;
        }
        const score = (s: ArrayLike<number>, off: number) => {
          let v = 0;
          for (let k = 0; k < K; k++) v += s[off + k] * s[off + k];
          return v / (s[off + K] * 6 + o.lambda);
        };
        const parent = score(G, 0);
        const L = new Float64Array(K + 1);
        const R = new Float64Array(K + 1);
        // Counts per bin are needed for minLeaf: approximate with weight share (weights are ~1).
        const meanW = G[K] / idx.length;
        for (const c of feats) {
          L.fill(0);
          for (let b = 0; b < B - 1; b++) {
            const hb = (c * B + b) * (K + 1);
            for (let k = 0; k <= K; k++) L[k] += hist[hb + k];
            if (L[K] < o.minLeaf * meanW) continue;
            for (let k = 0; k <= K; k++) R[k] = G[k] - L[k];
            if (R[K] < o.minLeaf * meanW) break;
            const gain = score(L, 0) + score(R, 0) - parent;
            if (gain > best.gain) best = { gain, c, b };
          }
        }
      }
      if (best.c < 0) {
        const v = new Float64Array(O);
        let sw = 0;
        for (const i of idx) {
          sw += W[i];
          for (let j = 0; j < O; j++) v[j] += W[i] * res[i * O + j];
        }
        for (let j = 0; j < O; j++) v[j] = (o.lr * v[j]) / (sw + o.lambda);
        nodes[id].value = v;
        return id;
      }
      const l: number[] = [];
      const r: number[] = [];
      for (const i of idx) (Xb[i * F + best.c] <= best.b ? l : r).push(i);
      nodes[id].feature = best.c;
      nodes[id].bin = best.b;
      nodes[id].threshold = edges[best.c][best.b];
      nodes[id].left = grow(l, depth + 1);
      nodes[id].right = grow(r, depth + 1);
      return id;
    };
    grow(rowIdx, 0);
    trees.push(nodes);
    // Update every row's residual (not only the subsample).
    for (let i = 0; i < n; i++) {
      let k = 0;
      while (nodes[k].feature >= 0) k = Xb[i * F + nodes[k].feature] <= nodes[k].bin ? nodes[k].left : nodes[k].right;
      const v = nodes[k].value!;
      for (let j = 0; j < O; j++) res[i * O + j] -= v[j];
    }
    if ((t + 1) % 25 === 0) {
      let sse = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < O; j++) sse += W[i] * res[i * O + j] ** 2;
      log(`  tree ${t + 1}/${o.trees}: weighted train mse ${(sse / n / O).toFixed(5)}`);
    }
  }
  return (x) => {
    const out = predict(ridgeModel, x);
    for (const nodes of trees) {
      let k = 0;
      while (nodes[k].feature >= 0) k = x[nodes[k].feature] <= nodes[k].threshold ? nodes[k].left : nodes[k].right;
      for (let j = 0; j < O; j++) out[j] += nodes[k].value![j];
    }
    return out;
  };
}

const houses = new Map<string, HouseData>();

interface Result {
  name: string;
  households: number;
  persistence_ensemble: number;
  cv_median_cvrmse: number;
  ratio: number;
  seconds: number;
  command: string;
}

function main(): void {
  const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1].split(",") : undefined;
  // --folds N scores only the first N folds: a quicker, noisier screen (reported rows use all 5).
  const maxFolds = process.argv.includes("--folds") ? Number(process.argv[process.argv.indexOf("--folds") + 1]) : N_FOLDS;
  const ds = loadDataset();
  const split = loadSplit();
  const train = ds.households.filter((h) => split.train.includes(h.id));
  for (const h of train) if (split.heldOut.includes(h.id)) throw new Error(`held-out ${h.id} in training`);
  for (const h of train) houses.set(h.id, buildHouse(h.id, h.series));
  if (COLS.base.length !== 274) throw new Error("v2 feature columns not found");
  log(`${train.length} training households, ${[...houses.values()].reduce((a, d) => a + d.n, 0)} windows`);
  const order = shuffled(
    train.map((h) => h.id),
    mulberry32(SEED),
  );
  const folds = Array.from({ length: N_FOLDS }, (_, f) => order.filter((_, i) => i % N_FOLDS === f));
  const ensemble = median(order.map((id) => houses.get(id)!.ensembleCvrmse));
  log(`persistence ensemble median cvrmse ${ensemble.toFixed(4)}`);

  const results: Result[] = [];
  const run = (name: string, fitFold: (trainIds: string[]) => RowModel) => {
    if (only && !only.some((o) => name.startsWith(o))) return;
    const s = performance.now();
    const scores: number[] = [];
    for (const fold of folds.slice(0, maxFolds)) {
      const model = fitFold(order.filter((id) => !fold.includes(id)));
      for (const id of fold) scores.push(houseCvrmse(houses.get(id)!, model));
      if (!name.startsWith("ridge")) log(`  ${name}: fold done, running median ${median(scores).toFixed(4)}`);
    }
    const v = median(scores);
    // The ensemble over the same scored households (all 40 with 5 folds, fewer in a screen).
    const scored = median(
      folds
        .slice(0, maxFolds)
        .flat()
        .map((id) => houses.get(id)!.ensembleCvrmse),
    );
    const command = `npx tsx ml/training/select.ts --only "${name}"${maxFolds < N_FOLDS ? ` --folds ${maxFolds}` : ""}`;
    const r = {
      name,
      households: scores.length,
      cv_median_cvrmse: v,
      persistence_ensemble: scored,
      ratio: v / scored,
      seconds: (performance.now() - s) / 1000,
      command,
    };
    results.push(r);
    log(`${name}: median cvrmse ${v.toFixed(4)}, ratio ${r.ratio.toFixed(4)} (${r.seconds.toFixed(0)} s)`);
  };

  // Every candidate is or builds on a ridge model: per-household Gram matrices over all columns
  // (sub-Grams per feature set).
  const grams = new Map<string, Gram>();
  const gramsMidnight = new Map<string, Gram>();
  for (const [id, d] of houses) {
    grams.set(
      id,
      gramOf(d, () => true),
    );
    gramsMidnight.set(
      id,
      gramOf(d, (r) => d.midnight[r] === 1),
    );
  }
  log("Gram matrices done");
  const ridge =
    (cols: number[], lambda: number, gs = grams): ((ids: string[]) => RowModel) =>
    (ids) => {
      const m = solveRidge(subGram(addGrams(ids.map((id) => gs.get(id)!)), cols), lambda);
      return (d, r) => predict(m, rowX(d, r, cols));
    };
  const all = Array.from({ length: F_ALL }, (_, i) => i);
  // Household weight ensemble_cvrmse^-p (mean 1 over the fold): the loss then weighs each household
  // by how predictable its own history is, closer to the per-household ratio the goal medians.
  const weightedRidge =
    (cols: number[], lambda: number, p: number): ((ids: string[]) => RowModel) =>
    (ids) => {
      const ws = householdWeights(
        ids.map((id) => houses.get(id)!.ensembleCvrmse),
        p,
      );
      const m = solveRidge(
        subGram(
          addGrams(
            ids.map((id) => grams.get(id)!),
            ws,
          ),
          cols,
        ),
        lambda,
      );
      return (d, r) => predict(m, rowX(d, r, cols));
    };
  for (const lambda of [1000, 3000]) run(`ridge v2 features lambda=${lambda}`, ridge(COLS.base, lambda));
  for (const lambda of [100, 300, 1000])
    run(`ridge v2 features, midnight windows only lambda=${lambda}`, ridge(COLS.base, lambda, gramsMidnight));
  for (const lambda of [1000, 3000]) run(`ridge v2 + day-type profile lambda=${lambda}`, ridge([...COLS.base, ...COLS.daytype], lambda));
  for (const lambda of [1000, 3000]) run(`ridge v2 + max/std profiles lambda=${lambda}`, ridge([...COLS.base, ...COLS.spread], lambda));
  for (const lambda of [1000, 3000, 10000]) run(`ridge v3 features lambda=${lambda}`, ridge(all, lambda));
  run(`ridge v2 hw^2 lambda=10000`, weightedRidge(COLS.base, 10000, 2));
  for (const p of [1, 2, 3])
    for (const lambda of [3000, 10000, 30000]) run(`ridge v3 hw^${p} lambda=${lambda}`, weightedRidge(all, lambda, p));

  // Residual MLPs train on windows every MLP_STRIDE hours (as ml:train does) for speed.
  const mlps: [string, Omit<MlpOptions, "seed">][] = [
    ["mlp-res h32 e3", { hidden: 32, epochs: 3, batch: 256, lr: 1e-3, weightDecay: 1e-4 }],
    ["mlp-res h64 e4", { hidden: 64, epochs: 4, batch: 256, lr: 1e-3, weightDecay: 1e-4 }],
    ["mlp-res h32 e6 lr2e-3", { hidden: 32, epochs: 6, batch: 256, lr: 2e-3, weightDecay: 1e-3 }],
  ];
  const sets: [string, number[]][] = [
    ["v2", COLS.base],
    ["v3", all],
  ];
  for (const [name, o] of mlps) {
    for (const [setName, cols] of sets) {
      run(`${name} over ridge ${setName} lambda=3000`, (ids) => {
        const base = solveRidge(subGram(addGrams(ids.map((id) => grams.get(id)!)), cols), 3000);
        const m = fitResidualMlp(datasetOf(ids, cols, MLP_STRIDE), base, { ...o, seed: SEED }, mulberry32(SEED));
        return (d, r) => predict(m, rowX(d, r, cols));
      });
    }
  }

  const gbts: [string, GbtOptions][] = [
    [
      "gbt-res 100x depth4",
      { trees: 100, depth: 4, lr: 0.1, minLeaf: 200, lambda: 10, rowSample: 0.5, colSample: 0.5, bins: 32, stride: 2 },
    ],
  ];
  for (const [name, o] of gbts) {
    run(`${name} over ridge v3 lambda=3000`, (ids) => {
      const base = solveRidge(subGram(addGrams(ids.map((id) => grams.get(id)!)), all), 3000);
      const f = fitResidualGbt(datasetOf(ids, all, o.stride), base, o, mulberry32(SEED));
      return (d, r) => f(rowX(d, r, all));
    });
  }

  // Full 5-fold rows go to `candidates`, quicker first-fold screens to `screen_first_fold`.
  const key = maxFolds < N_FOLDS ? "screen_first_fold" : "candidates";
  const out = join(TRAINING_DIR, "selection.json");
  const prev = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : {};
  const old: Result[] = prev[key] ?? [];
  const merged = [...old.filter((p) => !results.some((r) => r.name === p.name)), ...results];
  writeFileSync(out, `${JSON.stringify({ ...prev, persistence_ensemble: ensemble, folds, [key]: merged }, null, 2)}\n`);
  log(`wrote ml/training/selection.json`);
}

main();

// Node-only: `npm run ml:train`. Fits the global day-ahead model over the training households,
// chooses the model family by validation on whole training households held aside, refits on all
// training households, and exports ml/models/forecast-<version>.onnx + .json (feature contract).
// Reproducible: every random choice comes from a seeded PRNG.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDataset, loadSplit, ML_DIR, mulberry32, shuffled, type Household } from "./data.ts";
import {
  buildFeatures,
  FEATURE_NAMES,
  FEATURE_VERSION,
  HISTORY_HOURS,
  HORIZON_HOURS,
  MIN_SCALE,
  N_FEATURES,
} from "./features.ts";
import { MODEL_INPUT, MODEL_OUTPUT, MODEL_VERSION } from "./forecast.ts";
import { ErrorAccumulator, median, persistenceEnsemble } from "./metrics.ts";
import { type Dataset2D, fitMlp, fitRidge, type NetModel, predict } from "./model.ts";
import { buildSamples } from "./training-data.ts";
import { encodeOnnx, IR_VERSION, OPSET } from "./onnx-export.ts";
import { makeWindows } from "./windows.ts";

const SEED = 42;
const TRAIN_STRIDE_HOURS = 6;
const N_VALIDATION = 8;

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const log = (...a: unknown[]) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const t0 = performance.now();

interface ValSet {
  id: string;
  x: Float32Array[];
  scale: number[];
  actual: number[][];
  ensemble: number[][];
}

function buildValidation(hh: Household[]): ValSet[] {
  return hh.map((h) => {
    const ws = makeWindows(h.series, 24);
    const feats = ws.map((w) => buildFeatures(w.history, w.start));
    return {
      id: h.id,
      x: feats.map((f) => f.x),
      scale: feats.map((f) => f.scale),
      actual: ws.map((w) => w.actual),
      ensemble: ws.map((w) => persistenceEnsemble(w.history)),
    };
  });
}

/** Median over households of the hourly cvrmse on midnight windows (the backtest protocol). */
function validate(model: NetModel, val: ValSet[]): number {
  return median(
    val.map((v) => {
      const acc = new ErrorAccumulator();
      v.x.forEach((x, i) => acc.add(Array.from(predict(model, x), (o) => Math.max(0, o * v.scale[i])), v.actual[i]));
      return acc.cvrmse();
    }),
  );
}

function validateEnsemble(val: ValSet[]): number {
  return median(
    val.map((v) => {
      const acc = new ErrorAccumulator();
      v.actual.forEach((a, i) => acc.add(v.ensemble[i], a));
      return acc.cvrmse();
    }),
  );
}

interface Candidate {
  name: string;
  fit: (d: Dataset2D, val: ValSet[] | null) => { model: NetModel; val?: number };
}

function mlpCandidate(hidden: number, epochs: number, lr: number, wd: number): Candidate {
  return {
    name: `mlp(hidden=${hidden},epochs=${epochs},lr=${lr},wd=${wd})`,
    fit: (d, val) => {
      const model = fitMlp(
        d,
        {
          hidden,
          epochs,
          batch: 128,
          lr,
          weightDecay: wd,
          seed: SEED,
          onEpoch: (e, m, loss) => {
            if (val && (e + 1) % 4 === 0) log(`  epoch ${e + 1} train mse ${loss.toFixed(4)} val ${validate(m, val).toFixed(4)}`);
          },
        },
        mulberry32(SEED),
      );
      return { model };
    },
  };
}

const candidates: Candidate[] = [
  ...[10, 100, 1000].map<Candidate>((lambda) => ({
    name: `ridge(lambda=${lambda})`,
    fit: (d) => ({ model: fitRidge(d, lambda) }),
  })),
  ...(quick ? [mlpCandidate(32, 4, 2e-3, 1e-4)] : [mlpCandidate(64, 12, 2e-3, 1e-4)]),
];

function main(): void {
  const ds = loadDataset();
  const split = loadSplit();
  const byId = new Map(ds.households.map((h) => [h.id, h]));
  const train = split.train.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  for (const h of train) if (split.heldOut.includes(h.id)) throw new Error(`held-out ${h.id} in training`);
  log(`data: ${ds.origin} (${ds.dir}); ${train.length} training households, ${split.heldOut.length} held out`);
  if (train.length < 2) throw new Error("need at least 2 training households");

  // 1. Model selection on whole training households held aside.
  const order = shuffled(
    train.map((h) => h.id),
    mulberry32(SEED),
  );
  const nVal = Math.min(N_VALIDATION, Math.floor(train.length / 4) || 1);
  const valIds = new Set(order.slice(0, nVal));
  const fitSet = buildSamples(
    train.filter((h) => !valIds.has(h.id)),
    TRAIN_STRIDE_HOURS,
  );
  const val = buildValidation(train.filter((h) => valIds.has(h.id)));
  log(`selection: ${fitSet.n} windows from ${train.length - nVal} households; validation on ${[...valIds].join(",")}`);
  const ensembleVal = validateEnsemble(val);
  log(`validation median cvrmse, persistence ensemble: ${ensembleVal.toFixed(4)}`);
  const results: { name: string; val: number; seconds: number }[] = [];
  let best: { c: Candidate; val: number } | null = null;
  for (const c of candidates) {
    const s = performance.now();
    const { model } = c.fit(fitSet, val);
    const v = validate(model, val);
    const seconds = (performance.now() - s) / 1000;
    results.push({ name: c.name, val: v, seconds });
    log(`candidate ${c.name}: validation median cvrmse ${v.toFixed(4)} (${seconds.toFixed(1)} s)`);
    if (!best || v < best.val) best = { c, val: v };
  }

  // 2. Refit the chosen candidate on all training households.
  const all = buildSamples(train, TRAIN_STRIDE_HOURS);
  log(`refit ${best!.c.name} on ${all.n} windows from ${train.length} households`);
  const { model } = best!.c.fit(all, null);

  // 3. Export.
  const dir = join(ML_DIR, "models");
  mkdirSync(dir, { recursive: true });
  const onnx = encodeOnnx(model, {
    inputName: MODEL_INPUT,
    outputName: MODEL_OUTPUT,
    producerVersion: MODEL_VERSION,
    metadata: { version: MODEL_VERSION, feature_version: String(FEATURE_VERSION) },
    docString: "Wattboard day-ahead hourly load forecast; see the JSON contract next to this file.",
  });
  const onnxFile = `forecast-${MODEL_VERSION}.onnx`;
  writeFileSync(join(dir, onnxFile), onnx);
  const contract = {
    version: MODEL_VERSION,
    model_file: onnxFile,
    sha256: createHash("sha256").update(onnx).digest("hex"),
    bytes: onnx.length,
    model: { kind: model.kind, hyper: model.hyper, opset: OPSET, ir_version: IR_VERSION },
    input: { name: MODEL_INPUT, type: "float32", shape: ["batch", N_FEATURES] },
    output: { name: MODEL_OUTPUT, type: "float32", shape: ["batch", HORIZON_HOURS] },
    features: {
      version: FEATURE_VERSION,
      module: "ml/features.ts (buildFeatures)",
      history_hours: HISTORY_HOURS,
      horizon_hours: HORIZON_HOURS,
      names: FEATURE_NAMES,
      time_zone: "calendar features use the meter's time zone (training data: UTC/GMT timestamps of the London trial)",
      missing: "missing history hours are filled with the mean of the same hour of day in the window (>= 24 valid hours required)",
    },
    normalisation: {
      scale: `mean kWh per hour of the 168 h history after imputation, floored at ${MIN_SCALE}`,
      inputs: "lag_* and profile_* are kWh / scale; log_scale = clamp(ln(scale) + 1, -3, 3)",
      outputs: "model output * scale = kWh per hour for the next 24 h, clipped at 0 (ml/features.ts denormalize)",
    },
    training: {
      data_origin: ds.origin,
      datasets: ["Low Carbon London smart meters 2013 (UK Power Networks, London Datastore)"],
      households: train.map((h) => h.id),
      held_out_households: split.heldOut,
      windows: all.n,
      window_stride_hours: TRAIN_STRIDE_HOURS,
      seed: SEED,
      selection: {
        validation_households: [...valIds],
        metric: "median per-household hourly cvrmse, midnight windows",
        persistence_ensemble: ensembleVal,
        candidates: results,
        chosen: best!.c.name,
      },
      seconds: (performance.now() - t0) / 1000,
    },
  };
  writeFileSync(join(dir, `forecast-${MODEL_VERSION}.json`), JSON.stringify(contract, null, 2) + "\n");
  log(`wrote ml/models/${onnxFile} (${onnx.length} bytes) and forecast-${MODEL_VERSION}.json`);
}

main();

// Node-only: `npm run ml:train`. Fits the global day-ahead model over the training households,
// chooses the ridge penalty and the household loss weights by K-fold cross-validation over whole
// training households (each training household is scored by a model that never saw it), refits on all training households,
// and exports ml/runtime/models/forecast-<version>.onnx + .json (feature contract). The model class
// (ridge over feature version 3) was chosen by ml/training/select.ts on the same folds (ml/training/selection.json).
// Reproducible: the folds come from a seeded PRNG and ridge has no other randomness.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFeatures, FEATURE_NAMES, FEATURE_VERSION, HISTORY_HOURS, HORIZON_HOURS, MIN_SCALE, N_FEATURES } from "../runtime/features.ts";
import { MODEL_INPUT, MODEL_OUTPUT, MODEL_VERSION } from "../runtime/forecast.ts";
import { type Household, loadDataset, loadSplit, MODELS_DIR, mulberry32, shuffled } from "./data.ts";
import { makeWindows } from "./forecast-windows.ts";
import { ErrorAccumulator, median, persistenceEnsemble } from "./metrics.ts";
import { accumulateGram, addGrams, emptyGram, type Gram, householdWeights, type NetModel, predict, solveRidge } from "./model.ts";
import { encodeOnnx, IR_VERSION, OPSET } from "./onnx-export.ts";
import { buildSamples } from "./training-data.ts";

const SEED = 42;
/** A training window starts at every hour (all start hours: augmentation, and the Worker may forecast at any hour). */
const TRAIN_STRIDE_HOURS = 1;
const N_FOLDS = 5;
const LAMBDAS = [3000, 10000, 30000];
/** Exponents p of the household loss weights ensemble_cvrmse^-p (model.ts householdWeights); 0 = unweighted. */
const WEIGHT_POWERS = [0, 1, 2, 3];

const log = (...a: unknown[]) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const t0 = performance.now();

interface ValSet {
  id: string;
  x: Float32Array[];
  scale: number[];
  actual: number[][];
  ensemble: number[][];
}

/** Midnight windows of one household, as the backtest scores them. */
function buildValidation(h: Household): ValSet {
  const ws = makeWindows(h.series, 24);
  const feats = ws.map((w) => buildFeatures(w.history, w.start));
  return {
    id: h.id,
    x: feats.map((f) => f.x),
    scale: feats.map((f) => f.scale),
    actual: ws.map((w) => w.actual),
    ensemble: ws.map((w) => persistenceEnsemble(w.history)),
  };
}

/** Hourly cvrmse of a model over one household's midnight windows. */
function householdCvrmse(model: NetModel, v: ValSet): number {
  const acc = new ErrorAccumulator();
  for (const [i, x] of v.x.entries())
    acc.add(
      Array.from(predict(model, x), (o) => Math.max(0, o * v.scale[i])),
      v.actual[i],
    );
  return acc.cvrmse();
}

function ensembleCvrmse(v: ValSet): number {
  const acc = new ErrorAccumulator();
  for (const [i, a] of v.actual.entries()) acc.add(v.ensemble[i], a);
  return acc.cvrmse();
}

function main(): void {
  const ds = loadDataset();
  const split = loadSplit();
  const byId = new Map(ds.households.map((h) => [h.id, h]));
  const train = split.train.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  for (const h of train) if (split.heldOut.includes(h.id)) throw new Error(`held-out ${h.id} in training`);
  log(`data: ${ds.origin} (${ds.dir}); ${train.length} training households, ${split.heldOut.length} held out`);
  if (train.length < 2) throw new Error("need at least 2 training households");

  // 1. Per-household sufficient statistics (ridge needs only X'WX and X'WY) and validation windows.
  const grams = new Map<string, Gram>();
  const vals = new Map<string, ValSet>();
  let windows = 0;
  for (const h of train) {
    const d = buildSamples([h], TRAIN_STRIDE_HOURS);
    windows += d.n;
    grams.set(h.id, accumulateGram(emptyGram(N_FEATURES, HORIZON_HOURS), d));
    vals.set(h.id, buildValidation(h));
  }
  log(`${windows} training windows (a start every ${TRAIN_STRIDE_HOURS} h), ${N_FEATURES} features`);

  // 2. Choose lambda by K-fold cross-validation over whole training households.
  const order = shuffled(
    train.map((h) => h.id),
    mulberry32(SEED),
  );
  const k = Math.min(N_FOLDS, train.length);
  const folds = Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
  const candidates = WEIGHT_POWERS.flatMap((power) =>
    LAMBDAS.map((lambda) => ({ power, lambda, name: `ridge(lambda=${lambda}, household weight power ${power})` })),
  );
  const scores = new Map<string, Map<string, number>>(candidates.map((c) => [c.name, new Map()]));
  const fitSeconds = new Map<string, number>(candidates.map((c) => [c.name, 0]));
  const ensemble = new Map(order.map((id) => [id, ensembleCvrmse(vals.get(id)!)]));
  for (const fold of folds) {
    const ids = order.filter((id) => !fold.includes(id));
    for (const power of WEIGHT_POWERS) {
      const g = addGrams(
        ids.map((id) => grams.get(id)!),
        householdWeights(
          ids.map((id) => ensemble.get(id)!),
          power,
        ),
      );
      for (const c of candidates.filter((c) => c.power === power)) {
        const s = performance.now();
        const model = solveRidge(g, c.lambda);
        fitSeconds.set(c.name, fitSeconds.get(c.name)! + (performance.now() - s) / 1000);
        for (const id of fold) scores.get(c.name)!.set(id, householdCvrmse(model, vals.get(id)!));
      }
    }
  }
  const ensembleVal = median([...ensemble.values()]);
  log(`cross-validation (${k} folds, ${train.length} households): persistence ensemble median cvrmse ${ensembleVal.toFixed(4)}`);
  const results = candidates.map((c) => {
    const v = median([...scores.get(c.name)!.values()]);
    log(`candidate ${c.name}: median cvrmse ${v.toFixed(4)} (ratio to ensemble ${(v / ensembleVal).toFixed(4)})`);
    return { ...c, val: v, seconds: fitSeconds.get(c.name)! };
  });
  const best = results.reduce((a, b) => (b.val < a.val ? b : a));

  // 3. Refit the chosen lambda on all training households.
  log(`refit ${best.name} on ${windows} windows from ${train.length} households`);
  const model = solveRidge(
    addGrams(
      train.map((h) => grams.get(h.id)!),
      householdWeights(
        train.map((h) => ensemble.get(h.id)!),
        best.power,
      ),
    ),
    best.lambda,
  );
  model.hyper.household_weight_power = best.power;

  // 3. Export.
  const dir = MODELS_DIR;
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
      module: "ml/runtime/features.ts (buildFeatures)",
      history_hours: HISTORY_HOURS,
      horizon_hours: HORIZON_HOURS,
      names: FEATURE_NAMES,
      time_zone: "calendar features use the meter's time zone (training data: UTC/GMT timestamps of the London trial)",
      missing: "missing history hours are filled with the mean of the same hour of day in the window (>= 24 valid hours required)",
    },
    normalisation: {
      scale: `mean kWh per hour of the 168 h history after imputation, floored at ${MIN_SCALE}`,
      inputs:
        "lag_* and every *profile_* are kWh / scale (std_profile_* a standard deviation in kWh / scale); log_scale = clamp(ln(scale) + 1, -3, 3)",
      outputs: "model output * scale = kWh per hour for the next 24 h, clipped at 0 (ml/runtime/features.ts denormalize)",
    },
    training: {
      data_origin: ds.origin,
      datasets: ["Low Carbon London smart meters 2013 (UK Power Networks, London Datastore)"],
      households: train.map((h) => h.id),
      held_out_households: split.heldOut,
      windows,
      window_stride_hours: TRAIN_STRIDE_HOURS,
      seed: SEED,
      selection: {
        method: `${k}-fold cross-validation over whole training households (seeded shuffle, seed ${SEED}); held-out households are never used`,
        folds,
        metric: "median over training households of the out-of-fold hourly cvrmse, midnight windows",
        persistence_ensemble: ensembleVal,
        candidates: results.map(({ name, val, seconds }) => ({ name, val, seconds })),
        household_weights:
          "each training household's rows weigh ensemble_cvrmse^-power (its persistence-ensemble cvrmse on its midnight windows), mean 1",
        chosen: best.name,
        model_class:
          "ridge over feature version 3, chosen among ridge feature sets, residual MLPs and residual gradient-boosted trees by `npx tsx ml/training/select.ts` (same folds; ml/training/selection.json)",
      },
      seconds: (performance.now() - t0) / 1000,
    },
  };
  writeFileSync(join(dir, `forecast-${MODEL_VERSION}.json`), `${JSON.stringify(contract, null, 2)}\n`);
  log(`wrote ml/runtime/models/${onnxFile} (${onnx.length} bytes) and forecast-${MODEL_VERSION}.json`);
}

main();

// Node-only: `npm run ml:train [-- --subset N]`. Fits the pooled rolling forecast model over the training households,
// chooses the feature set, the ridge penalty and the household loss weights by K-fold cross-validation over whole
// training households (each training household is scored by a model that never saw it), calibrates the p10/p90
// outputs on the same out-of-fold predictions, refits on all training households, and exports
// ml/runtime/models/forecast-<version>.onnx + .json (feature contract). The model class (ridge) was chosen by
// ml/training/select.ts on the same folds (ml/training/selection.json). `--subset N`: the first N training households
// only, a quicker screen while iterating (its files are not for shipping).
// Reproducible: the folds come from a seeded PRNG and ridge has no other randomness.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFeatures, FEATURE_NAMES, FEATURE_VERSION, HISTORY_HOURS, HORIZON_HOURS, MIN_SCALE, N_FEATURES } from "../runtime/features.ts";
import { MODEL_INPUT, MODEL_OUTPUT, MODEL_P10_OUTPUT, MODEL_P90_OUTPUT, MODEL_VERSION } from "../runtime/forecast.ts";
import { featureOptionsOf, type Household, loadDataset, loadSplit, MODELS_DIR, mulberry32, shuffled } from "./data.ts";
import { lastValue } from "./forecast-scoring.ts";
import { makeWindows } from "./forecast-windows.ts";
import { median, persistenceEnsemble } from "./metrics.ts";
import { accumulateGram, addGrams, emptyGram, type Gram, householdWeights, type NetModel, predict, solveRidge, subGram } from "./model.ts";
import { encodeOnnx, IR_VERSION, OPSET } from "./onnx-export.ts";
import { bandScores, type Calibration, fitQuantile } from "./quantiles.ts";
import { buildSamples } from "./training-data.ts";

const SEED = 42;
/** A training window starts at every hour (all start hours: augmentation, and the Worker may forecast at any hour). */
const TRAIN_STRIDE_HOURS = 1;
const N_FOLDS = 5;
const LAMBDAS = [300, 1000, 3000, 10000, 30000, 100000];
/** Exponents p of the household loss weights ensemble_cvrmse^-p (model.ts householdWeights); 0 = unweighted. */
const WEIGHT_POWERS = [0, 2];
/** Rolling validation windows start every 5 h: over a year they cover every issue hour (5 and 24 are coprime). */
const ROLLING_STRIDE_HOURS = 5;
const LEADS = [1, 6, 24];
/** p10/p90 designs compared out of fold (ml/training/quantiles.ts). */
const QUANTILE_VARIANTS = [
  { name: "multiplier x p50 + offset", spread: false },
  { name: "multiplier x p50 + the week's lowest, median, highest day and std at that hour + offset", spread: true },
];
/** Feature version 4's additions (ml/runtime/features.ts); the candidates add them in groups. */
const ISSUE_GROUP = /^(issue_hour_|today_)/;
const RECENT_GROUP = /^(recent_|log_lag_)/;
const CALENDAR_GROUP = /^(bank_holiday_|clock_change_)/;
const SUN_GROUP = /^(sunset_local|dark_)/;
const columns = (keep: (name: string) => boolean) => FEATURE_NAMES.flatMap((n, i) => (keep(n) ? [i] : []));
const isV3 = (n: string) => ![ISSUE_GROUP, RECENT_GROUP, CALENDAR_GROUP, SUN_GROUP].some((g) => g.test(n));
const FEATURE_SETS = [
  { name: "v3 features", cols: columns(isV3) },
  { name: "v3 + issue hour, today so far", cols: columns((n) => isV3(n) || ISSUE_GROUP.test(n)) },
  {
    name: "v3 + issue hour, today so far, last 3 h nonlinear",
    cols: columns((n) => isV3(n) || ISSUE_GROUP.test(n) || RECENT_GROUP.test(n)),
  },
  {
    name: "v3 + issue hour, today so far, last 3 h nonlinear, bank holidays, clock changes",
    cols: columns((n) => !SUN_GROUP.test(n)),
  },
  { name: "v4 features (+ sunset, darkness)", cols: columns(() => true) },
];

const log = (...a: unknown[]) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const t0 = performance.now();

/** Validation windows of one household: its midnight windows (day-ahead, as the backtest scores them) and rolling ones. */
interface ValSet {
  id: string;
  midnight: Scored;
  rolling: Scored;
}

interface Scored {
  x: Float32Array[];
  scale: number[];
  actual: number[][];
  ensemble: number[][];
  last: number[][];
}

function scoredWindows(h: Household, stride: number): Scored {
  const ws = makeWindows(h.series, stride);
  const feats = ws.map((w) => buildFeatures(w.history, w.start, featureOptionsOf(h)));
  return {
    x: feats.map((f) => f.x),
    scale: feats.map((f) => f.scale),
    actual: ws.map((w) => w.actual),
    ensemble: ws.map((w) => persistenceEnsemble(w.history)),
    last: ws.map((w) => lastValue(w.history)),
  };
}

/** Squared errors, counts and actual sums per horizon hour: cvrmse over any set of hours follows from them. */
interface HourErrors {
  sq: Float64Array;
  n: Float64Array;
  actual: Float64Array;
}

function hourErrors(pred: (i: number) => ArrayLike<number>, v: Scored): HourErrors {
  const e = { sq: new Float64Array(HORIZON_HOURS), n: new Float64Array(HORIZON_HOURS), actual: new Float64Array(HORIZON_HOURS) };
  for (let i = 0; i < v.x.length; i++) {
    const p = pred(i);
    for (let h = 0; h < HORIZON_HOURS; h++) {
      const a = v.actual[i][h];
      if (!Number.isFinite(a)) continue;
      e.sq[h] += (p[h] - a) ** 2;
      e.n[h]++;
      e.actual[h] += a;
    }
  }
  return e;
}

/** cvrmse over the given horizon hours (default all), each hour's errors taken from `pick(h)`. */
function cvrmseOf(pick: (h: number) => HourErrors, hours: number[] = [...Array(HORIZON_HOURS).keys()]): number {
  let sq = 0;
  let n = 0;
  let actual = 0;
  for (const h of hours) {
    const e = pick(h);
    sq += e.sq[h];
    n += e.n[h];
    actual += e.actual[h];
  }
  return Math.sqrt(sq / n) / (actual / n);
}

const kwhOf = (model: NetModel, v: Scored) => (i: number) => Array.from(predict(model, v.x[i]), (o) => Math.max(0, o * v.scale[i]));

/** Ridge with a penalty per horizon hour: each output column is its own ridge problem on the same Gram matrix. */
function ridgePerHour(g: Gram, lambdas: number[]): NetModel {
  const solved = new Map([...new Set(lambdas)].map((l) => [l, solveRidge(g, l).layers[0]]));
  const w = new Float64Array(g.f * HORIZON_HOURS);
  const b = new Float64Array(HORIZON_HOURS);
  lambdas.forEach((l, h) => {
    const L = solved.get(l)!;
    for (let i = 0; i < g.f; i++) w[i * HORIZON_HOURS + h] = L.w[i * HORIZON_HOURS + h];
    b[h] = L.b[h];
  });
  return { kind: "ridge", hyper: {}, layers: [{ inDim: g.f, outDim: HORIZON_HOURS, w, b, relu: false }] };
}

/** A ridge model fitted on a column subset, widened to take the full feature vector (zero weights elsewhere). */
function widen(model: NetModel, cols: number[]): NetModel {
  const L = model.layers[0];
  const w = new Float64Array(N_FEATURES * L.outDim);
  for (const [k, c] of cols.entries()) w.set(L.w.subarray(k * L.outDim, (k + 1) * L.outDim), c * L.outDim);
  return { ...model, layers: [{ ...L, inDim: N_FEATURES, w }] };
}

interface CandidateScore {
  midnight: HourErrors;
  rolling: HourErrors;
}

function main(): void {
  const ds = loadDataset();
  const split = loadSplit();
  const byId = new Map(ds.households.map((h) => [h.id, h]));
  const subsetArg = process.argv.indexOf("--subset");
  const subset = subsetArg > 0 ? Number(process.argv[subsetArg + 1]) : Infinity;
  const train = split.train
    .filter((id) => byId.has(id))
    .slice(0, subset)
    .map((id) => byId.get(id)!);
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
    vals.set(h.id, { id: h.id, midnight: scoredWindows(h, 24), rolling: scoredWindows(h, ROLLING_STRIDE_HOURS) });
  }
  log(`${windows} training windows (a start every ${TRAIN_STRIDE_HOURS} h), ${N_FEATURES} features`);

  // 2. Choose the feature set, lambda and weights by K-fold cross-validation over whole training households,
  // on the rolling windows (the product forecasts every hour); the day-ahead figure is reported next to it.
  const order = shuffled(
    train.map((h) => h.id),
    mulberry32(SEED),
  );
  const k = Math.min(N_FOLDS, train.length);
  const folds = Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
  const fixed = FEATURE_SETS.flatMap((set) =>
    WEIGHT_POWERS.flatMap((power) =>
      LAMBDAS.map((lambda) => ({
        set,
        power,
        lambdas: Array<number>(HORIZON_HOURS).fill(lambda),
        name: `ridge ${set.name} (lambda=${lambda}, household weight power ${power})`,
      })),
    ),
  );
  const ensemble = new Map(
    order.map((id) => {
      const m = vals.get(id)!.midnight;
      const e = hourErrors((i) => m.ensemble[i], m);
      return [id, cvrmseOf(() => e)];
    }),
  );
  const oofScores = (cands: { set: (typeof FEATURE_SETS)[number]; power: number; lambdas: number[]; name: string }[]) => {
    const scores = new Map<string, Map<string, CandidateScore>>(cands.map((c) => [c.name, new Map()]));
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
        for (const set of FEATURE_SETS) {
          const mine = cands.filter((c) => c.power === power && c.set === set);
          if (!mine.length) continue;
          const sub = subGram(g, set.cols);
          for (const c of mine) {
            const model = widen(ridgePerHour(sub, c.lambdas), set.cols);
            for (const id of fold) {
              const v = vals.get(id)!;
              scores.get(c.name)!.set(id, {
                midnight: hourErrors(kwhOf(model, v.midnight), v.midnight),
                rolling: hourErrors(kwhOf(model, v.rolling), v.rolling),
              });
            }
          }
        }
      }
    }
    return scores;
  };
  const baselines = new Map(
    order.map((id) => {
      const v = vals.get(id)!;
      return [
        id,
        {
          midnight: hourErrors((i) => v.midnight.ensemble[i], v.midnight),
          rolling: hourErrors((i) => v.rolling.ensemble[i], v.rolling),
          last: hourErrors((i) => v.rolling.last[i], v.rolling),
        },
      ];
    }),
  );
  // Ratios to the baseline per household, median over households; by lead against the better persistence (the goals' form).
  const ratios = (s: Map<string, CandidateScore>) => {
    const per = (f: (c: CandidateScore, b: NonNullable<ReturnType<typeof baselines.get>>) => number) =>
      median(order.map((id) => f(s.get(id)!, baselines.get(id)!)));
    return {
      day_ahead_ratio: per((c, b) => cvrmseOf(() => c.midnight) / cvrmseOf(() => b.midnight)),
      rolling_ratio: per((c, b) => cvrmseOf(() => c.rolling) / cvrmseOf(() => b.rolling)),
      lead_ratio: Object.fromEntries(
        LEADS.map((l) => [
          l,
          per(
            (c, b) =>
              cvrmseOf(() => c.rolling, [l - 1]) /
              Math.min(
                cvrmseOf(() => b.rolling, [l - 1]),
                cvrmseOf(() => b.last, [l - 1]),
              ),
          ),
        ]),
      ),
    };
  };
  const fixedScores = oofScores(fixed);
  // Per feature set and weight: the lambda of each horizon hour chosen by the same cross-validation (short leads want less
  // shrinkage than long ones); its figures below are cross-validated like every row, the choice of lambda included alike.
  const perHour = FEATURE_SETS.flatMap((set) =>
    WEIGHT_POWERS.map((power) => {
      const mine = fixed.filter((c) => c.set === set && c.power === power);
      const lambdas = Array.from({ length: HORIZON_HOURS }, (_, h) => {
        const score = (c: (typeof mine)[number]) =>
          median(
            order.map(
              (id) => cvrmseOf(() => fixedScores.get(c.name)!.get(id)!.rolling, [h]) / cvrmseOf(() => baselines.get(id)!.rolling, [h]),
            ),
          );
        return mine.reduce((a, b) => (score(b) < score(a) ? b : a)).lambdas[h];
      });
      return { set, power, lambdas, name: `ridge ${set.name} (lambda per horizon hour, household weight power ${power})` };
    }),
  );
  const perHourScores = oofScores(perHour);
  log(`cross-validation (${k} folds, ${train.length} households)`);
  const results = [
    ...fixed.map((c) => ({ ...c, ...ratios(fixedScores.get(c.name)!) })),
    ...perHour.map((c) => ({ ...c, ...ratios(perHourScores.get(c.name)!) })),
  ];
  for (const r of results)
    log(
      `candidate ${r.name}: day-ahead ${r.day_ahead_ratio.toFixed(4)}, rolling ${r.rolling_ratio.toFixed(4)} of the ensemble; leads ${LEADS.map((l) => `${l} h ${r.lead_ratio[l].toFixed(4)}`).join(", ")} of the better persistence`,
    );
  // The lowest rolling ratio among candidates at least as good day-ahead as the best v3-feature one: the product
  // forecasts every hour, and the contract's day-ahead figure (forecast.cvrmse) must not regress.
  const v3DayAhead = Math.min(...results.filter((r) => r.set === FEATURE_SETS[0]).map((r) => r.day_ahead_ratio));
  const best = results.filter((r) => r.day_ahead_ratio <= v3DayAhead).reduce((a, b) => (b.rolling_ratio < a.rolling_ratio ? b : a));

  // 3. Calibrate p10/p90 on the chosen candidate's out-of-fold rolling predictions (normalised units).
  const calibration: Calibration = { predicted: [], actual: [], x: [] };
  for (const fold of folds) {
    const ids = order.filter((id) => !fold.includes(id));
    const g = addGrams(
      ids.map((id) => grams.get(id)!),
      householdWeights(
        ids.map((id) => ensemble.get(id)!),
        best.power,
      ),
    );
    const model = widen(ridgePerHour(subGram(g, best.set.cols), best.lambdas), best.set.cols);
    for (const id of fold) {
      const r = vals.get(id)!.rolling;
      r.x.forEach((x, i) => {
        calibration.predicted.push(Float32Array.from(predict(model, x)));
        calibration.actual.push(Float32Array.from(r.actual[i], (a) => a / r.scale[i]));
        calibration.x.push(x);
      });
    }
  }
  const spreadColumns = (h: number) =>
    ["min_profile", "median_profile", "max_profile", "std_profile"].map((n) => FEATURE_NAMES.indexOf(`${n}_${h}`));
  const band = Object.fromEntries(
    QUANTILE_VARIANTS.map((v) => {
      const p10 = fitQuantile(calibration, 0.1, v.spread ? spreadColumns : () => []);
      const p90 = fitQuantile(calibration, 0.9, v.spread ? spreadColumns : () => []);
      const scores = bandScores(calibration, p10, p90);
      log(
        `p10/p90 ${v.name} on ${calibration.predicted.length} out-of-fold windows: coverage ${scores.coverage.toFixed(3)}, pinball ${scores.pinball.toFixed(4)}`,
      );
      return [v.name, { p10, p90, ...scores }];
    }),
  );
  // The variant with the lower out-of-fold pinball loss ships.
  const bandChoice = Object.entries(band).reduce((a, b) => (b[1].pinball < a[1].pinball ? b : a));
  const { p10, p90, coverage: calibrationCoverage } = bandChoice[1];

  // 4. Refit the chosen candidate on all training households.
  log(`refit ${best.name} on ${windows} windows from ${train.length} households`);
  const model = widen(
    ridgePerHour(
      subGram(
        addGrams(
          train.map((h) => grams.get(h.id)!),
          householdWeights(
            train.map((h) => ensemble.get(h.id)!),
            best.power,
          ),
        ),
        best.set.cols,
      ),
      best.lambdas,
    ),
    best.set.cols,
  );

  // 5. Export.
  const dir = MODELS_DIR;
  mkdirSync(dir, { recursive: true });
  const onnx = encodeOnnx(model, {
    inputName: MODEL_INPUT,
    outputName: MODEL_OUTPUT,
    producerVersion: MODEL_VERSION,
    linearOutputs: [
      { name: MODEL_P10_OUTPUT, ...p10 },
      { name: MODEL_P90_OUTPUT, ...p90 },
    ],
    metadata: { version: MODEL_VERSION, feature_version: String(FEATURE_VERSION) },
    docString: "Wattboard rolling hourly load forecast (p50, p10, p90 for the next 24 h); see the JSON contract next to this file.",
  });
  const onnxFile = `forecast-${MODEL_VERSION}.onnx`;
  writeFileSync(join(dir, onnxFile), onnx);
  const contract = {
    version: MODEL_VERSION,
    model_file: onnxFile,
    sha256: createHash("sha256").update(onnx).digest("hex"),
    bytes: onnx.length,
    model: {
      kind: model.kind,
      lambda_per_horizon_hour: best.lambdas,
      household_weight_power: best.power,
      opset: OPSET,
      ir_version: IR_VERSION,
    },
    input: { name: MODEL_INPUT, type: "float32", shape: ["batch", N_FEATURES] },
    output: { name: MODEL_OUTPUT, type: "float32", shape: ["batch", HORIZON_HOURS] },
    quantile_outputs: {
      [MODEL_P10_OUTPUT]: { level: 0.1, multiplier: p10.multiplier, offset: p10.offset },
      [MODEL_P90_OUTPUT]: { level: 0.9, multiplier: p90.multiplier, offset: p90.offset },
      method: `per horizon hour, linear quantile regression (${bandChoice[0]}) in normalised units, fitted by IRLS on out-of-fold rolling predictions of the training households (ml/training/quantiles.ts); clipped at 0 and ordered around p50 by forecast.ts`,
      candidates: Object.entries(band).map(([name, b]) => ({
        name,
        out_of_fold_coverage_80: b.coverage,
        out_of_fold_pinball_p10_p90: b.pinball,
      })),
      out_of_fold_coverage_80: calibrationCoverage,
    },
    features: {
      version: FEATURE_VERSION,
      module: "ml/runtime/features.ts (buildFeatures)",
      history_hours: HISTORY_HOURS,
      horizon_hours: HORIZON_HOURS,
      names: FEATURE_NAMES,
      time_zone: "calendar features use the meter's time zone (training: Europe/London for the London trial's UTC timestamps)",
      location: "sun features use the meter's latitude/longitude, London's when unknown",
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
      subset: Number.isFinite(subset) ? subset : undefined,
      seed: SEED,
      selection: {
        method: `${k}-fold cross-validation over whole training households (seeded shuffle, seed ${SEED}); held-out households are never used`,
        folds,
        metric: `median over training households of the out-of-fold hourly cvrmse / persistence ensemble: rolling windows every ${ROLLING_STRIDE_HOURS} h, all 24 leads (the lowest is chosen among the candidates whose midnight day-ahead ratio is at most the best v3-feature candidate's); by lead, the ratio to the better of persistence ensemble and last value`,
        candidates: results.map(({ name, lambdas, day_ahead_ratio, rolling_ratio, lead_ratio }) => ({
          name,
          lambdas,
          day_ahead_ratio,
          rolling_ratio,
          lead_ratio,
        })),
        household_weights:
          "each training household's rows weigh ensemble_cvrmse^-power (its persistence-ensemble cvrmse on its midnight windows), mean 1",
        chosen: best.name,
        model_class:
          "ridge, chosen among ridge feature sets, residual MLPs and residual gradient-boosted trees by `npx tsx ml/training/select.ts` (same folds, day-ahead; ml/training/selection.json)",
      },
      seconds: (performance.now() - t0) / 1000,
    },
  };
  writeFileSync(join(dir, `forecast-${MODEL_VERSION}.json`), `${JSON.stringify(contract, null, 2)}\n`);
  log(`wrote ml/runtime/models/${onnxFile} (${onnx.length} bytes) and forecast-${MODEL_VERSION}.json`);
}

main();

// Pure TypeScript (no Node imports): runs the exported ONNX forecast model through an
// onnxruntime InferenceSession (onnxruntime-web in the Worker, onnxruntime-web or -node in Node).
// The caller passes its `ort.Tensor` constructor so this file imports no runtime itself.
import { buildFeatures, denormalize, type FeatureOptions, HISTORY_HOURS, HORIZON_HOURS, imputeHistory, N_FEATURES } from "./features.ts";

/** Version of the model file the product uses: ml/runtime/models/forecast-<MODEL_VERSION>.onnx (+ .json). */
export const MODEL_VERSION = "v4";
export const MODEL_INPUT = "features";
export const MODEL_OUTPUT = "forecast_norm";
/** Calibrated p10 and p90 outputs (normalised like MODEL_OUTPUT, which is the p50). */
export const MODEL_P10_OUTPUT = "forecast_p10_norm";
export const MODEL_P90_OUTPUT = "forecast_p90_norm";

/** The subset of onnxruntime's Tensor constructor used here. */
export type TensorCtor = new (type: "float32", data: Float32Array, dims: readonly number[]) => unknown;

/** The subset of onnxruntime's InferenceSession used here. */
export interface SessionLike {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
}

export interface ForecastRequest {
  /** 168 hourly kWh values before `start`, oldest first (NaN = missing hour). */
  history: ArrayLike<number>;
  /** Start of the forecast (epoch ms, whole hour). */
  start: number;
}

/** 24 hourly kWh each, p10 <= p50 <= p90. */
export interface ForecastQuantiles {
  p10: number[];
  p50: number[];
  p90: number[];
}

export interface ForecastResult {
  /** 24 hourly kWh values from `start` (= quantiles.p50, the point forecast). */
  kwh: number[];
  /** Per-meter scale (mean kWh/h of the history after imputation). */
  scale: number;
  quantiles: ForecastQuantiles;
}

/** Forecasts many windows in one session run (batch dimension). */
export async function forecastBatch(
  session: SessionLike,
  Tensor: TensorCtor,
  requests: ForecastRequest[],
  opts: FeatureOptions = {},
): Promise<ForecastResult[]> {
  if (requests.length === 0) return [];
  const feats = requests.map((r) => buildFeatures(r.history, r.start, opts));
  const x = new Float32Array(requests.length * N_FEATURES);
  for (const [i, f] of feats.entries()) x.set(f.x, i * N_FEATURES);
  const out = await session.run({ [MODEL_INPUT]: new Tensor("float32", x, [requests.length, N_FEATURES]) });
  const output = (name: string) => {
    const y = out[name]?.data as ArrayLike<number> | undefined;
    if (!y || y.length !== requests.length * HORIZON_HOURS) throw new Error(`model output "${name}" has the wrong shape`);
    return (i: number, scale: number) => denormalize(Array.prototype.slice.call(y, i * HORIZON_HOURS, (i + 1) * HORIZON_HOURS), scale);
  };
  const [p10, p50, p90] = [MODEL_P10_OUTPUT, MODEL_OUTPUT, MODEL_P90_OUTPUT].map(output);
  return feats.map((f, i) => {
    const median = p50(i, f.scale);
    // Each output is clipped at 0 separately; keep the band around the median.
    const low = p10(i, f.scale).map((v, h) => Math.min(v, median[h]));
    const high = p90(i, f.scale).map((v, h) => Math.max(v, median[h]));
    return { kwh: median, scale: f.scale, quantiles: { p10: low, p50: median, p90: high } };
  });
}

/** Forecasts the 24 h after `start` from the 168 h before it. */
export async function forecast24h(
  session: SessionLike,
  Tensor: TensorCtor,
  history: ArrayLike<number>,
  start: number,
  opts: FeatureOptions = {},
): Promise<ForecastResult> {
  const [r] = await forecastBatch(session, Tensor, [{ history, start }], opts);
  return r;
}

/**
 * Equally likely load scenarios for the planner (ml/runtime/planner.ts `loadScenarios`): the forecast,
 * plus the forecast shifted by each of the 7 past days' deviation from their mean profile at the
 * same hour of day (clipped at 0). They carry the meter's own day-to-day variability, so the plan
 * weighs the risk of discharging less than planned when the load turns out lower or higher.
 */
export function loadScenarios(forecast: ArrayLike<number>, history: ArrayLike<number>): number[][] {
  if (history.length !== HISTORY_HOURS) throw new Error(`history must have ${HISTORY_HOURS} values`);
  const filled = imputeHistory(history);
  const days = HISTORY_HOURS / 24;
  const mean = Array.from({ length: HORIZON_HOURS }, (_, h) => {
    let s = 0;
    for (let d = 0; d < days; d++) s += filled[d * 24 + h];
    return s / days;
  });
  const out: number[][] = [Array.from(forecast)];
  for (let d = 0; d < days; d++) {
    out.push(Array.from({ length: HORIZON_HOURS }, (_, h) => Math.max(0, forecast[h] + filled[d * 24 + h] - mean[h])));
  }
  return out;
}

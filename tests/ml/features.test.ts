import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildFeatures,
  FEATURE_NAMES,
  HISTORY_HOURS,
  HORIZON_HOURS,
  imputeHistory,
  leaveOutHours,
  localCalendar,
  N_FEATURES,
} from "../../ml/runtime/features.ts";
import {
  forecast24h,
  forecastBatch,
  loadScenarios,
  MODEL_INPUT,
  MODEL_OUTPUT,
  MODEL_P10_OUTPUT,
  MODEL_P90_OUTPUT,
  MODEL_VERSION,
  type SessionLike,
} from "../../ml/runtime/forecast.ts";
import { HOUR_MS } from "../../ml/training/csv-series.ts";
import { featureOptionsOf, mulberry32 } from "../../ml/training/data.ts";
import { accumulateGram, addGrams, emptyGram, fitResidualMlp, fitRidge, predict, solveRidge } from "../../ml/training/model.ts";
import { encodeOnnx } from "../../ml/training/onnx-export.ts";
import { loadOnnxSession } from "../../ml/training/ort-node.ts";
import { quantileAt } from "../../ml/training/quantiles.ts";
import { buildSamples } from "../../ml/training/training-data.ts";

const MODELS = join(import.meta.dirname, "../../ml/runtime/models");

/** A synthetic household: daily shape, weekly pattern, noise, a few missing hours. */
function household(days: number, seed: number) {
  const r = mulberry32(seed);
  const start = Date.UTC(2013, 2, 4); // a Monday
  const values = Array.from({ length: days * 24 }, (_, i) => {
    const h = i % 24;
    const dow = Math.floor(i / 24) % 7;
    const v = 0.2 + 0.3 * Math.exp(-((h - 19) ** 2) / 6) + (dow >= 5 ? 0.1 : 0) + 0.1 * r();
    return r() < 0.01 ? NaN : v;
  });
  return { id: `SYN${seed}`, source: "lcl" as const, series: { start, values } };
}

/** Records what the model receives, returns zeros of the right shape. */
function recordingSession(): SessionLike & { inputs: Float32Array[] } {
  const inputs: Float32Array[] = [];
  return {
    inputs,
    async run(feeds) {
      const t = feeds[MODEL_INPUT] as { data: Float32Array; dims: number[] };
      inputs.push(t.data);
      const out = (v: number) => ({ data: new Float32Array(t.dims[0] * HORIZON_HOURS).fill(v) });
      return { [MODEL_OUTPUT]: out(1), [MODEL_P10_OUTPUT]: out(0.5), [MODEL_P90_OUTPUT]: out(2) };
    },
  };
}

class FakeTensor {
  constructor(
    public type: string,
    public data: Float32Array,
    public dims: readonly number[],
  ) {}
}

describe("feature contract", () => {
  it("training rows and inference inputs are identical for the same history", async () => {
    const h = household(30, 3);
    const rows = buildSamples([h], 24);
    expect(rows.n).toBeGreaterThan(10);
    const session = recordingSession();
    // Inference: the Worker path, one window at a time from the raw history.
    for (let i = 0; i < rows.n; i++) {
      const start = Math.ceil((h.series.start + HISTORY_HOURS * HOUR_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS + i * 24 * HOUR_MS;
      const i0 = (start - h.series.start) / HOUR_MS;
      await forecast24h(session, FakeTensor, h.series.values.slice(i0 - HISTORY_HOURS, i0), start, featureOptionsOf(h));
    }
    expect(session.inputs).toHaveLength(rows.n);
    session.inputs.forEach((x, i) => {
      expect(x).toHaveLength(N_FEATURES);
      expect(Array.from(x)).toEqual(Array.from(rows.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)));
    });
  });

  it("has the documented layout and is invariant to the meter's scale (except log_scale)", () => {
    expect(FEATURE_NAMES).toHaveLength(N_FEATURES);
    expect(FEATURE_NAMES[0]).toBe("lag_167");
    expect(FEATURE_NAMES[HISTORY_HOURS - 1]).toBe("lag_0");
    const hist = household(8, 5).series.values.slice(0, HISTORY_HOURS);
    const start = Date.UTC(2013, 2, 11);
    const a = buildFeatures(hist, start);
    const b = buildFeatures(
      hist.map((v) => v * 10),
      start,
    );
    expect(b.scale).toBeCloseTo(a.scale * 10, 9);
    const ls = FEATURE_NAMES.indexOf("log_scale");
    for (let i = 0; i < N_FEATURES; i++) if (i !== ls) expect(b.x[i]).toBeCloseTo(a.x[i], 5);
    expect(b.x[ls]).toBeCloseTo(a.x[ls] + Math.log(10), 5);
    // The history mean of the lag features is 1 by construction.
    let s = 0;
    for (let i = 0; i < HISTORY_HOURS; i++) s += a.x[i];
    expect(s / HISTORY_HOURS).toBeCloseTo(1, 5);
    // Monday midnight in UTC
    expect(a.x[FEATURE_NAMES.indexOf("dow_0")]).toBe(1);
    expect(a.x[FEATURE_NAMES.indexOf("start_hour_cos")]).toBeCloseTo(1, 9);
  });

  it("robust profiles (feature version 2) are the median, trimmed mean and minimum of the 7 days at each hour", () => {
    // Day d at hour h: (d + 1) * (h + 1), except a spike on day 2 at hour 19.
    const hist = Array.from({ length: HISTORY_HOURS }, (_, i) => (Math.floor(i / 24) + 1) * ((i % 24) + 1));
    hist[2 * 24 + 19] = 1000;
    const f = buildFeatures(hist, Date.UTC(2013, 2, 11));
    const at = (name: string) => f.x[FEATURE_NAMES.indexOf(name)] * f.scale;
    for (const h of [0, 7, 19, 23]) {
      const days = Array.from({ length: 7 }, (_, d) => hist[d * 24 + h]).sort((a, b) => a - b);
      expect(at(`median_profile_${h}`)).toBeCloseTo(days[3], 3);
      expect(at(`trimmed_profile_${h}`)).toBeCloseTo(days.slice(1, 6).reduce((a, b) => a + b, 0) / 5, 3);
      expect(at(`min_profile_${h}`)).toBeCloseTo(days[0], 3);
      expect(at(`profile_${h}`)).toBeCloseTo(days.reduce((a, b) => a + b, 0) / 7, 3);
    }
    // The spike moves the mean profile a lot, the robust ones little.
    expect(at("profile_19")).toBeGreaterThan(150);
    expect(at("median_profile_19")).toBeCloseTo(5 * 20, 3); // days 1,2,4..7 plus the spike: 20,40,80,100,120,140,1000
    expect(at("trimmed_profile_19")).toBeLessThan(120);
  });

  it("feature version 3: the day-type profile averages the past days of the target's day type; max and std of the 7 days", () => {
    // Day d at hour h: (d + 1) * (h + 1); the history's first day is 7 days before the start.
    const hist = Array.from({ length: HISTORY_HOURS }, (_, i) => (Math.floor(i / 24) + 1) * ((i % 24) + 1));
    const at = (f: ReturnType<typeof buildFeatures>, name: string) => f.x[FEATURE_NAMES.indexOf(name)] * f.scale;
    const monday = buildFeatures(hist, Date.UTC(2013, 2, 11)); // past days Mon..Sun: weekdays are days 1..5
    const saturday = buildFeatures(hist, Date.UTC(2013, 2, 16)); // past days Sat..Fri: weekend days are 1 and 2
    // Friday noon: target hours 0-11 are Friday (past weekdays: days 1, 4..7), 12-23 Saturday (past weekend: days 1, 2).
    const fridayNoon = buildFeatures(hist, Date.UTC(2013, 2, 15, 12));
    for (const h of [0, 5, 11, 12, 23]) {
      expect(at(monday, `daytype_profile_${h}`)).toBeCloseTo(3 * (h + 1), 3);
      expect(at(saturday, `daytype_profile_${h}`)).toBeCloseTo(1.5 * (h + 1), 3);
      expect(at(fridayNoon, `daytype_profile_${h}`)).toBeCloseTo((h < 12 ? (1 + 4 + 5 + 6 + 7) / 5 : 1.5) * (h + 1), 3);
      expect(at(monday, `max_profile_${h}`)).toBeCloseTo(7 * (h + 1), 3);
      expect(at(monday, `std_profile_${h}`)).toBeCloseTo(2 * (h + 1), 3);
    }
    // In a meter's time zone the target's local weekday decides: 23:00 UTC Friday is Saturday in Tokyo.
    const tokyo = buildFeatures(hist, Date.UTC(2013, 2, 15, 23), { timeZone: "Asia/Tokyo" });
    expect(at(tokyo, "daytype_profile_0")).toBeCloseTo(1.5, 3);
  });

  it("training rows equal inference inputs for every start hour (stride-1 training windows)", async () => {
    const h = household(10, 17);
    const rows = buildSamples([h], 1);
    const session = recordingSession();
    const first = h.series.start + HISTORY_HOURS * HOUR_MS;
    for (let i = 0; i < rows.n; i++) {
      const start = first + i * HOUR_MS;
      const i0 = (start - h.series.start) / HOUR_MS;
      await forecast24h(session, FakeTensor, h.series.values.slice(i0 - HISTORY_HOURS, i0), start, featureOptionsOf(h));
    }
    expect(session.inputs).toHaveLength(rows.n);
    for (const [i, x] of session.inputs.entries())
      expect(Array.from(x)).toEqual(Array.from(rows.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)));
  });

  it("imputes missing hours from the same hour of day and refuses a nearly empty history", () => {
    const hist: number[] = Array.from({ length: HISTORY_HOURS }, (_, i) => (i % 24 === 5 ? 2 : 1));
    hist[5] = NaN;
    hist[6] = NaN;
    const f = imputeHistory(hist);
    expect(f[5]).toBe(2);
    expect(f[6]).toBe(1);
    expect(() => imputeHistory(new Array(HISTORY_HOURS).fill(NaN))).toThrow(/valid hours/);
    expect(() => buildFeatures(hist.slice(1), Date.UTC(2013, 0, 1))).toThrow(/168/);
  });

  it("leaves out the hours a range touches (made missing, then imputed like a gap), counting them", () => {
    const start = Date.UTC(2026, 10, 1);
    const hour = 3_600_000;
    const hist = Array.from({ length: HISTORY_HOURS }, (_, i) => (i % 24 === 5 ? 2 : 1));
    // From the middle of hour 24 to the start of hour 48: hours 24 to 47 are touched, 48 is not.
    const { history, hoursLeftOut } = leaveOutHours(hist, start, [{ from: start + 24.5 * hour, to: start + 48 * hour }]);
    expect(hoursLeftOut).toBe(24);
    expect(history.slice(23, 49).map(Number.isNaN)).toEqual([false, ...Array(24).fill(true), false]);
    expect(imputeHistory(history)[29]).toBe(2);
    expect(leaveOutHours(hist, start, [])).toEqual({ history: hist, hoursLeftOut: 0 });
  });

  it("uses the meter's time zone for calendar features", () => {
    // 2024-07-01 23:00 UTC is Tuesday 01:00 in Paris (UTC+2).
    const t = Date.UTC(2024, 6, 1, 23);
    expect(localCalendar(t)).toEqual({ hour: 23, dow: 0 });
    expect(localCalendar(t, "Europe/Paris")).toEqual({ hour: 1, dow: 1 });
  });

  it("load scenarios keep the forecast and add the past week's deviations, never negative", () => {
    const hist = household(8, 9).series.values.slice(0, HISTORY_HOURS);
    const fc = Array.from({ length: HORIZON_HOURS }, () => 0.05);
    const sc = loadScenarios(fc, hist);
    expect(sc).toHaveLength(8);
    expect(sc[0]).toEqual(fc);
    for (const s of sc) for (const v of s) expect(v).toBeGreaterThanOrEqual(0);
    // deviations average to zero before clipping: the unclipped mean equals the forecast
    const big = Array.from({ length: HORIZON_HOURS }, () => 10);
    const sb = loadScenarios(big, hist);
    for (let h = 0; h < HORIZON_HOURS; h++) expect(sb.slice(1).reduce((a, s) => a + s[h], 0) / 7).toBeCloseTo(10, 9);
  });
});

describe("ONNX export", () => {
  it("onnxruntime-web computes the same outputs as the training code for an exported residual MLP", async () => {
    const rows = buildSamples([household(20, 11)], 6);
    const model = fitResidualMlp(
      rows,
      fitRidge(rows, 10),
      { hidden: 8, epochs: 1, batch: 32, lr: 1e-3, weightDecay: 0, seed: 1 },
      mulberry32(1),
    );
    const bytes = encodeOnnx(model, { inputName: MODEL_INPUT, outputName: MODEL_OUTPUT, producerVersion: "test" });
    const dir = mkdtempSync(join(tmpdir(), "wattboard-onnx-"));
    writeFileSync(join(dir, "m.onnx"), bytes);
    const m = await loadOnnxSession(join(dir, "m.onnx"), "web");
    expect(m.runtime).toMatch(/onnxruntime-web/);
    const n = 5;
    const out = await m.session.run({
      [MODEL_INPUT]: new m.Tensor("float32", rows.x.slice(0, n * N_FEATURES), [n, N_FEATURES]),
    });
    const y = out[MODEL_OUTPUT].data as Float32Array;
    expect(y).toHaveLength(n * HORIZON_HOURS);
    for (let i = 0; i < n; i++) {
      const ref = predict(model, rows.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES));
      for (let j = 0; j < HORIZON_HOURS; j++) expect(y[i * HORIZON_HOURS + j]).toBeCloseTo(ref[j], 4);
    }
  });

  it("ridge from per-household Gram matrices equals ridge on the pooled rows, and exports exactly", async () => {
    const a = buildSamples([household(12, 31)], 3);
    const b = buildSamples([household(12, 32)], 3);
    const pooled = buildSamples([household(12, 31), household(12, 32)], 3);
    const direct = fitRidge(pooled, 10);
    const viaGrams = solveRidge(
      addGrams([accumulateGram(emptyGram(N_FEATURES, HORIZON_HOURS), a), accumulateGram(emptyGram(N_FEATURES, HORIZON_HOURS), b)]),
      10,
    );
    for (let i = 0; i < direct.layers[0].w.length; i += 97) expect(viaGrams.layers[0].w[i]).toBeCloseTo(direct.layers[0].w[i], 9);
    for (let j = 0; j < HORIZON_HOURS; j++) expect(viaGrams.layers[0].b[j]).toBeCloseTo(direct.layers[0].b[j], 9);
    const bytes = encodeOnnx(viaGrams, { inputName: MODEL_INPUT, outputName: MODEL_OUTPUT, producerVersion: "test" });
    const dir = mkdtempSync(join(tmpdir(), "wattboard-onnx-"));
    writeFileSync(join(dir, "r.onnx"), bytes);
    const m = await loadOnnxSession(join(dir, "r.onnx"), "web");
    const n = 4;
    const out = await m.session.run({ [MODEL_INPUT]: new m.Tensor("float32", pooled.x.slice(0, n * N_FEATURES), [n, N_FEATURES]) });
    const y = out[MODEL_OUTPUT].data as Float32Array;
    for (let i = 0; i < n; i++) {
      const ref = predict(viaGrams, pooled.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES));
      for (let j = 0; j < HORIZON_HOURS; j++) expect(y[i * HORIZON_HOURS + j]).toBeCloseTo(ref[j], 4);
    }
  });

  it("the p10/p90 outputs compute multiplier x p50 + features @ weights + offset, as quantiles.ts does", async () => {
    const rows = buildSamples([household(12, 41)], 6);
    const ridge = fitRidge(rows, 10);
    const r = mulberry32(5);
    const quantile = () => ({
      multiplier: Array.from({ length: HORIZON_HOURS }, () => r()),
      offset: Array.from({ length: HORIZON_HOURS }, () => r() - 0.5),
      weights: Float64Array.from({ length: N_FEATURES * HORIZON_HOURS }, () => (r() < 0.01 ? r() - 0.5 : 0)),
    });
    const q10 = quantile();
    const bytes = encodeOnnx(ridge, {
      inputName: MODEL_INPUT,
      outputName: MODEL_OUTPUT,
      producerVersion: "test",
      linearOutputs: [{ name: MODEL_P10_OUTPUT, ...q10 }],
    });
    const dir = mkdtempSync(join(tmpdir(), "wattboard-onnx-"));
    writeFileSync(join(dir, "q.onnx"), bytes);
    const m = await loadOnnxSession(join(dir, "q.onnx"), "web");
    const n = 3;
    const out = await m.session.run({ [MODEL_INPUT]: new m.Tensor("float32", rows.x.slice(0, n * N_FEATURES), [n, N_FEATURES]) });
    const y = out[MODEL_P10_OUTPUT].data as Float32Array;
    for (let i = 0; i < n; i++) {
      const x = rows.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES);
      const p50 = predict(ridge, x);
      for (let h = 0; h < HORIZON_HOURS; h++) expect(y[i * HORIZON_HOURS + h]).toBeCloseTo(quantileAt(q10, x, p50[h], h), 3);
    }
  });

  it("the shipped model matches its JSON contract and forecasts through ml/runtime/forecast.ts", async () => {
    const contract = JSON.parse(readFileSync(join(MODELS, `forecast-${MODEL_VERSION}.json`), "utf8"));
    const bytes = readFileSync(join(MODELS, `forecast-${MODEL_VERSION}.onnx`));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(contract.sha256);
    expect(bytes.length).toBeLessThan(1_000_000);
    expect(contract.input).toEqual({ name: MODEL_INPUT, type: "float32", shape: ["batch", N_FEATURES] });
    expect(contract.output).toEqual({ name: MODEL_OUTPUT, type: "float32", shape: ["batch", HORIZON_HOURS] });
    expect(contract.features.names).toEqual(FEATURE_NAMES);
    const trained = new Set(contract.training.households);
    for (const id of contract.training.held_out_households) expect(trained.has(id)).toBe(false);
    const m = await loadOnnxSession(join(MODELS, `forecast-${MODEL_VERSION}.onnx`), "web");
    const h = household(10, 21).series;
    const start = h.start + HISTORY_HOURS * HOUR_MS;
    const reqs = [0, 24].map((d) => ({ history: h.values.slice(d, d + HISTORY_HOURS), start: start + d * HOUR_MS }));
    const [a, b] = await forecastBatch(m.session, m.Tensor, reqs);
    const single = await forecast24h(m.session, m.Tensor, reqs[1].history, reqs[1].start);
    expect(a.kwh).toHaveLength(HORIZON_HOURS);
    for (const v of [...a.kwh, ...b.kwh]) expect(v).toBeGreaterThanOrEqual(0);
    expect(single.kwh).toEqual(b.kwh);
    for (const f of [a, b]) {
      expect(f.quantiles.p50).toEqual(f.kwh);
      for (let h = 0; h < HORIZON_HOURS; h++) {
        expect(f.quantiles.p10[h]).toBeLessThanOrEqual(f.quantiles.p50[h]);
        expect(f.quantiles.p90[h]).toBeGreaterThanOrEqual(f.quantiles.p50[h]);
      }
    }
    // The band is a real band: wider than nothing on average.
    expect(a.quantiles.p90.reduce((p, q) => p + q, 0)).toBeGreaterThan(a.quantiles.p10.reduce((p, q) => p + q, 0) * 1.2);
    // a sane forecast for a home averaging ~0.3 kWh/h
    const mean = a.kwh.reduce((p, q) => p + q, 0) / HORIZON_HOURS;
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(1);
  });
});

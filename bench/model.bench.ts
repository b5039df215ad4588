import { fileURLToPath } from "node:url";
import type { Pool } from "@neondatabase/serverless";
import { forecast24h, MODEL_VERSION } from "../ml/runtime/forecast";
import { loadOnnxSession } from "../ml/training/ort-node";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import { api, type BenchResult, type BenchStack } from "./harness";
import { inferenceInWorkerd } from "./inference-workerd.bench";

const HOUR = 3_600_000;
/** Forecasts per timed loop: one takes well under a millisecond, workerd's clock ticks in ms. */
const LOOP_RUNS = 2_000;

/** Eight days of hourly history written straight to the database, so no queued run warms the model first. */
export async function meterWithHistory(stack: BenchStack, pool: Pool, name: string) {
  const meter = await api<{ id: string; webhook: { secret: string } }>(stack, "POST", "/api/meters", { name, timezone: "Europe/London" });
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  await pool.query(
    `INSERT INTO readings (meter_id, ts, energy_wh, power_w)
     SELECT $1, to_timestamp(($2::float8 - i * 3600000) / 1000), e, e
     FROM (SELECT i, 300 + 900 * (CASE WHEN (i % 24) BETWEEN 2 AND 6 THEN 1 ELSE 0 END) + 50 * (i % 5) AS e FROM generate_series(0, 191) AS i) AS s`,
    [meter.id, end],
  );
  await pool.query("UPDATE meters SET last_reading_at = $2 WHERE id = $1", [meter.id, new Date(end).toISOString()]);
  return meter;
}

function serverTiming(header: string | null, name: string): number {
  const match = new RegExp(`${name};dur=([\\d.]+)`).exec(header ?? "");
  if (!match) throw new Error(`no ${name} in Server-Timing: ${header}`);
  return Number(match[1]);
}

/** Inference in workerd vs onnxruntime-node on the same model, cold session, and post-to-run latency. */
export async function benchModel(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const meter = await meterWithHistory(stack, pool, "bench model");
  const runOnce = async () => {
    const response = await fetch(`${stack.baseUrl}/api/meters/${meter.id}/runs`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.token}` },
    });
    if (response.status !== 201) throw new Error(`run answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
    return response.headers.get("Server-Timing");
  };
  const cold = serverTiming(await runOnce(), "session");

  // The same model, feature code and history: in workerd (bench Worker) and in onnxruntime-node.
  const history = Array.from({ length: 168 }, (_, i) => 0.3 + 0.9 * Number(i % 24 >= 2 && i % 24 <= 6) + 0.05 * (i % 5));
  const start = Math.floor(Date.now() / HOUR) * HOUR;
  const workerdMs = await inferenceInWorkerd(history, start, LOOP_RUNS);
  const model = await loadOnnxSession(
    fileURLToPath(new URL(`../ml/runtime/models/forecast-${MODEL_VERSION}.onnx`, import.meta.url)),
    "node",
  );
  await forecast24h(model.session, model.Tensor, history, start, { timeZone: "Europe/London" });
  const began = performance.now();
  for (let i = 0; i < LOOP_RUNS; i++) await forecast24h(model.session, model.Tensor, history, start, { timeZone: "Europe/London" });
  const nodeMs = (performance.now() - began) / LOOP_RUNS;
  log(
    `  inference: workerd ${workerdMs.toFixed(3)} ms, onnxruntime-node ${nodeMs.toFixed(3)} ms per forecast; cold session ${cold.toFixed(1)} ms`,
  );

  // A signed post to a meter with history; the queue consumer (batch timeout 0) runs the model.
  const fresh = await meterWithHistory(stack, pool, "bench latency");
  const body = JSON.stringify({ readings: [{ ts: new Date().toISOString(), power_w: 500 }] });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const posted = performance.now();
  const response = await fetch(`${stack.baseUrl}/api/ingest/${fresh.id}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": await signWebhookBody(fresh.webhook.secret, timestamp, new TextEncoder().encode(body)),
    },
    body,
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  let latency = Number.NaN;
  for (let i = 0; i < 1_500; i++) {
    const { rows } = await pool.query("SELECT 1 FROM model_runs WHERE meter_id = $1 LIMIT 1", [fresh.id]);
    if (rows.length) {
      latency = performance.now() - posted;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (Number.isNaN(latency)) throw new Error("no run was stored within 15 s of the post");
  log(`  webhook post to stored run: ${latency.toFixed(0)} ms`);

  return {
    model_inference: {
      value: Number(workerdMs.toFixed(4)),
      unit: "ms",
      reference: Number(nodeMs.toFixed(4)),
      ratio: Number((workerdMs / nodeMs).toFixed(3)),
      note: `mean over ${LOOP_RUNS}: features + one ${MODEL_VERSION} forecast in workerd (the Worker's loader and onnxruntime-web wasm, in a bench Worker) vs the same in onnxruntime-node. Goal: ratio <= 3`,
    },
    model_cold_session: {
      value: Number(cold.toFixed(1)),
      unit: "ms",
      note: "creating the ONNX session on the isolate's first run (wasm instantiation + model load)",
    },
    model_post_to_run: {
      value: Number(latency.toFixed(0)),
      unit: "ms",
      note: "signed webhook post until its model_runs row is visible (queue batch timeout 0)",
    },
  };
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleInferenceWorker } from "../scripts/local-stack/inference-worker-bundle";

/**
 * Runs `runs` forecasts inside workerd (the Worker's own model loader, feature code and
 * onnxruntime-web) and returns the mean time per forecast in ms. The bench Worker is bundled
 * with the .onnx as base64 (as the app's Vite plugin does) and the ORT wasm as a compiled module.
 */
export async function inferenceInWorkerd(history: number[], start: number, runs: number): Promise<number> {
  const outdir = await mkdtemp(join(tmpdir(), "wattboard-bench-"));
  const bundle = await bundleInferenceWorker(fileURLToPath(new URL("./workers/inference-loop.ts", import.meta.url)), outdir);
  const miniflare = new Miniflare({ compatibilityDate: "2026-04-26", ...bundle });
  try {
    const response = await miniflare.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ runs, history, start }) });
    const { totalMs } = (await response.json()) as { totalMs: number };
    return totalMs / runs;
  } finally {
    await miniflare.dispose();
    await rm(outdir, { recursive: true, force: true });
  }
}

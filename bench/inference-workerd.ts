import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

/**
 * Runs `runs` forecasts inside workerd (the Worker's own model loader, feature code and
 * onnxruntime-web) and returns the mean time per forecast in ms. The bench Worker is bundled
 * with the .onnx as base64 (as the app's Vite plugin does) and the ORT wasm as a compiled module.
 */
export async function inferenceInWorkerd(history: number[], start: number, runs: number): Promise<number> {
  const outdir = await mkdtemp(join(tmpdir(), "wattboard-bench-"));
  const wasmPath = fileURLToPath(import.meta.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm"));
  await build({
    entryPoints: [fileURLToPath(new URL("./workers/inference-loop.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser", "import"],
    outfile: join(outdir, "worker.mjs"),
    loader: { ".onnx": "base64" },
    plugins: [
      {
        name: "ort-wasm-module",
        setup(context) {
          context.onResolve({ filter: /ort-wasm-simd-threaded\.wasm$/ }, () => ({ path: "./ort.wasm", external: true }));
        },
      },
    ],
    logLevel: "error",
  });
  const miniflare = new Miniflare({
    compatibilityDate: "2026-04-26",
    modules: [
      { type: "ESModule", path: join(outdir, "worker.mjs"), contents: readFileSync(join(outdir, "worker.mjs")) },
      { type: "CompiledWasm", path: join(outdir, "ort.wasm"), contents: readFileSync(wasmPath) },
    ],
    modulesRoot: outdir,
  });
  try {
    const response = await miniflare.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ runs, history, start }) });
    const { totalMs } = (await response.json()) as { totalMs: number };
    return totalMs / runs;
  } finally {
    await miniflare.dispose();
  }
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** A Worker module as Miniflare takes it. */
export interface WorkerModule {
  type: "ESModule" | "CompiledWasm";
  path: string;
  contents: Uint8Array;
}

/**
 * Bundles a Worker entry that uses worker/runs/forecast-session.ts the way the production build
 * does: the .onnx inlined as base64, onnxruntime-web's wasm as a compiled module that workerd
 * loads natively (not through Vite's module runner). Used by the inference benchmark and the
 * dev inference sidecar.
 */
export async function bundleInferenceWorker(entry: string, outdir: string): Promise<{ modules: WorkerModule[]; modulesRoot: string }> {
  const wasmPath = fileURLToPath(import.meta.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm"));
  await build({
    entryPoints: [entry],
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
  return {
    modulesRoot: outdir,
    modules: [
      { type: "ESModule", path: join(outdir, "worker.mjs"), contents: readFileSync(join(outdir, "worker.mjs")) },
      { type: "CompiledWasm", path: join(outdir, "ort.wasm"), contents: readFileSync(wasmPath) },
    ],
  };
}

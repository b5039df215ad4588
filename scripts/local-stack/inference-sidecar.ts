/**
 * `vite dev` runs the Worker through Vite's module runner, which loads a `.wasm` import as a JSON
 * array through a fallback service; for onnxruntime-web's 14 MB wasm that load fails on a busy
 * machine ("Network connection lost"), and a failed load stays failed. So in dev the forecast
 * session runs here instead: the same session module, bundled as in production, in its own workerd,
 * and the dev Worker's `forecast-session` import is swapped for a client of it (vite.config.ts).
 * Production, `vite preview`, the tests and the benchmarks load the wasm natively.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleInferenceWorker } from "./inference-worker-bundle";

export interface InferenceSidecar {
  url: string;
  stop(): Promise<void>;
}

export async function startInferenceSidecar(): Promise<InferenceSidecar> {
  const outdir = await mkdtemp(join(tmpdir(), "wattboard-inference-"));
  const bundle = await bundleInferenceWorker(fileURLToPath(new URL("./workers/inference-sidecar-worker.ts", import.meta.url)), outdir);
  const miniflare = new Miniflare({ compatibilityDate: "2026-04-26", host: "127.0.0.1", port: 0, ...bundle });
  const url = (await miniflare.ready).toString().replace(/\/$/, "");
  return {
    url,
    async stop() {
      await miniflare.dispose();
      await rm(outdir, { recursive: true, force: true });
    },
  };
}

// Node-only: opens the exported ONNX model with onnxruntime-web (the Worker's runtime, wasm
// backend) for parity; falls back to onnxruntime-node if onnxruntime-web cannot run here.
import { readFileSync } from "node:fs";
import type { SessionLike, TensorCtor } from "../runtime/forecast.ts";

export interface LoadedModel {
  session: SessionLike;
  Tensor: TensorCtor;
  runtime: string;
}

export async function loadOnnxSession(path: string, prefer: "web" | "node" = "web"): Promise<LoadedModel> {
  const bytes = readFileSync(path);
  if (prefer === "web") {
    try {
      const ort = await import("onnxruntime-web");
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      const session = await ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ["wasm"] });
      return {
        session: session as unknown as SessionLike,
        Tensor: ort.Tensor as unknown as TensorCtor,
        runtime: "onnxruntime-web 1.30.0 (wasm, 1 thread)",
      };
    } catch (e) {
      console.error(`onnxruntime-web failed in Node (${(e as Error).message}); using onnxruntime-node`);
    }
  }
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(new Uint8Array(bytes));
  return {
    session: session as unknown as SessionLike,
    Tensor: ort.Tensor as unknown as TensorCtor,
    runtime: "onnxruntime-node 1.30.0 (cpu)",
  };
}

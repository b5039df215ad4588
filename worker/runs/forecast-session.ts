import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import * as ort from "onnxruntime-web/wasm";
import modelBase64 from "../../ml/runtime/models/forecast-v4.onnx";

let session: Promise<ort.InferenceSession> | undefined;

/** The forecast model's session, created once per isolate (about 180 ms cold) and reused. */
export function forecastSession(): Promise<ort.InferenceSession> {
  session ??= createSession().catch((error) => {
    session = undefined;
    throw error;
  });
  return session;
}

export const Tensor = ort.Tensor;

async function createSession(): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // Workers may not compile wasm from bytes at run time; the module is compiled at deploy time
  // (imported above). ORT's loader asks for an instantiation from bytes: hand it the module.
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  WebAssembly.instantiate = ((source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) =>
    source instanceof WebAssembly.Module
      ? instantiate(source, imports)
      : instantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }))) as typeof WebAssembly.instantiate;
  ort.env.wasm.wasmBinary = new Uint8Array([0]);
  const bytes = Uint8Array.from(atob(modelBase64), (c) => c.charCodeAt(0));
  return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
}

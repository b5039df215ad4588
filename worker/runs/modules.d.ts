declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
/** ONNX models, as base64 (scripts/build/onnx-module-plugin.ts). */
declare module "*.onnx" {
  const base64: string;
  export default base64;
}

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Plugin } from "vite";

/**
 * Lets Worker code `import model from "…/forecast-v1.onnx"` and get the model's bytes as base64.
 * The same in `vite dev`, `vite build` and the vitest Workers pool; the model is small (tens of
 * kB), so inlining it into the bundle costs less than any loading step.
 */
export function onnxModulePlugin(): Plugin {
  return {
    name: "wattboard:onnx-module",
    enforce: "pre",
    resolveId(source, importer) {
      if (!source.endsWith(".onnx") || !importer) return null;
      return resolve(dirname(importer), source);
    },
    load(id) {
      if (!id.endsWith(".onnx")) return null;
      return `export default ${JSON.stringify(readFileSync(id).toString("base64"))};`;
    },
  };
}

import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { onnxModulePlugin } from "./scripts/build/onnx-module-plugin.ts";

/** Settings the dev stack (scripts/dev.ts) passes to the Worker; never baked into a build. */
const DEV_WORKER_VARS = [
  "DATABASE_URL",
  "DB_WS_PROXY",
  "DB_ONE_SHOT_QUERIES",
  "DEV_AUTH_SECRET",
  "WEBHOOK_SECRET_KEY",
  "SUPABASE_URL",
  "SUPABASE_ANON_KEY",
  "SUPABASE_JWT_SECRET",
  "OPENCODE_URL",
  "OPENCODE_PASSWORD",
  "OPENCODE_TOOL_SECRET",
  "OPENCODE_CONTEXT_TOKENS",
  "OPENCODE_IDLE_TIMEOUT_SECONDS",
  "ALLOW_LOCAL_CHANNEL_URLS",
  "DEV_INFERENCE_URL",
] as const;

const FORECAST_SESSION = fileURLToPath(new URL("./worker/runs/forecast-session.ts", import.meta.url));
const SIDECAR_FORECAST_SESSION = fileURLToPath(new URL("./worker/runs/sidecar-forecast-session.ts", import.meta.url));

/**
 * `vite dev` only: the forecast session runs in the inference sidecar that scripts/dev.ts starts
 * (scripts/local-stack/inference-sidecar.ts explains why), so the Worker imports its client.
 */
function devInferenceSidecar(): Plugin {
  return {
    name: "wattboard:dev-inference-sidecar",
    apply: "serve",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!process.env.DEV_INFERENCE_URL || !source.includes("forecast-session")) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === FORECAST_SESSION ? SIDECAR_FORECAST_SESSION : null;
    },
  };
}

export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  build: { outDir: fileURLToPath(new URL("./dist", import.meta.url)), emptyOutDir: true },
  plugins: [
    devInferenceSidecar(),
    onnxModulePlugin(),
    react(),
    cloudflare({
      configPath: fileURLToPath(new URL("./wrangler.jsonc", import.meta.url)),
      persistState: { path: fileURLToPath(new URL("./.data/wrangler", import.meta.url)) },
      config:
        command === "serve"
          ? (worker) => {
              const vars: Record<string, string> = {};
              for (const name of DEV_WORKER_VARS) if (process.env[name]) vars[name] = process.env[name]!;
              worker.vars = { ...worker.vars, ...vars };
            }
          : undefined,
    }),
  ],
  server: { port: Number(process.env.PORT ?? 5173), strictPort: false },
}));

import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { onnxModulePlugin } from "./scripts/build/onnx-module-plugin.ts";
import { TEST_DEV_AUTH_SECRET, TEST_OPENCODE_TOOL_SECRET, TEST_WEBHOOK_SECRET_KEY } from "./tests/setup/test-secrets.ts";

function workersProject() {
  return {
    plugins: [
      onnxModulePlugin(),
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          bindings: {
            DATABASE_URL: inject("databaseUrl"),
            DB_WS_PROXY: inject("dbWsProxy"),
            DEV_AUTH_SECRET: TEST_DEV_AUTH_SECRET,
            WEBHOOK_SECRET_KEY: TEST_WEBHOOK_SECRET_KEY,
            OPENCODE_TOOL_SECRET: TEST_OPENCODE_TOOL_SECRET,
            // Alert channels in the tests post to receivers on 127.0.0.1 (tests/setup/recording-server.ts).
            ALLOW_LOCAL_CHANNEL_URLS: "true",
          },
        },
      })),
    ],
    test: {
      name: "workers",
      include: ["tests/worker/**/*.test.ts"],
      globalSetup: ["tests/setup/global-database.ts"],
      // A file's first model run compiles onnxruntime's 14 MB wasm: seconds when quiet, over 30 s on a loaded 2-core machine.
      testTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      workersProject(),
      {
        test: {
          name: "node",
          environment: "node",
          include: ["tests/node/**/*.test.ts", "tests/ml/**/*.test.ts"],
          testTimeout: 60_000,
          // Starting an embedded Postgres can take well over vitest's default 10 s on a loaded 2-core machine.
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

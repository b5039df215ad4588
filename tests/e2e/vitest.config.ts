import { defineConfig } from "vitest/config";

/** `npm run test:e2e`: the browser tests, apart from `npm test` (they build and serve the app). */
export default defineConfig({
  test: {
    name: "e2e",
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/e2e/**/*.e2e.ts"],
    globalSetup: ["tests/e2e/suite-setup.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});

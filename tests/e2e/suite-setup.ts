/**
 * The e2e suite's global setup: builds the app once for the whole run (each file's stack copies
 * it instead of building again, which took about 40 s a file), and starts one stack without the
 * demo that the files without the demo share (each signs in users of its own; a stack took 10 to
 * 20 s to start a file). Both go at the end.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildE2eApp, startE2eStack } from "./stack";

export default async function setUpSuite(): Promise<() => Promise<void>> {
  const dir = join(fileURLToPath(new URL("../..", import.meta.url)), "node_modules/.cache/wattboard-e2e-build");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await buildE2eApp(dir);
  process.env.WATTBOARD_E2E_BUILD = dir;
  const shared = await startE2eStack({ demo: false });
  process.env.WATTBOARD_E2E_SHARED_STACK = shared.baseUrl;
  return async () => {
    await shared.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * The e2e suite's global setup: builds the app once for the whole run (each file's stack copies
 * it instead of building again, which took about 40 s a file), and removes it at the end.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildE2eApp } from "./stack";

export default async function buildOnce(): Promise<() => void> {
  const dir = join(fileURLToPath(new URL("../..", import.meta.url)), "node_modules/.cache/wattboard-e2e-build");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await buildE2eApp(dir);
  process.env.WATTBOARD_E2E_BUILD = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}

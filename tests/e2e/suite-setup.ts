/**
 * The e2e suite's global setup, so that a file starts in seconds rather than a minute:
 * - builds the app once (each file's stack copies it; CI hands over its own `npm run build`
 *   through WATTBOARD_E2E_DIST instead);
 * - seeds the demo once and keeps its database, Worker state and demo state: a file with the demo
 *   starts from a copy, as `npm run dev` starts again from .data/ (the first-run file seeds its own).
 * Each file still has its own stack: one shared by several files met the sign-in rate limit (10 a
 * minute from one address). Both go at the end.
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_EMAIL } from "../../scripts/demo/demo-feed";
import { buildE2eApp, type E2eStack, stackApi, startE2eStack } from "./stack";

const cache = join(fileURLToPath(new URL("../..", import.meta.url)), "node_modules/.cache");

export default async function setUpSuite(): Promise<() => Promise<void>> {
  const build = join(cache, "wattboard-e2e-build");
  const snapshot = join(cache, "wattboard-e2e-demo");
  for (const dir of [build, snapshot]) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const removeAll = () => {
    for (const dir of [build, snapshot]) rmSync(dir, { recursive: true, force: true });
  };
  if (process.env.WATTBOARD_E2E_DIST) cpSync(process.env.WATTBOARD_E2E_DIST, join(build, "dist"), { recursive: true });
  else await buildE2eApp(build);
  process.env.WATTBOARD_E2E_BUILD = build;

  const seeding = await startE2eStack({ keepIn: snapshot });
  try {
    await firstRunDone(seeding);
  } finally {
    await seeding.stop();
  }
  process.env.WATTBOARD_E2E_DEMO_SNAPSHOT = snapshot;
  return async () => removeAll();
}

/** The readings' first model run has told the demo person (its queue is done with the seed). */
async function firstRunDone(stack: E2eStack): Promise<void> {
  const { access_token: token } = await stackApi<{ access_token: string }>(stack, "POST", "/api/auth/dev", null, { email: DEMO_EMAIL });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const inbox = await stackApi<{ notifications: unknown[] }>(stack, "GET", "/api/notifications", token);
    if (inbox.notifications.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error("e2e setup: the demo's first model run sent no notification within 2 minutes");
}

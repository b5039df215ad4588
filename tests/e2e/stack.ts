/**
 * The app as the browser tests see it: the production build served by `vite preview` (the built
 * Worker, UserHub and queue in workerd) on an in-memory embedded Postgres, with the demo feed, all
 * in a temporary directory under node_modules/.cache. Nothing touches .data/ or dist/, so it runs beside `npm run dev`.
 *
 * `npx tsx tests/e2e/stack.ts` serves it for a manual look (PORT, default 5180) until Ctrl-C.
 */

import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { createBuilder, type InlineConfig, preview } from "vite";
import { onnxModulePlugin } from "../../scripts/build/onnx-module-plugin";
import { startDemoFeed } from "../../scripts/demo/demo-feed";
import { migrateDatabase } from "../../scripts/local-stack/apply-migrations";
import { freePort, type LlmProvider, startChatEngine } from "../../scripts/local-stack/chat-engine";
import { startLocalDatabase } from "../../scripts/local-stack/database";
import { signWebhookBody } from "../../worker/meters/webhook-secrets";

export interface E2eStack {
  baseUrl: string;
  /** Stops opencode alone (when the stack has one), to see the app without its LLM. */
  stopChatEngine(): Promise<void>;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL("../..", import.meta.url));

/** vite.config.ts with the build and the Worker's state in `dir` (that file pins both to the repo). */
function viteConfig(dir: string, port: number): InlineConfig {
  return {
    configFile: false,
    root: join(root, "web"),
    logLevel: "warn",
    build: { outDir: join(dir, "dist"), emptyOutDir: true },
    plugins: [
      onnxModulePlugin(),
      react(),
      cloudflare({ configPath: join(root, "wrangler.jsonc"), persistState: { path: join(dir, "wrangler") } }),
    ],
    preview: { port, strictPort: port !== 0 },
  };
}

/** A JSON call to the stack's API with a dev token (or none); throws with the status and the answer unless 2xx. */
export async function stackApi<T>(stack: E2eStack, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Readings posted to a meter's signed webhook, as a meter does; the answer's status. */
export async function postSignedReadings(
  stack: E2eStack,
  meter: { id: string; webhook: { secret: string } },
  readings: unknown[],
): Promise<number> {
  const body = JSON.stringify({ readings });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(`${stack.baseUrl}/api/ingest/${meter.id}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": await signWebhookBody(meter.webhook.secret, timestamp, new TextEncoder().encode(body)),
    },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

/**
 * `vite preview` finds the built Worker through the redirect file a build writes
 * (web/.wrangler/deploy/config.json): a copied build must point it at the copy, as its own build would.
 */
function pointPreviewAt(dir: string): void {
  const redirectDir = join(root, "web/.wrangler/deploy");
  mkdirSync(redirectDir, { recursive: true });
  const configPath = relative(redirectDir, join(dir, "dist/wattboard/wrangler.json"));
  writeFileSync(join(redirectDir, "config.json"), JSON.stringify({ configPath, auxiliaryWorkers: [] }));
}

/** The production build of the app into `dir`/dist. */
export async function buildE2eApp(dir: string): Promise<void> {
  await (await createBuilder(viteConfig(dir, 0))).buildApp();
}

export interface E2eStackOptions {
  port?: number;
  log?: (line: string) => void;
  /** Answer the chat through opencode and this model (the scripted one in tests) instead of the offline engine. */
  llm?: LlmProvider & { idleTimeoutSeconds?: number };
  /** Feed the demo meters (default true). */
  demo?: boolean;
  /** Seed the demo from nothing even when the suite holds a seeded copy (what a first run looks like). */
  freshDemo?: boolean;
  /** Keep the database, the Worker's state and the demo's state in this directory after stop (the suite's seeded copy). */
  keepIn?: string;
}

/** The seeded demo a suite's files start from (suite-setup.ts): copied, so each file has its own. */
function demoSnapshot(options: E2eStackOptions): string | undefined {
  const snapshot = process.env.WATTBOARD_E2E_DEMO_SNAPSHOT;
  return (options.demo ?? true) && !options.freshDemo && !options.llm && !options.keepIn ? snapshot : undefined;
}

export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const log = options.log ?? (() => {});
  process.env.WRANGLER_SEND_METRICS ??= "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  // Inside the project (workerd refuses paths that climb out of it), in a git-ignored place.
  mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
  const dir = options.keepIn ?? mkdtempSync(join(root, "node_modules/.cache/wattboard-e2e-"));
  const snapshot = demoSnapshot(options);
  if (snapshot) {
    for (const part of ["pgdata", "wrangler", "demo.json"]) cpSync(join(snapshot, part), join(dir, part), { recursive: true });
  }
  const kept = snapshot !== undefined || options.keepIn !== undefined;
  const database = await startLocalDatabase({ dataDir: kept ? join(dir, "pgdata") : undefined });
  const stops: (() => Promise<void> | void)[] = [() => database.stop()];
  if (!options.keepIn) stops.push(() => rmSync(dir, { recursive: true, force: true }));
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    await migrateDatabase(database.databaseUrl, database.wsProxy);
    // The app's URL must be known before opencode starts: its tools call back there.
    const port = options.llm ? await freePort(options.port) : (options.port ?? 0);
    const config = viteConfig(dir, port);
    // One build per suite run (tests/e2e/suite-setup.ts) copied into each stack; a file started
    // outside the suite builds its own.
    const prebuilt = process.env.WATTBOARD_E2E_BUILD;
    if (prebuilt) {
      cpSync(join(prebuilt, "dist"), join(dir, "dist"), { recursive: true });
      pointPreviewAt(dir);
    } else {
      log("building…");
      await buildE2eApp(dir);
    }
    // A copy keeps its seed's secrets: the meters' webhook secrets are sealed with WEBHOOK_SECRET_KEY.
    const secrets: Record<string, string> = snapshot
      ? JSON.parse(readFileSync(join(snapshot, "secrets.json"), "utf8"))
      : { DEV_AUTH_SECRET: randomBytes(32).toString("hex"), WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex") };
    if (options.keepIn) writeFileSync(join(dir, "secrets.json"), JSON.stringify(secrets), { mode: 0o600 });
    const vars: Record<string, string> = {
      DATABASE_URL: database.databaseUrl,
      DB_WS_PROXY: database.wsProxy ?? "",
      ...secrets,
      // Alert channels in the e2e tests post to receivers on this machine.
      ALLOW_LOCAL_CHANNEL_URLS: "true",
    };
    let stopChatEngine = async () => {};
    if (options.llm) {
      log("starting opencode…");
      const engine = await startChatEngine({
        provider: options.llm,
        appUrl: `http://localhost:${port}`,
        idleTimeoutSeconds: options.llm.idleTimeoutSeconds,
      });
      stopChatEngine = () => engine.stop();
      stops.push(stopChatEngine);
      Object.assign(vars, engine.workerVars);
    }
    // vite preview reads the Worker's local settings from .dev.vars beside the built Worker.
    writeFileSync(
      join(dir, "dist", "wattboard", ".dev.vars"),
      `${Object.entries(vars)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n`,
      { mode: 0o600 },
    );
    const server = await preview(config);
    stops.push(() => server.close());
    const baseUrl = server.resolvedUrls!.local[0].replace(/\/$/, "");
    if (options.demo ?? true) {
      log("loading the demo meters…");
      const demo = await startDemoFeed({ baseUrl, stateFile: join(dir, "demo.json"), log });
      stops.push(() => demo.stop());
    }
    return { baseUrl, stopChatEngine, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stack = await startE2eStack({ port: Number(process.env.PORT ?? 5180), log: console.log });
  console.log(`✓ ${stack.baseUrl} (sign in as demo@wattboard.local). Ctrl-C stops it.`);
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

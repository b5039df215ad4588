/**
 * `npm run dev`: the whole app on this machine, offline. Starts Postgres (embedded PGlite in
 * .data/, or DATABASE_URL), applies migrations, then runs `vite dev`, whose Cloudflare plugin runs
 * the Worker, the UserHub Durable Object and the inference queue in workerd. Ctrl-C stops it all.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import { DEMO_EMAIL, startDemoFeed } from "./demo/demo-feed";
import { migrateDatabase } from "./local-stack/apply-migrations";
import { type ChatEngineProcess, freePort, llmProviderFromEnv, startChatEngine } from "./local-stack/chat-engine";
import { startLocalDatabase } from "./local-stack/database";
import { devLogger } from "./local-stack/dev-logger";
import { startInferenceSidecar } from "./local-stack/inference-sidecar";
import { startLocalScheduler } from "./local-stack/scheduler";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = `${root}.data`;
mkdirSync(dataDir, { recursive: true });

const started = Date.now();
// Offline: no metadata fetch for request.cf, no telemetry.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";
const database = await startLocalDatabase({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: `${dataDir}/pglite`,
});
console.log(
  database.kind === "embedded"
    ? "✓ Postgres: embedded PGlite, data in .data/pglite"
    : `✓ Postgres: ${redactPassword(database.databaseUrl)}`,
);

try {
  await migrateDatabase(database.databaseUrl, database.wsProxy);
  console.log("✓ Migrations applied");
} catch (error) {
  console.error(`✗ Migrations failed: ${error instanceof Error ? error.message : error}`);
  await database.stop();
  process.exit(1);
}

process.env.DATABASE_URL = database.databaseUrl;
if (database.wsProxy) process.env.DB_WS_PROXY = database.wsProxy;
if (!process.env.SUPABASE_URL) process.env.DEV_AUTH_SECRET = localSecret("dev-auth-secret");
process.env.WEBHOOK_SECRET_KEY ??= localSecret("webhook-secret-key");
// Alert channels may point at a receiver on this machine (http, 127.0.0.1): never in production.
process.env.ALLOW_LOCAL_CHANNEL_URLS ??= "true";

// When Vite re-optimizes dependencies it restarts workerd, and a request in flight then fails
// with "Network connection lost". Say so and keep serving rather than take the stack down.
process.on("uncaughtException", (error) => console.error(`✗ ${error.message} (the dev server keeps running; Ctrl-C to stop)`));

const inference = await startInferenceSidecar();
process.env.DEV_INFERENCE_URL = inference.url;

const port = await freePort(Number(process.env.PORT ?? 5173));
const chatEngine = await startLlmEngine(`http://localhost:${port}`);

const vite = await createServer({ configFile: `${root}vite.config.ts`, server: { port, strictPort: true }, customLogger: devLogger() });
await vite.listen();
vite.printUrls();
console.log(
  `✓ Ready in ${((Date.now() - started) / 1000).toFixed(1)} s${process.env.SUPABASE_URL ? "" : " (dev sign-in: any email)"}. Ctrl-C stops everything.`,
);

const baseUrl = vite.resolvedUrls!.local[0].replace(/\/$/, "");
const scheduler = startLocalScheduler(baseUrl, `${root}wrangler.jsonc`);
console.log(`✓ Scheduled jobs: ${scheduler.crons.join(", ")} (UTC), as Cron Triggers run them in production`);
await warmModel();
const demo = process.env.SUPABASE_URL ? undefined : await startDemo();

/** The first forecast loads the model (in the inference sidecar): do it now, before any traffic. */
async function warmModel() {
  const started = Date.now();
  const response = await fetch(`${baseUrl}/api/health/model`, { signal: AbortSignal.timeout(60_000) }).catch(() => undefined);
  if (response?.ok) console.log(`✓ Forecast model loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  else
    console.error(
      `✗ The forecast model did not load (${response ? `HTTP ${response.status}` : "no answer"}): forecasts will fail; the rest of the app works`,
    );
}

/**
 * With an LLM configured (WATTBOARD_LLM_BASE_URL, WATTBOARD_LLM_MODEL), the chat answers through
 * `opencode serve`, started here; without one, or if it cannot start, the offline engine answers.
 */
async function startLlmEngine(appUrl: string): Promise<ChatEngineProcess | undefined> {
  let provider: ReturnType<typeof llmProviderFromEnv>;
  try {
    provider = llmProviderFromEnv();
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return undefined;
  }
  if (!provider) {
    console.log("✓ Chat: offline engine (commands and simple requests; set WATTBOARD_LLM_BASE_URL and WATTBOARD_LLM_MODEL for an LLM)");
    return undefined;
  }
  try {
    const engine = await startChatEngine({ provider, appUrl });
    Object.assign(process.env, engine.workerVars);
    console.log(
      `✓ Chat: ${provider.model} through opencode (${engine.server.url}, started in ${(engine.server.startupMs / 1000).toFixed(1)} s)`,
    );
    return engine;
  } catch (error) {
    console.error(`✗ opencode did not start, so the chat uses the offline engine: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

/**
 * The demo feed is idempotent (meters are kept in .data/demo.json, the replay resumes from each
 * meter's last reading), so a failed start is simply tried again: on the first run after an
 * install, Vite re-optimizes dependencies and restarts workerd under the feed's requests.
 */
async function startDemo(attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    try {
      const feed = await startDemoFeed({ baseUrl, stateFile: `${dataDir}/demo.json`, log: console.log });
      console.log(`✓ Demo: sign in as ${DEMO_EMAIL} to see meters fed live from real households`);
      return feed;
    } catch (error) {
      if (attempt === attempts) {
        console.error(`✗ Demo data could not be loaded (the app still works): ${(error as Error).message}`);
        return undefined;
      }
      console.log(`  demo: ${(error as Error).message.split("\n")[0].slice(0, 120)}; trying again in 5 s…`);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping…");
  demo?.stop();
  scheduler.stop();
  await vite.close().catch(() => {});
  await chatEngine?.stop().catch(() => {});
  await inference.stop().catch(() => {});
  await database.stop();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

/** Kept in .data/ so dev tokens and webhook secrets stay valid across restarts. */
function localSecret(name: string): string {
  const file = `${dataDir}/${name}`;
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

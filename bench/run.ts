/**
 * `npm run bench`: benchmarks as ratios against a reference measured in the same run, written to
 * bench/results.json (generated; not committed). Never part of `npm test`.
 */

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Pool } from "@neondatabase/serverless";
import { configureNodeDriver } from "../scripts/local-stack/node-driver";
import { benchAlerts } from "./alerts.bench";
import { benchBundle } from "./bundle";
import { benchChat } from "./chat.bench";
import { type BenchResult, startBenchStack } from "./harness";
import { benchImports } from "./imports.bench";
import { benchIngest } from "./ingest.bench";
import { benchLive } from "./live.bench";
import { benchLoad, loadOptionsFromEnv } from "./load.bench";
import { benchModel } from "./model.bench";
import { benchOverhead } from "./overhead.bench";
import { benchRequests } from "./requests.bench";
import { benchSeries } from "./series.bench";
import { benchShares } from "./shares.bench";

process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const log = (line: string) => console.log(line);
/** BENCH_ONLY=series,shares runs only those groups (and skips load), for a quick look at one area. */
const only = process.env.BENCH_ONLY?.split(",").map((name) => name.trim());
const wanted = (group: string) => !only || only.includes(group);
const stack = await startBenchStack(log);
configureNodeDriver(stack.database.wsProxy);
const pool = new Pool({ connectionString: stack.database.databaseUrl, max: 4 });
const results: Record<string, BenchResult> = {};
try {
  if (wanted("chat")) {
    log("chat:");
    Object.assign(results, await benchChat(log));
  }
  if (wanted("bundle")) {
    log("bundle:");
    Object.assign(results, benchBundle(log));
  }
  // First, while the Worker's model session is still cold.
  if (wanted("model")) {
    log("model:");
    Object.assign(results, await benchModel(stack, pool, log));
  }
  if (wanted("live")) {
    log("live:");
    Object.assign(results, await benchLive(stack, pool, log));
  }
  if (wanted("ingest")) {
    log("ingest:");
    Object.assign(results, await benchIngest(stack, pool, log));
  }
  if (wanted("alerts")) {
    log("alerts:");
    Object.assign(results, await benchAlerts(stack, pool, log));
  }
  if (wanted("imports")) {
    log("imports:");
    Object.assign(results, await benchImports(stack, pool, log));
  }
  if (wanted("series")) {
    log("series:");
    Object.assign(results, await benchSeries(stack, pool, log));
  }
  if (wanted("shares")) {
    log("shares:");
    Object.assign(results, await benchShares(stack, pool, log));
  }
  if (wanted("requests")) {
    log("requests:");
    Object.assign(results, await benchRequests(stack, pool, log));
  }
  if (wanted("overhead")) {
    log("fixed per-request costs:");
    Object.assign(results, await benchOverhead(stack, pool, stack.database.databaseUrl));
  }
} finally {
  await pool.end();
  await stack.stop();
}
// Last, on its own stack and database (it needs Postgres 15; LOAD_USERS=0 skips it).
const load = loadOptionsFromEnv();
if (load.users > 0 && wanted("load")) {
  log("load:");
  Object.assign(results, await benchLoad(load, log));
}

const file = fileURLToPath(new URL("./results.json", import.meta.url));
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${"benchmark".padEnd(28)}${"value".padStart(14)}${"reference".padStart(14)}${"ratio".padStart(9)}`);
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(28)}${`${r.value} ${r.unit}`.padStart(14)}${String(r.reference ?? "").padStart(14)}${String(r.ratio ?? "").padStart(9)}`,
  );
}
console.log(`\nwritten to ${file}`);
process.exit(0);

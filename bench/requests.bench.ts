import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Pool as NeonPool } from "@neondatabase/serverless";
import pg from "pg";
import { api, type BenchResult, type BenchStack, findWorkerdUrl } from "./harness";

const CLIENTS = 64;
/** Each side runs ROUNDS times for ROUND_MS, alternating, so a neighbour's load hits both alike. */
const ROUNDS = 3;
const ROUND_MS = Number(process.env.BENCH_REQUESTS_ROUND_MS ?? 5_000);

interface Statement {
  query: string;
  params: unknown[];
}

/**
 * Database-backed requests per second at 64 concurrent clients: the Worker (straight to workerd's
 * port, as production's edge calls it; its one-shot queries over the local SQL-over-HTTP endpoint)
 * against a minimal node:http server that answers the same request with the same SQL (the
 * statements the Worker sent for it, recorded at the endpoint) through a `pg` pool of 64 on the
 * same database. In the same rounds, the same Worker through `vite preview` (a Node proxy in this
 * process, the local front before: `*_vite_preview`). Plus the same load on a route that touches no
 * database (GET /api/me), the ceiling of the HTTP hop alone.
 */
export async function benchRequests(stack: BenchStack, pool: NeonPool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  if (stack.database.kind === "embedded") {
    log("  skipped: needs a real Postgres (a pg pool of 64 on PGlite's one session would interleave)");
    return {};
  }
  // What a dashboard opens: its tabs, and a day of minute data of a meter.
  for (const title of ["Home", "Garage", "Solar"]) await api(stack, "POST", "/api/tabs", { title });
  const meter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench requests", timezone: "Europe/London" });
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  await pool.query(
    `INSERT INTO readings (meter_id, ts, power_w, energy_wh)
     SELECT $1, to_timestamp($2::float8 / 1000) - make_interval(mins => i), 500 + 300 * sin(i / 60.0), 8 + (i % 5)
     FROM generate_series(1, 1440) AS i`,
    [meter.id, end],
  );
  const from = new Date(end - 86_400_000).toISOString();
  const routes = {
    tabs: "/api/tabs",
    series: `/api/meters/${meter.id}/series?metric=power_w&from=${from}&to=${new Date(end).toISOString()}&points=1000`,
  };

  // The statements each request sends once warm (the isolate has seen the user).
  const recorded: Record<string, Statement[]> = {};
  for (const [name, path] of Object.entries(routes)) {
    await api(stack, "GET", path);
    const statements: Statement[] = [];
    const stop = stack.database.observeSql((statement) => statements.push(statement));
    await api(stack, "GET", path);
    stop();
    if (statements.length === 0) throw new Error(`${path}: no statement reached the SQL-over-HTTP endpoint`);
    recorded[name] = statements;
    log(`  ${name}: ${statements.length} statement(s) per request`);
  }

  // The same Worker with one connection per request for every query (the path before SQL over HTTP).
  const websocketWorker = await startPreviewProcess({ DB_ONE_SHOT_QUERIES: "websocket" });
  const reference = await startReferenceServer(stack.database.databaseUrl, recorded);
  const results: Record<string, BenchResult> = {};
  try {
    const overHttp = { Authorization: `Bearer ${stack.token}` };
    const rps = (side: Tally) => (side.done * 1000) / side.ms;
    const throughPreview = (name: string, label: string, preview: Tally, node: Tally): BenchResult => ({
      value: Number(rps(preview).toFixed(1)),
      unit: "req/s",
      reference: Number(rps(node).toFixed(1)),
      ratio: Number((rps(preview) / rps(node)).toFixed(3)),
      note: `${label} as ${name}, through vite preview's Node proxy into workerd (the local front; production has no such hop), same rounds; errors ${preview.errors}`,
    });
    for (const [name, key, label] of [
      ["requests_64", "tabs", "GET /api/tabs"],
      ["requests_64_series", "series", "GET /api/meters/:id/series (a day of minute data)"],
    ] as const) {
      const targets: Target[] = [
        { url: `${stack.workerdUrl}${routes[key]}`, headers: overHttp },
        { url: `${reference.url}/${key}`, headers: {} },
        { url: `${stack.baseUrl}${routes[key]}`, headers: overHttp },
      ];
      if (key === "tabs") targets.push({ url: `${websocketWorker.workerdUrl}${routes[key]}`, headers: overHttp });
      const [worker, node, preview, websocket] = await alternate(targets);
      log(
        `  ${name}: Worker ${rps(worker).toFixed(0)} req/s (${worker.errors} errors), node:http + pg ${rps(node).toFixed(0)} req/s (${node.errors} errors), through vite preview ${rps(preview).toFixed(0)} req/s (${preview.errors} errors)${websocket ? `, Worker with a connection per request ${rps(websocket).toFixed(0)} req/s (${websocket.errors} errors)` : ""}`,
      );
      results[name] = {
        value: Number(rps(worker).toFixed(1)),
        unit: "req/s",
        reference: Number(rps(node).toFixed(1)),
        ratio: Number((rps(worker) / rps(node)).toFixed(3)),
        note: `${label}, ${CLIENTS} concurrent clients, ${ROUNDS}x${ROUND_MS / 1000} s each side alternating; reference: node:http running the same ${recorded[key].length} statement(s) on a pg pool of ${CLIENTS}; errors: Worker ${worker.errors}, reference ${node.errors} (goal ratio >= 0.5, 0 errors)`,
      };
      results[`${name}_vite_preview`] = throughPreview(name, label, preview, node);
      results[`${name}_errors`] = {
        value: worker.errors + node.errors,
        unit: "requests",
        note: `non-200 answers or failures during ${name} (goal 0)`,
      };
      if (websocket)
        results[`${name}_websocket`] = {
          value: Number(rps(websocket).toFixed(1)),
          unit: "req/s",
          reference: Number(rps(worker).toFixed(1)),
          ratio: Number((rps(websocket) / rps(worker)).toFixed(3)),
          note: `${label} with DB_ONE_SHOT_QUERIES=websocket (a new Postgres connection per request, the path before) vs over SQL-over-HTTP, same rounds; errors ${websocket.errors}`,
        };
    }
    const [worker, node, preview, asset] = await alternate([
      { url: `${stack.workerdUrl}/api/me`, headers: overHttp },
      { url: `${reference.url}/none`, headers: {} },
      { url: `${stack.baseUrl}/api/me`, headers: overHttp },
      { url: `${stack.workerdUrl}/`, headers: {} },
    ]);
    log(
      `  requests_64_no_db: Worker ${rps(worker).toFixed(0)} req/s, node:http ${rps(node).toFixed(0)} req/s, through vite preview ${rps(preview).toFixed(0)} req/s, a static file ${rps(asset).toFixed(0)} req/s`,
    );
    results.requests_64_no_db = {
      value: Number(rps(worker).toFixed(1)),
      unit: "req/s",
      reference: Number(rps(node).toFixed(1)),
      ratio: Number((rps(worker) / rps(node)).toFixed(3)),
      note: `GET /api/me (JWT from the isolate's cache, no database) at ${CLIENTS} clients straight to workerd: the ceiling of the HTTP hop; reference: node:http answering a constant; errors ${worker.errors + node.errors}`,
    };
    results.requests_64_no_db_vite_preview = throughPreview("requests_64_no_db", "GET /api/me", preview, node);
    results.requests_64_static = {
      value: Number(rps(asset).toFixed(1)),
      unit: "req/s",
      reference: Number(rps(worker).toFixed(1)),
      ratio: Number((rps(asset) / rps(worker)).toFixed(3)),
      note: `GET / (index.html, a static asset: workerd's asset server, none of the Worker's code) at ${CLIENTS} clients vs GET /api/me in the same rounds, both straight to workerd; errors ${asset.errors}`,
    };
  } finally {
    await reference.close();
    await websocketWorker.stop();
  }
  return results;
}

interface Target {
  url: string;
  headers: Record<string, string>;
}
interface Tally {
  done: number;
  errors: number;
  ms: number;
}

/**
 * A second `vite preview` of the same build, in its own process (the Cloudflare plugin keeps one
 * workerd per process), with extra Worker settings: the same database, proxy and dev-auth secret,
 * so the bench's token and data work there too. Reached at its workerd's own port where found.
 */
async function startPreviewProcess(extraVars: Record<string, string>): Promise<{ workerdUrl: string; stop(): Promise<void> }> {
  const varsFile = fileURLToPath(new URL("../dist/wattboard/.dev.vars", import.meta.url));
  const vars = readFileSync(varsFile, "utf8");
  writeFileSync(
    varsFile,
    `${vars}${Object.entries(extraVars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join("")}`,
    { mode: 0o600 },
  );
  const vite = fileURLToPath(new URL("../node_modules/vite/bin/vite.js", import.meta.url));
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [vite, "preview", "--port", "0", "--host", "127.0.0.1"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let output = "";
      child!.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) resolve(match[1]);
      });
      child!.once("exit", (code) => reject(new Error(`vite preview exited (${code}) before it was ready`)));
    });
    const started = child;
    return {
      workerdUrl: (await findWorkerdUrl(started.pid!)) ?? baseUrl,
      stop: async () => {
        if (started.exitCode !== null) return;
        const exited = new Promise((resolve) => started.once("exit", resolve));
        started.kill("SIGTERM");
        await exited;
      },
    };
  } catch (error) {
    child?.kill("SIGKILL");
    throw error;
  } finally {
    writeFileSync(varsFile, vars, { mode: 0o600 });
  }
}

/** A warm-up second each, then ROUNDS rounds of ROUND_MS per target in turn. */
async function alternate(targets: Target[]): Promise<Tally[]> {
  const tallies = targets.map(() => ({ done: 0, errors: 0, ms: 0 }));
  for (const target of targets) await load(target.url, target.headers, 1_000);
  for (let round = 0; round < ROUNDS; round++)
    for (const [index, target] of targets.entries()) {
      add(tallies[index], await load(target.url, target.headers, ROUND_MS));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
  return tallies;
}

function add(total: Tally, part: Tally) {
  total.done += part.done;
  total.errors += part.errors;
  total.ms += part.ms;
}

/** CLIENTS loops, each sending the next request when its answer is read, for `ms`. */
async function load(url: string, headers: Record<string, string>, ms: number): Promise<Tally> {
  const start = performance.now();
  const until = start + ms;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        try {
          const response = await fetch(url, { headers });
          await response.arrayBuffer();
          if (response.status === 200) done++;
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { done, errors, ms: performance.now() - start };
}

/** node:http + a pg pool of CLIENTS: each route runs its recorded statements in order, answers the last one's rows. */
async function startReferenceServer(databaseUrl: string, routes: Record<string, Statement[]>) {
  // Idle connections go within a second, so the other side's rounds have Postgres's connections to themselves.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CLIENTS, idleTimeoutMillis: 1_000 });
  pool.on("error", () => {});
  const server = http.createServer(async (request, response) => {
    const name = (request.url ?? "").slice(1);
    if (name === "none") return void response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    const statements = routes[name];
    if (!statements) return void response.writeHead(404).end();
    try {
      let rows: unknown[] = [];
      for (const { query, params } of statements) rows = (await pool.query(query, params)).rows;
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rows));
    } catch (error) {
      response.writeHead(500).end((error as Error).message);
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

/**
 * `npm run bench:load`: many people at once against the production build (`vite preview`, the
 * built Worker in workerd) on a real Postgres 15, loopback only, bounded in users and time.
 * Each simulated person keeps one WebSocket open, loads a dashboard (tabs, a tab, its series),
 * has a meter posting signed batches, and sends chat commands to the offline engine. Prints a
 * table per route and writes the figures under the `load` key of bench/results.json.
 *
 *   LOAD_USERS=500 LOAD_SECONDS=120 npm run bench:load      (defaults; also --users N --seconds N)
 *
 * Every person is a closed loop (one request at a time, then think time), so a saturated machine
 * shows as latency, and any error is a real failure. The database is created for the run
 * (LOAD_DATABASE, default wattboard_load on 127.0.0.1:5432) and dropped after it.
 */

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Client } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { configureNodeDriver } from "../scripts/local-stack/node-driver";
import { startPgWebSocketProxy } from "../scripts/local-stack/pg-ws-proxy";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import { type BenchResult, type BenchStack, inParallel, percentile, reachable, startBenchStack } from "./harness";

export interface LoadOptions {
  users: number;
  seconds: number;
  /** Build the app first (false when `npm run bench` has just built it). */
  build?: boolean;
}

/**
 * How often each person does each thing, in seconds (LOAD_INGEST_EVERY, LOAD_DASHBOARD_EVERY,
 * LOAD_CHAT_EVERY): a meter posting every minute (one batch per completed interval, as the demo
 * feed does), a dashboard (3 requests) every two minutes and a chat command every three. With 500
 * people that offers about 24 requests/s, plus one queued inference job per post.
 */
const EVERY = {
  ingest: Number(process.env.LOAD_INGEST_EVERY ?? 60),
  dashboard: Number(process.env.LOAD_DASHBOARD_EVERY ?? 120),
  chat: Number(process.env.LOAD_CHAT_EVERY ?? 180),
};
const READINGS_PER_BATCH = 10;
const REQUEST_TIMEOUT_MS = 60_000;
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

interface Person {
  n: number;
  token: string;
  meter: { id: string; secret: string };
  tabId: string;
  sessionId: string;
  socket?: WebSocket;
  /** Next reading's instant (ms): one second apart, so no batch repeats an instant. */
  nextTs: number;
  /** When each sent ingest left, by newest reading ts, to time its live event. */
  pending: Map<string, number>;
  events: number;
}

class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, { count: number; example: string }>();
  requests = 0;
  record(route: string, ms: number) {
    const list = this.latencies.get(route) ?? [];
    list.push(ms);
    this.latencies.set(route, list);
  }
  fail(route: string, what: string) {
    const key = `${route}: ${what.slice(0, 80)}`;
    const entry = this.errors.get(key) ?? { count: 0, example: what.slice(0, 300) };
    entry.count++;
    this.errors.set(key, entry);
  }
  errorCount() {
    return [...this.errors.values()].reduce((total, e) => total + e.count, 0);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchLoad(options: LoadOptions, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  process.env.WRANGLER_SEND_METRICS ??= "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  if (!(await reachable(ADMIN_URL)))
    throw new Error("the load benchmark needs Postgres 15 on 127.0.0.1:5432 (see README: the local stack)");
  const name = process.env.LOAD_DATABASE ?? "wattboard_load";
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`LOAD_DATABASE must be a plain identifier, got ${name}`);
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`);
  const machine = describeMachine();
  let stack: BenchStack | undefined;
  try {
    stack = await startBenchStack(log, { databaseUrl, build: options.build });
    return await run(stack, databaseUrl, options, machine, log);
  } finally {
    await stack?.stop();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function admin(...statements: string[]): Promise<void> {
  const proxy = await startPgWebSocketProxy();
  configureNodeDriver(proxy.address);
  const client = new Client(ADMIN_URL);
  try {
    await client.connect();
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end().catch(() => {});
    await proxy.close();
  }
}

function describeMachine() {
  const cpus = os.cpus();
  let postgres = "unknown";
  try {
    postgres = execFileSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-Atc", "SELECT version()"], { encoding: "utf8" })
      .trim()
      .split(" on ")[0];
  } catch {
    // psql is only used to describe the machine.
  }
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown"}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function run(
  stack: BenchStack,
  databaseUrl: string,
  options: LoadOptions,
  machine: ReturnType<typeof describeMachine>,
  log: (line: string) => void,
): Promise<Record<string, BenchResult>> {
  const recorder = new Recorder();
  const base = stack.baseUrl;
  const wsBase = base.replace(/^http/, "ws");

  async function request<T>(
    route: string,
    method: string,
    path: string,
    init: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<T | undefined> {
    const started = performance.now();
    recorder.requests++;
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
          ...(init.body !== undefined || init.raw !== undefined ? { "Content-Type": "application/json" } : {}),
          ...init.headers,
        },
        body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
        // A request that never answers is an error too, and must not hold its person forever.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      recorder.record(route, performance.now() - started);
      if (!response.ok) {
        recorder.fail(route, `${response.status} ${text}`);
        return undefined;
      }
      return JSON.parse(text) as T;
    } catch (error) {
      recorder.record(route, performance.now() - started);
      recorder.fail(
        route,
        error instanceof Error ? `${error.message} ${(error.cause as Error | undefined)?.message ?? ""}` : String(error),
      );
      return undefined;
    }
  }

  // The same loop one person at a time first: the unloaded latency each route is compared with.
  log(`setting up ${options.users} people (sign-in, meter, tab, chart, chat session, socket)…`);
  const setUp = async (n: number): Promise<Person | undefined> => {
    // Each person from their own address: sign-in is limited per address, and locally the Worker
    // keeps the CF-Connecting-IP a client sends.
    const signedIn = await request<{ access_token: string }>("setup", "POST", "/api/auth/dev", {
      body: { email: `load-${n}@wattboard.local` },
      headers: { "CF-Connecting-IP": `10.0.${n >> 8}.${n & 255}` },
    });
    if (!signedIn) return undefined;
    const token = signedIn.access_token;
    const meter = await request<{ id: string; webhook: { secret: string } }>("setup", "POST", "/api/meters", {
      token,
      body: { name: "site-1", timezone: "Europe/Paris" },
    });
    const tab = await request<{ id: string }>("setup", "POST", "/api/tabs", { token, body: { title: "Overview" } });
    if (!meter || !tab) return undefined;
    await request("setup", "POST", "/api/charts", {
      token,
      body: {
        tabId: tab.id,
        title: "Power",
        spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_hour" } },
      },
    });
    // Chat commands that write (a new chart) run without asking, as if the person said "always".
    await request("setup", "PUT", "/api/chat/settings", { token, body: { rules: { create_chart: "allow" } } });
    const session = await request<{ id: string }>("setup", "POST", "/api/chat/sessions", { token, body: { title: "load" } });
    if (!session) return undefined;
    return {
      n,
      token,
      meter: { id: meter.id, secret: meter.webhook.secret },
      tabId: tab.id,
      sessionId: session.id,
      nextTs: Date.now() - 3_600_000,
      pending: new Map(),
      events: 0,
    };
  };

  let socketDrops = 0;
  const openSocket = async (person: Person, running: () => boolean) => {
    const ticket = await request<{ ticket: string }>("POST /api/ws/ticket", "POST", "/api/ws/ticket", { token: person.token });
    if (!ticket) return;
    const started = performance.now();
    const socket = new WebSocket(`${wsBase}/api/ws?ticket=${encodeURIComponent(ticket.ticket)}`);
    socket.on("message", (data) => {
      const event = JSON.parse(data.toString()) as { type: string; payload: { newestTs?: string } };
      if (event.type !== "meter.readings") return;
      person.events++;
      const sent = person.pending.get(event.payload.newestTs ?? "");
      if (sent !== undefined) {
        recorder.record("ws meter.readings (from post)", performance.now() - sent);
        person.pending.delete(event.payload.newestTs!);
      }
    });
    socket.on("close", (code) => {
      if (running()) {
        socketDrops++;
        recorder.fail("GET /api/ws (socket)", `closed by the server during the run (${code})`);
      }
    });
    await new Promise<void>((resolve) => {
      socket.once("open", () => {
        recorder.record("GET /api/ws (upgrade)", performance.now() - started);
        resolve();
      });
      socket.once("error", (error) => {
        recorder.fail("GET /api/ws (upgrade)", error.message);
        resolve();
      });
    });
    person.socket = socket;
  };

  const ingest = async (person: Person) => {
    const readings = Array.from({ length: READINGS_PER_BATCH }, (_, i) => ({
      ts: new Date(person.nextTs + i * 1_000).toISOString(),
      power_w: 500 + ((person.n * 37 + i) % 900),
      energy_wh: 0.2,
      voltage_v: 230,
    }));
    person.nextTs += READINGS_PER_BATCH * 1_000;
    const body = JSON.stringify({ readings });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await signWebhookBody(person.meter.secret, timestamp, new TextEncoder().encode(body));
    person.pending.set(readings.at(-1)!.ts, performance.now());
    const result = await request<{ accepted: number; duplicates: number }>(
      "POST /api/ingest/:meterId",
      "POST",
      `/api/ingest/${person.meter.id}`,
      {
        raw: body,
        headers: { "X-Wattboard-Timestamp": timestamp, "X-Wattboard-Signature": signature },
      },
    );
    if (result) {
      accepted += result.accepted;
      duplicates += result.duplicates;
    }
  };
  const dashboard = async (person: Person) => {
    await request("GET /api/tabs", "GET", "/api/tabs", { token: person.token });
    await request("GET /api/tabs/:id", "GET", `/api/tabs/${person.tabId}`, { token: person.token });
    await request("GET /api/series", "GET", `/api/series?meterIds=${person.meter.id}&metric=power_w&window=last_24h&points=500`, {
      token: person.token,
    });
  };
  const commands = ["/chart power site-1 last 7d", "/summary site-1 last 24h", "/meters"];
  const chat = async (person: Person, turn: number) => {
    await request("POST /api/chat/sessions/:id/messages", "POST", `/api/chat/sessions/${person.sessionId}/messages`, {
      token: person.token,
      body: { text: commands[turn % commands.length], tabId: person.tabId },
    });
  };

  let accepted = 0;
  let duplicates = 0;

  // Reference: one person alone, the same actions in a row.
  const solo = await setUp(options.users);
  if (!solo) throw new Error(`setting up the reference person failed: ${JSON.stringify([...recorder.errors])}`);
  for (let i = 0; i < 10; i++) {
    await ingest(solo);
    await dashboard(solo);
    await chat(solo, i);
  }
  const reference = new Map([...recorder.latencies].map(([route, values]) => [route, percentile(values, 50)]));
  recorder.latencies.clear();

  const people: Person[] = [];
  await inParallel(
    Array.from({ length: options.users }, (_, n) => n),
    16,
    async (n) => {
      const person = await setUp(n);
      if (person) people.push(person);
    },
  );
  let running = true;
  await inParallel(people, 32, (person) => openSocket(person, () => running));
  const setupErrors = recorder.errorCount();
  log(
    `  ${people.length} people ready, ${people.filter((p) => p.socket?.readyState === WebSocket.OPEN).length} sockets open${setupErrors ? `, ${setupErrors} setup errors` : ""}`,
  );
  for (const route of ["setup", "POST /api/ws/ticket", "GET /api/ws (upgrade)"]) recorder.latencies.delete(route);

  log(`running ${options.users} people for ${options.seconds} s…`);
  const requestsBefore = recorder.requests;
  const started = performance.now();
  const endAt = started + options.seconds * 1_000;
  const progress = setInterval(
    () =>
      log(
        `  ${Math.round((performance.now() - started) / 1000)} s: ${recorder.requests - requestsBefore} requests, ${recorder.errorCount()} errors`,
      ),
    15_000,
  );
  await Promise.all(
    people.map(async (person) => {
      // Spread the first actions over each think time, so people do not move in lockstep.
      const due = {
        ingest: started + Math.random() * EVERY.ingest * 1_000,
        dashboard: started + Math.random() * EVERY.dashboard * 1_000,
        chat: started + Math.random() * EVERY.chat * 1_000,
      };
      let turn = 0;
      for (;;) {
        const [action, at] = (Object.entries(due) as [keyof typeof EVERY, number][]).reduce((a, b) => (b[1] < a[1] ? b : a));
        if (at >= endAt) return;
        await sleep(Math.max(0, at - performance.now()));
        if (action === "ingest") await ingest(person);
        else if (action === "dashboard") await dashboard(person);
        else await chat(person, turn++);
        due[action] = Math.max(at + EVERY[action] * 1_000, performance.now());
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(progress);
  const requests = recorder.requests - requestsBefore;
  // Let the last live events arrive, then close.
  await sleep(2_000);
  running = false;
  for (const person of people) person.socket?.close(1000);

  configureNodeDriver(stack.database.wsProxy);
  const client = new Client(databaseUrl);
  await client.connect();
  const stored = Number((await client.query("SELECT count(*)::bigint AS n FROM readings")).rows[0].n);
  await client.end();

  const routes = Object.fromEntries(
    [...recorder.latencies].map(([route, values]) => [
      route,
      {
        count: values.length,
        p50: Number(percentile(values, 50).toFixed(1)),
        p95: Number(percentile(values, 95).toFixed(1)),
        p99: Number(percentile(values, 99).toFixed(1)),
        unloadedP50: reference.has(route) ? Number(reference.get(route)!.toFixed(1)) : undefined,
      },
    ]),
  );
  const errors = Object.fromEntries([...recorder.errors].map(([key, e]) => [key, e.count]));
  const errorCount = recorder.errorCount();
  const rps = requests / elapsed;
  const liveEvents = people.reduce((total, p) => total + p.events, 0);

  log(
    `\n${"route".padEnd(40)}${"count".padStart(8)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}${"alone p50".padStart(11)}`,
  );
  for (const [route, r] of Object.entries(routes)) {
    log(
      `${route.padEnd(40)}${String(r.count).padStart(8)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${(r.unloadedP50?.toFixed(1) ?? "").padStart(11)}`,
    );
  }
  log(
    `\n${options.users} people, ${elapsed.toFixed(0)} s: ${requests} requests (${rps.toFixed(1)}/s), ${errorCount} errors, ${socketDrops} sockets dropped`,
  );
  log(`readings: ${accepted} accepted (${duplicates} duplicates), ${stored} in the database; ${liveEvents} live events received`);
  for (const [key, e] of recorder.errors) log(`  error ×${e.count} ${key}\n      e.g. ${e.example}`);

  return {
    load: {
      value: Number(rps.toFixed(1)),
      unit: "requests/s",
      note:
        `${options.users} simulated people for ${options.seconds} s, each with an open WebSocket, a meter posting ${READINGS_PER_BATCH} signed readings every ${EVERY.ingest} s, ` +
        `a dashboard load (tabs, tab, series) every ${EVERY.dashboard} s and a chat command (offline engine) every ${EVERY.chat} s, one request at a time per person; ` +
        `vite preview (built Worker in workerd) on Postgres 15, load generator in the same machine. Per route: p50/p95/p99 in ms under load, with unloadedP50 (one person alone, same run) as the reference. Goal: zero errors, readings stored = accepted`,
      users: options.users,
      seconds: options.seconds,
      requests,
      errors: errorCount,
      errorsByKind: errors,
      socketsOpen: people.filter((p) => p.socket).length,
      socketsDropped: socketDrops,
      liveEvents,
      readings: { accepted, duplicates, stored, equal: accepted === stored },
      routes,
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    } as BenchResult,
  };
}

function option(flag: string, variable: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? process.argv[index + 1] : process.env[variable];
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${flag} / ${variable} must be a whole number`);
  return parsed;
}

/** LOAD_USERS / --users (default 500), LOAD_SECONDS / --seconds (default 120); --no-build reuses dist/. */
export function loadOptionsFromEnv(): LoadOptions {
  return {
    users: option("--users", "LOAD_USERS", 500),
    seconds: option("--seconds", "LOAD_SECONDS", 120),
    build: !process.argv.includes("--no-build"),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await benchLoad(loadOptionsFromEnv(), (line) => console.log(line));
  // Only the load key changes: the other benchmarks' latest figures stay in the one file.
  const file = fileURLToPath(new URL("./results.json", import.meta.url));
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  process.exit(0);
}

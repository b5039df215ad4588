import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createBuilder, preview } from "vite";
import { migrateDatabase } from "../scripts/local-stack/apply-migrations";
import { type LocalDatabase, startLocalDatabase } from "../scripts/local-stack/database";

export interface BenchResult {
  value: number;
  unit: string;
  reference?: number;
  ratio?: number;
  note?: string;
}

export interface BenchStack {
  database: LocalDatabase;
  /** vite preview: a Node proxy in this process in front of workerd (the local front, not production's). */
  baseUrl: string;
  /** workerd's own port, as production's edge reaches the Worker with no Node hop; baseUrl where it cannot be found. */
  workerdUrl: string;
  /** A signed-in user's token. */
  token: string;
  stop(): Promise<void>;
}

const PG15 = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The production build served by `vite preview` (the built Worker in workerd) on a real Postgres:
 * BENCH_DATABASE_URL, else the local Postgres 15 when it answers, else the embedded PGlite.
 */
export async function startBenchStack(
  log: (line: string) => void,
  options: { databaseUrl?: string; build?: boolean } = {},
): Promise<BenchStack> {
  const url = options.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? ((await reachable(PG15)) ? PG15 : undefined);
  const database = await startLocalDatabase({ databaseUrl: url });
  log(`database: ${database.kind === "embedded" ? "embedded PGlite (in memory)" : new URL(database.databaseUrl).host}`);
  await migrateDatabase(database.databaseUrl, database.wsProxy);

  // vite preview reads the Worker's local settings from .dev.vars beside the built Worker.
  const configFile = fileURLToPath(new URL("../vite.config.ts", import.meta.url));
  if (options.build ?? true) {
    log("building…");
    await (await createBuilder({ configFile, logLevel: "warn" })).buildApp();
  }
  const vars = {
    DATABASE_URL: database.databaseUrl,
    DB_WS_PROXY: database.wsProxy ?? "",
    DEV_AUTH_SECRET: randomBytes(32).toString("hex"),
    WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex"),
  };
  writeFileSync(
    fileURLToPath(new URL("../dist/wattboard/.dev.vars", import.meta.url)),
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  const server = await preview({ configFile, preview: { port: 0 }, logLevel: "warn" });
  const baseUrl = server.resolvedUrls!.local[0].replace(/\/$/, "");
  const signIn = await fetch(`${baseUrl}/api/auth/dev`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: `bench-${Date.now()}@wattboard.local` }),
  });
  const { access_token: token } = (await signIn.json()) as { access_token: string };
  const workerdUrl = await findWorkerdUrl(process.pid);
  log(workerdUrl ? `workerd's own port: ${workerdUrl}` : "workerd's own port not found: every request goes through vite preview");
  return {
    database,
    baseUrl,
    workerdUrl: workerdUrl ?? baseUrl,
    token,
    stop: async () => {
      await server.close();
      await database.stop();
    },
  };
}

/**
 * The port of the workerd that a process (vite preview's) started, where it answers /api/health
 * itself (Linux: /proc and `ss`); undefined elsewhere. workerd serves the Worker and its assets on
 * it as vite preview's proxy does, without the proxy's Node work per request.
 */
export async function findWorkerdUrl(parentPid: number): Promise<string | undefined> {
  try {
    const children = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const [comm, rest] = [stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), stat.slice(stat.lastIndexOf(")") + 2)];
          return comm.includes("workerd") && rest.split(" ")[1] === String(parentPid);
        } catch {
          return false;
        }
      });
    for (const line of execFileSync("ss", ["-ltnpH"]).toString().split("\n")) {
      if (!children.some((pid) => line.includes(`pid=${pid},`))) continue;
      const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
      if (!port) continue;
      const url = `http://127.0.0.1:${port}`;
      const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      if (health?.ok && (await health.text()).includes("ok")) return url;
    }
  } catch {
    // Not Linux, or no `ss`.
  }
  return undefined;
}

export async function reachable(url: string): Promise<boolean> {
  const { Socket } = await import("node:net");
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(Number(port), hostname);
  });
}

/** A JSON call as the bench's user, through vite preview unless `base` says otherwise (stack.workerdUrl). */
export async function api<T>(stack: BenchStack, method: string, path: string, body?: unknown, base = stack.baseUrl): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${stack.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The p-th percentile (nearest rank) of `values`; 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type PgWebSocketProxy, startPgWebSocketProxy } from "./pg-ws-proxy";
import type { SqlObserver } from "./sql-over-http";

export interface LocalDatabase {
  /** Postgres URL as the Worker should see it. */
  databaseUrl: string;
  /** host:port of the WebSocket proxy, or undefined when the URL is a real Neon endpoint. */
  wsProxy: string | undefined;
  /** "embedded" (PGlite) or "external" (DATABASE_URL) */
  kind: "embedded" | "external";
  /** Sees every statement the local SQL-over-HTTP endpoint receives (none for a remote database). */
  observeSql(observer: SqlObserver): () => void;
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Brings up what the Worker needs to reach Postgres locally. With a URL it only adds the
 * WebSocket proxy (for a Postgres on this machine); without one it starts the embedded PGlite,
 * persisted in dataDir when given, in memory otherwise.
 */
export async function startLocalDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    const host = new URL(options.databaseUrl).hostname;
    if (!LOOPBACK_HOSTS.has(host)) {
      return { databaseUrl: options.databaseUrl, wsProxy: undefined, kind: "external", observeSql: () => () => {}, stop: async () => {} };
    }
    const proxy = await startPgWebSocketProxy();
    return {
      databaseUrl: options.databaseUrl,
      wsProxy: proxy.address,
      kind: "external",
      observeSql: (observer) => proxy.observeSql(observer),
      stop: () => proxy.close(),
    };
  }
  const server = await startEmbeddedPostgres(options.dataDir);
  let proxy: PgWebSocketProxy;
  try {
    // PGlite is one session: the proxy lets one connection at a time have a query or transaction in flight.
    proxy = await startPgWebSocketProxy(undefined, undefined, { oneSession: true });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`,
    wsProxy: proxy.address,
    kind: "embedded",
    observeSql: (observer) => proxy.observeSql(observer),
    stop: async () => {
      await proxy.close();
      await server.stop();
    },
  };
}

async function startEmbeddedPostgres(dataDir?: string): Promise<{ port: number; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL("./embedded-postgres-server.ts", import.meta.url));
  const args = ["--import", "tsx", script, ...(dataDir ? ["--data", dataDir] : [])];
  // The IPC channel lets the child notice when this process dies, however it dies.
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`embedded Postgres exited (code ${code}) before it was ready`)));
  });
  return { port, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

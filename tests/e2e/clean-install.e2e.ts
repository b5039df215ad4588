/**
 * The first minutes of a newcomer, from a fresh clone: `npm ci` installs without a warning to
 * judge, `npm run dev` serves the API, and neither leaves a file modified or untracked (outside
 * what .gitignore covers). A real install (about two minutes, most of it downloads), not a copy of
 * this checkout's node_modules. It clones the committed HEAD: uncommitted changes are not in it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-stack/chat-engine";

const root = fileURLToPath(new URL("../..", import.meta.url));
const INSTALL_TIMEOUT_MS = 240_000;
const HEALTHY_WITHIN_MS = 150_000;
const STOP_WITHIN_MS = 20_000;

/** The settings a newcomer has not made: the clone runs the default, offline stack. */
const NEWCOMER_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(DATABASE_URL|TEST_DATABASE_URL|SUPABASE_|WATTBOARD_LLM_|OPENCODE_|PORT$|npm_|NODE_ENV$|VITEST)/.test(name),
  ),
);

let clone: string;
let installOutput = "";

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), "wattboard-clean-install-"));
  execFileSync("git", ["clone", "--quiet", root, clone]);
}, 60_000);

afterAll(() => rmSync(clone, { recursive: true, force: true }));

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: clone, env: NEWCOMER_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} took over ${timeoutMs / 1000} s:\n${output.slice(-2_000)}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Resolves once GET /api/health answers 200; rejects with the dev log if it never does or the process ends first. */
async function waitHealthy(dev: ChildProcess, baseUrl: string, log: () => string): Promise<void> {
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}:\n${log().slice(-3_000)}`);
    const response = await fetch(`${baseUrl}/api/health`).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`GET /api/health did not answer 200 within ${HEALTHY_WITHIN_MS / 1000} s:\n${log().slice(-3_000)}`);
}

/** SIGTERM to the whole process group (npm, tsx, vite, workerd, the sidecars), SIGKILL if it lingers. */
async function stopGroup(dev: ChildProcess): Promise<void> {
  if (dev.exitCode !== null || dev.pid === undefined) return;
  const exited = new Promise((resolve) => dev.once("exit", resolve));
  process.kill(-dev.pid, "SIGTERM");
  const timer = setTimeout(() => process.kill(-dev.pid!, "SIGKILL"), STOP_WITHIN_MS);
  await exited;
  clearTimeout(timer);
}

const gitStatus = () => execFileSync("git", ["status", "--porcelain"], { cwd: clone, encoding: "utf8" });

describe("a clean install", () => {
  it(
    "npm ci succeeds and prints no npm warning",
    async () => {
      const { code, output } = await run("npm", ["ci", "--no-audit", "--no-fund"], INSTALL_TIMEOUT_MS);
      installOutput = output;
      expect(code, output.slice(-3_000)).toBe(0);
      expect(output.split("\n").filter((line) => /npm warn/i.test(line))).toEqual([]);
      expect(gitStatus()).toBe("");
    },
    INSTALL_TIMEOUT_MS + 10_000,
  );

  it(
    "npm run dev serves /api/health, and the clone has no modified or untracked file afterwards",
    async () => {
      expect(installOutput, "the install failed (see the test above)").not.toBe("");
      const port = await freePort();
      const dev = spawn("npm", ["run", "dev"], {
        cwd: clone,
        env: { ...NEWCOMER_ENV, PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so every process it starts is stopped with it.
        detached: true,
      });
      let log = "";
      dev.stdout?.on("data", (chunk) => (log += chunk));
      dev.stderr?.on("data", (chunk) => (log += chunk));
      try {
        await waitHealthy(dev, `http://localhost:${port}`, () => log);
      } finally {
        await stopGroup(dev);
      }
      expect(gitStatus()).toBe("");
    },
    HEALTHY_WITHIN_MS + STOP_WITHIN_MS + 10_000,
  );
});

// Starts one `opencode serve` for the chat engine, offline and isolated: the app's `.opencode/`
// config dir (base agent + the Wattboard tools plugin), a temporary HOME/XDG tree so it never reads
// or writes the user's own opencode config, data or caches, and an empty project directory so the
// server never sees this repository. See docs/opencode.md.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface OpencodeToolDefinition {
  /** Tool name the model sees, e.g. "create_chart". */
  name: string;
  description: string;
  /** JSON Schema of the input: an object schema. */
  inputSchema: { type: "object"; properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };
}

export interface StartOpencodeServerOptions {
  /** Port to listen on (127.0.0.1); 0 or undefined picks a free one. */
  port?: number;
  /** OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 */
  modelBaseUrl: string;
  /** Model id at that endpoint. */
  model: string;
  modelApiKey?: string;
  /** Worker endpoint the tools call back to, and the shared secret they send. */
  toolUrl: string;
  toolSecret: string;
  /** The Worker's tool definitions (written to a JSON file the plugin reads at startup). */
  tools: OpencodeToolDefinition[];
  /** Protects the server with HTTP basic auth (user "opencode"); the SDK must send it. */
  password?: string;
  /** Config dir with opencode.json, agent/, plugin/ and node_modules; defaults to the repo's `.opencode`.
   *  The server gets a copy of it (node_modules linked): it never writes into this dir. */
  configDir?: string;
  /** Kept after stop() when given; otherwise a temp dir removed by stop(). */
  stateDir?: string;
  timeoutMs?: number;
  /** Forwarded to the server's stderr (default: only on startup failure). */
  onLog?: (line: string) => void;
}

export interface OpencodeServer {
  url: string;
  /** Directory the server uses as the project: pass it as `directory` to the SDK client. */
  directory: string;
  /** providerID/modelID to send with prompts. */
  model: { providerID: string; modelID: string };
  /** Authorization header value when a password was set. */
  authorization?: string;
  pid: number;
  /** Milliseconds from spawn to a booted instance (config, agents, plugins, tools loaded). */
  startupMs: number;
  stop(): Promise<void>;
}

export const OPENCODE_PROVIDER_ID = "wattboard";
const TOOL_CALL_TIMEOUT_MS = 660_000;

const require = createRequire(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

function opencodeBinary(): string {
  const pkgPath = require.resolve("opencode-ai/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { bin: Record<string, string> };
  return path.join(path.dirname(pkgPath), pkg.bin.opencode);
}

/** Environment that keeps opencode offline and away from the user's files. */
export function opencodeEnv(homeDir: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: homeDir,
    XDG_CONFIG_HOME: path.join(homeDir, ".config"),
    XDG_DATA_HOME: path.join(homeDir, ".local", "share"),
    XDG_CACHE_HOME: path.join(homeDir, ".cache"),
    XDG_STATE_HOME: path.join(homeDir, ".local", "state"),
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    LANG: process.env.LANG ?? "C.UTF-8",
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
    OPENCODE_DISABLE_CLAUDE_CODE: "1",
    OPENCODE_DISABLE_EMBEDDED_WEB_UI: "1",
    OPENCODE_DISABLE_AUTOCOMPACT: "1",
    // Anything that still tries npm (it should not: see checkConfigDir) fails fast instead of hanging.
    npm_config_registry: "http://127.0.0.1:9/",
    npm_config_offline: "true",
  };
  return env;
}

/** opencode npm-installs @opencode-ai/plugin into every config dir unless node_modules and the lock are there. */
function checkConfigDir(configDir: string): void {
  for (const file of ["opencode.json", "package.json", "package-lock.json", "node_modules/@opencode-ai/plugin/package.json"]) {
    if (!existsSync(path.join(configDir, file))) {
      throw new Error(
        `opencode config dir ${configDir} lacks ${file}: run \`npm run postinstall\` (it installs .opencode/; opencode would otherwise try to npm-install @opencode-ai/plugin at run time)`,
      );
    }
  }
}

const NOT_COPIED = new Set(["node_modules", ".gitignore", "tsconfig.json"]);

function copyConfigDir(configDir: string, target: string): void {
  cpSync(configDir, target, {
    recursive: true,
    filter: (source) => path.dirname(source) !== configDir || !NOT_COPIED.has(path.basename(source)),
  });
  symlinkSync(path.join(configDir, "node_modules"), path.join(target, "node_modules"), "dir");
}

/**
 * opencode also treats the (temp) global config dir as a config dir and would npm-install
 * @opencode-ai/plugin there: give it the same package.json, lock and node_modules (a symlink).
 */
function shareConfigDeps(configDir: string, globalConfigDir: string): void {
  mkdirSync(globalConfigDir, { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) {
    const target = path.join(globalConfigDir, file);
    if (!existsSync(target)) copyFileSync(path.join(configDir, file), target);
  }
  const modules = path.join(globalConfigDir, "node_modules");
  if (!existsSync(modules)) symlinkSync(path.join(configDir, "node_modules"), modules, "dir");
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export async function startOpencodeServer(options: StartOpencodeServerOptions): Promise<OpencodeServer> {
  const started = performance.now();
  const configDir = path.resolve(options.configDir ?? path.join(REPO_ROOT, ".opencode"));
  checkConfigDir(configDir);
  const ownsState = !options.stateDir;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), "wattboard-opencode-"));
  const homeDir = path.join(stateDir, "home");
  const directory = path.join(stateDir, "project");
  for (const dir of [homeDir, directory]) mkdirSync(dir, { recursive: true });
  // opencode writes into its config dirs (a .gitignore; npm installs if deps look missing): give it
  // a copy, so the repo's .opencode/ is only read.
  const serverConfigDir = path.join(stateDir, "config");
  copyConfigDir(configDir, serverConfigDir);
  shareConfigDeps(configDir, path.join(homeDir, ".config", "opencode"));
  const toolsFile = path.join(stateDir, "wattboard-tools.json");
  writeFileSync(toolsFile, JSON.stringify(options.tools, null, 2));

  const model = { providerID: OPENCODE_PROVIDER_ID, modelID: options.model };
  // Merged over .opencode/opencode.json: only what depends on the deployment.
  const configContent = {
    enabled_providers: [OPENCODE_PROVIDER_ID],
    model: `${OPENCODE_PROVIDER_ID}/${options.model}`,
    small_model: `${OPENCODE_PROVIDER_ID}/${options.model}`,
    provider: {
      [OPENCODE_PROVIDER_ID]: {
        npm: "@ai-sdk/openai-compatible",
        name: "Wattboard model",
        options: { baseURL: options.modelBaseUrl, ...(options.modelApiKey ? { apiKey: options.modelApiKey } : {}) },
        models: { [options.model]: { name: options.model, tool_call: true } },
      },
    },
  };

  const env: Record<string, string> = {
    ...opencodeEnv(homeDir),
    OPENCODE_CONFIG_DIR: serverConfigDir,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(configContent),
    WATTBOARD_TOOLS_FILE: toolsFile,
    WATTBOARD_TOOL_URL: options.toolUrl,
    WATTBOARD_TOOL_SECRET: options.toolSecret,
    // A tool call can wait for the person's answer for up to ChatSettings' longest ask (600 s).
    WATTBOARD_TOOL_TIMEOUT_MS: String(TOOL_CALL_TIMEOUT_MS),
  };
  if (options.password) env.OPENCODE_SERVER_PASSWORD = options.password;
  const authorization = options.password ? `Basic ${Buffer.from(`opencode:${options.password}`).toString("base64")}` : undefined;

  const args = ["serve", "--hostname=127.0.0.1", `--port=${options.port ?? 0}`, "--print-logs", "--log-level=WARN"];
  // detached: its own process group, so stop() also ends whatever it spawned.
  const child = spawn(opencodeBinary(), args, { cwd: directory, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const onExit = () => killGroup(child, "SIGKILL");
  process.once("exit", onExit);

  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    if (output.length < 200_000) output += text;
    if (options.onLog) for (const line of text.split("\n")) if (line.trim()) options.onLog(line);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    process.removeListener("exit", onExit);
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
    if (ownsState) rmSync(stateDir, { recursive: true, force: true });
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`opencode did not start within ${timeoutMs} ms`)), timeoutMs);
      const onData = () => {
        const match = /opencode server listening on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`opencode exited during startup (code ${code}, signal ${signal})`));
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // The server boots an instance (config, agents, plugins, tools) lazily on the first request
    // for a directory: do it now so a broken config or tools file fails startup, not a chat turn.
    await bootInstance(url, directory, authorization, started + timeoutMs - performance.now(), model, options.tools);
    return { url, directory, model, authorization, pid: child.pid!, startupMs: performance.now() - started, stop };
  } catch (error) {
    await stop();
    const message = error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ""}` : String(error);
    throw new Error(`${message}\n--- opencode output ---\n${output.slice(-4000)}`);
  }
}

/**
 * Boots the instance for `directory` and checks that the plugin registered every Wattboard tool
 * (with its description, so a name clashing with a built-in is caught too): opencode logs a plugin
 * that throws (bad tools file, reserved name) and carries on without it.
 */
async function bootInstance(
  url: string,
  directory: string,
  authorization: string | undefined,
  budgetMs: number,
  model: { providerID: string; modelID: string },
  expected: OpencodeToolDefinition[],
) {
  const query = new URLSearchParams({ directory, provider: model.providerID, model: model.modelID });
  const response = await fetch(`${url}/experimental/tool?${query}`, {
    headers: authorization ? { authorization } : {},
    signal: AbortSignal.timeout(Math.max(1_000, Math.round(budgetMs))),
  });
  if (!response.ok) throw new Error(`opencode instance boot failed: HTTP ${response.status} ${await response.text()}`);
  const listed = (await response.json()) as { id: string; description: string }[];
  const missing = expected.filter((tool) => !listed.some((item) => item.id === tool.name && item.description === tool.description));
  if (missing.length) {
    throw new Error(
      `opencode started without the Wattboard tools ${missing.map((tool) => tool.name).join(", ")} (the plugin failed: see its output)`,
    );
  }
}

/**
 * The LLM chat engine next to the local app: when a model is configured, starts `opencode serve`
 * with the Worker's tools and returns the settings the Worker needs to use it. Shared by
 * `npm run dev` and the browser tests (which point it at the scripted model).
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { describeTools } from "../../worker/chat/tools/catalog";
import { type OpencodeServer, startOpencodeServer } from "./opencode-server";

/** Any OpenAI-compatible chat completions endpoint. */
export interface LlmProvider {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** The model's context window in tokens; sessions are compressed at 70 % of it. */
  contextTokens?: number;
}

/** WATTBOARD_LLM_BASE_URL and WATTBOARD_LLM_MODEL (+ optional _API_KEY, _CONTEXT_TOKENS); undefined: offline engine. */
export function llmProviderFromEnv(env: NodeJS.ProcessEnv = process.env): LlmProvider | undefined {
  const baseUrl = env.WATTBOARD_LLM_BASE_URL;
  const model = env.WATTBOARD_LLM_MODEL;
  if (!baseUrl && !model) return undefined;
  if (!baseUrl || !model)
    throw new Error("Set both WATTBOARD_LLM_BASE_URL and WATTBOARD_LLM_MODEL (or neither, for the offline chat engine)");
  return {
    baseUrl,
    model,
    apiKey: env.WATTBOARD_LLM_API_KEY,
    contextTokens: env.WATTBOARD_LLM_CONTEXT_TOKENS ? Number(env.WATTBOARD_LLM_CONTEXT_TOKENS) : undefined,
  };
}

export interface ChatEngineProcess {
  server: OpencodeServer;
  /** The Worker's settings for this engine (OPENCODE_*): put them in its vars. */
  workerVars: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts opencode for an app served at `appUrl` (its tools call back to the app there).
 * `idleTimeoutSeconds` ends turns whose model goes quiet (default: the Worker's 60 s).
 */
export async function startChatEngine(options: {
  provider: LlmProvider;
  appUrl: string;
  idleTimeoutSeconds?: number;
  onLog?: (line: string) => void;
}): Promise<ChatEngineProcess> {
  const password = randomBytes(24).toString("hex");
  const toolSecret = randomBytes(32).toString("hex");
  const server = await startOpencodeServer({
    modelBaseUrl: options.provider.baseUrl,
    model: options.provider.model,
    modelApiKey: options.provider.apiKey,
    toolUrl: `${options.appUrl}/api/internal/opencode/tool`,
    toolSecret,
    tools: describeTools().map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
    password,
    onLog: options.onLog,
  });
  const workerVars: Record<string, string> = { OPENCODE_URL: server.url, OPENCODE_PASSWORD: password, OPENCODE_TOOL_SECRET: toolSecret };
  if (options.provider.contextTokens) workerVars.OPENCODE_CONTEXT_TOKENS = String(options.provider.contextTokens);
  if (options.idleTimeoutSeconds) workerVars.OPENCODE_IDLE_TIMEOUT_SECONDS = String(options.idleTimeoutSeconds);
  return { server, workerVars, stop: () => server.stop() };
}

/** A free TCP port on 127.0.0.1, `preferred` when it is free: the app's URL must be known before opencode starts. */
export async function freePort(preferred = 0): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(undefined));
      probe.listen(port, "127.0.0.1", () => {
        const { port: bound } = probe.address() as { port: number };
        probe.close(() => resolve(bound));
      });
    });
  return (preferred ? await tryPort(preferred) : undefined) ?? (await tryPort(0))!;
}

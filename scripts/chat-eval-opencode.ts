/**
 * `npm run chat:eval -- --engine opencode`: the same cases through the LLM engine. The real
 * `opencode serve` with the app's `.opencode/` config and the Worker's tool catalog, the model of
 * WATTBOARD_LLM_*, and, in place of the Worker's tool endpoint, a local one that hands each call to
 * the case's recording tools. The prompt is the Worker's own
 * (worker/chat/engines/opencode-prompt.ts), with the earlier turns carried as context and the
 * case's `now` as the moment of the message.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpencodeClient } from "@opencode-ai/sdk/v2/client";
import { carriedContext } from "../worker/chat/compaction";
import type { ToolOutcome } from "../worker/chat/contract";
import type { EngineTools, EngineTurn } from "../worker/chat/engine";
import { systemPrompt } from "../worker/chat/engines/opencode-prompt";
import { describeTools } from "../worker/chat/tools/catalog";
import type { LlmProvider } from "./local-stack/chat-engine";
import { startOpencodeServer } from "./local-stack/opencode-server";

/** The base agent in .opencode/agent/, as the Worker's engine uses it. */
const BASE_AGENT = "wattboard";

export async function startOpencodeEvalEngine(provider: LlmProvider, log: (line: string) => void = () => {}) {
  const secret = randomBytes(24).toString("hex");
  /** opencode session id → the tools of the case being answered in it. */
  const turns = new Map<string, EngineTools>();
  const endpoint = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== `Bearer ${secret}`) {
      res.writeHead(401).end("unauthorized");
      return;
    }
    let outcome: ToolOutcome;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { sessionID: string; tool: string; input: unknown };
      const tools = turns.get(body.sessionID);
      outcome = tools ? await tools.call(body.tool, body.input) : { ok: false, error: "no turn is running in this session" };
    } catch (error) {
      outcome = { ok: false, error: String(error) };
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(outcome));
  });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const { port } = endpoint.address() as AddressInfo;
  const closeEndpoint = () => new Promise<void>((resolve) => endpoint.close(() => resolve()));

  let server: Awaited<ReturnType<typeof startOpencodeServer>>;
  try {
    server = await startOpencodeServer({
      modelBaseUrl: provider.baseUrl,
      model: provider.model,
      modelApiKey: provider.apiKey,
      toolUrl: `http://127.0.0.1:${port}/api/internal/opencode/tool`,
      toolSecret: secret,
      tools: describeTools().map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
      password: randomBytes(24).toString("hex"),
      onLog: log,
    });
  } catch (error) {
    await closeEndpoint();
    throw error;
  }
  const client = createOpencodeClient({
    baseUrl: server.url,
    directory: server.directory,
    headers: server.authorization ? { authorization: server.authorization } : undefined,
  });

  return {
    async respond(turn: EngineTurn, tools: EngineTools) {
      const created = await client.session.create({ title: turn.context.sessionTitle }, { throwOnError: true });
      const sessionID = created.data.id;
      turns.set(sessionID, tools);
      try {
        const answer = await client.session.prompt(
          {
            sessionID,
            agent: BASE_AGENT,
            system: systemPrompt(turn, undefined, carriedContext(turn.transcript)),
            parts: [{ type: "text", text: turn.text }],
          },
          { throwOnError: true },
        );
        const text = answer.data.parts
          .flatMap((part) => (part.type === "text" && !part.synthetic ? [part.text] : []))
          .join("")
          .trim();
        return { text: text || `(no answer${answer.data.info.error ? `: ${answer.data.info.error.name}` : ""})` };
      } finally {
        turns.delete(sessionID);
        await client.session.delete({ sessionID }).catch(() => {});
      }
    },
    async stop() {
      await server.stop();
      await closeEndpoint();
    },
  };
}

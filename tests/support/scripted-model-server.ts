// A scripted OpenAI-compatible model for tests: POST /v1/chat/completions answers each request
// with the next step of a script, streamed as SSE the way @ai-sdk/openai-compatible reads it.
// Every request body is recorded so tests can assert on the context and tools that were sent.
// Title-generation requests (opencode asks the model for a session title after the first prompt)
// are answered outside the script, so they never consume a scripted step.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptStep = (
  | { text: string }
  | { toolCall: { name: string; arguments: Record<string, unknown> } }
  | { error: { status: number; message: string } }
) & {
  /** Wait this long before answering (after the first text chunk for text steps), e.g. to test abort. */
  delayMs?: number;
};

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  [key: string]: unknown;
}

export interface ScriptedModelServer {
  /** Base URL for the provider config, e.g. http://127.0.0.1:PORT/v1 */
  baseURL: string;
  /** Requests that consumed a script step, in order. */
  requests: ChatRequest[];
  /** Title-generation requests, answered outside the script. */
  titleRequests: ChatRequest[];
  /** Number of requests whose client went away before the answer was complete. */
  aborted(): number;
  /** Appends steps to the script. */
  push(...steps: ScriptStep[]): void;
  /** Steps not consumed yet. */
  remaining(): number;
  close(): Promise<void>;
}

/** Text of a message's content, whether a string or an array of parts. */
export function contentText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : "")).join("");
  }
  return "";
}

function isTitleRequest(body: ChatRequest): boolean {
  const system = body.messages
    .filter((m) => m.role === "system")
    .map(contentText)
    .join("\n");
  return /title generator/i.test(system) && !body.tools?.length;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Splits text in a few chunks so clients see several deltas. */
function chunkText(text: string): string[] {
  const words = text.split(/(?<= )/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(""));
  return out.length ? out : [""];
}

export async function startScriptedModelServer(script: ScriptStep[] = []): Promise<ScriptedModelServer> {
  const queue = [...script];
  const requests: ChatRequest[] = [];
  const titleRequests: ChatRequest[] = [];
  let seq = 0;
  let aborted = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `scripted model: no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatRequest;
    const id = `chatcmpl-${++seq}`;
    let step: ScriptStep;
    if (isTitleRequest(body)) {
      titleRequests.push(body);
      step = { text: "Energy chat" };
    } else {
      requests.push(body);
      const next = queue.shift();
      step = next ?? {
        error: { status: 500, message: `scripted model: script exhausted at request ${requests.length}` },
      };
    }

    if ("error" in step) {
      if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
      res.writeHead(step.error.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: step.error.message, type: "scripted_error" } }));
      return;
    }

    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
      `data: ${JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...(usage ? { usage } : {}),
      })}\n\n`;
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

    if (body.stream === false) {
      // Non-streaming fallback (opencode streams; kept for completeness).
      const message =
        "text" in step
          ? { role: "assistant", content: step.text }
          : {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: `call_${seq}`,
                  type: "function",
                  function: { name: step.toolCall.name, arguments: JSON.stringify(step.toolCall.arguments) },
                },
              ],
            };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model: body.model,
          choices: [{ index: 0, message, finish_reason: "text" in step ? "stop" : "tool_calls" }],
          usage,
        }),
      );
      return;
    }

    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    let gone = false;
    res.once("close", () => {
      if (!res.writableFinished) {
        gone = true;
        aborted++;
      }
    });
    const pause = async () => {
      if (!step.delayMs) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, step.delayMs);
        res.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    };
    if ("text" in step) {
      const pieces = chunkText(step.text);
      res.write(chunk({ role: "assistant", content: "" }, null));
      res.write(chunk({ content: pieces[0] }, null));
      await pause();
      if (gone) return;
      for (const piece of pieces.slice(1)) res.write(chunk({ content: piece }, null));
      res.write(chunk({}, "stop", usage));
    } else {
      await pause();
      if (gone) return;
      const args = JSON.stringify(step.toolCall.arguments);
      res.write(
        chunk(
          {
            role: "assistant",
            content: null,
            tool_calls: [{ index: 0, id: `call_${seq}`, type: "function", function: { name: step.toolCall.name, arguments: "" } }],
          },
          null,
        ),
      );
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }, null));
      res.write(chunk({}, "tool_calls", usage));
    }
    res.write("data: [DONE]\n\n");
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `scripted model: ${String(error)}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    titleRequests,
    aborted: () => aborted,
    push: (...steps) => void queue.push(...steps),
    remaining: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The opencode chat engine, offline: the real `opencode serve` (from node_modules) with the app's
// `.opencode/` config, a scripted OpenAI-compatible model, and a stand-in for the Worker's tool
// endpoint. Drives it through @opencode-ai/sdk/v2/client the way worker/chat/engines/opencode.ts will.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpencodeClient, type Event, type OpencodeClient, type Part } from "@opencode-ai/sdk/v2/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpencodeServer, type OpencodeToolDefinition, startOpencodeServer } from "../../scripts/local-stack/opencode-server.ts";
import { contentText, type ScriptedModelServer, startScriptedModelServer } from "../support/scripted-model-server.ts";

const TOOL_SECRET = "test-tool-secret-0123456789";
const STEP_TIMEOUT_MS = 30_000;

const TOOLS: OpencodeToolDefinition[] = [
  {
    name: "create_chart",
    description: "Create a chart in one of the person's tabs.",
    inputSchema: {
      type: "object",
      properties: {
        tabId: { type: "string", description: "Tab to add the chart to" },
        title: { type: "string" },
        spec: {
          type: "object",
          properties: { meterId: { type: "string" }, metric: { type: "string", enum: ["power_w", "energy_wh"] } },
          required: ["meterId", "metric"],
        },
      },
      required: ["title", "spec"],
    },
  },
  {
    name: "list_meters",
    description: "List the person's meters.",
    inputSchema: { type: "object", properties: {} },
  },
];

interface ToolCall {
  authorization: string | undefined;
  body: { sessionID: string; messageID: string; callID?: string; agent: string; tool: string; input: unknown };
}

/** Stands in for the Worker's tool endpoint: checks the secret, records calls, answers with text. */
async function startToolEndpoint(): Promise<{ url: string; calls: ToolCall[]; rejected: number; server: Server }> {
  const calls: ToolCall[] = [];
  const state = { rejected: 0 };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== `Bearer ${TOOL_SECRET}`) {
      state.rejected++;
      res.writeHead(401).end("unauthorized");
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ToolCall["body"];
    calls.push({ authorization: req.headers.authorization, body });
    if (body.tool === "list_meters") {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "forbidden", message: "The person declined list_meters" } }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, chartId: "chart-42", tool: body.tool }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/internal/opencode/tool`,
    calls,
    get rejected() {
      return state.rejected;
    },
    server,
  };
}

/** Collects the SDK event stream in the background, the way the engine relays it to sockets. */
function collectEvents(client: OpencodeClient, directory: string) {
  const events: Event[] = [];
  const controller = new AbortController();
  const waiters: { match: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  const ready = (async () => {
    const { stream } = await client.event.subscribe({ directory }, { signal: controller.signal });
    return stream;
  })();
  const done = ready.then(async (stream) => {
    try {
      for await (const event of stream) {
        events.push(event);
        for (const waiter of [...waiters]) {
          if (waiter.match(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  });
  return {
    events,
    ready,
    /** Resolves with the first matching event at index `from` or later. */
    waitFor(match: (e: Event) => boolean, what: string, from = 0): Promise<Event> {
      const found = events.slice(from).find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event: ${what}`)), STEP_TIMEOUT_MS);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    async stop() {
      controller.abort();
      await done.catch(() => {});
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function textOf(parts: Part[]): string {
  return parts
    .filter((part): part is Extract<Part, { type: "text" }> => part.type === "text")
    .map((part) => part.text)
    .join("");
}

describe("opencode engine (offline)", () => {
  let model: ScriptedModelServer;
  let tools: Awaited<ReturnType<typeof startToolEndpoint>>;
  let server: OpencodeServer;
  let client: OpencodeClient;

  beforeAll(async () => {
    model = await startScriptedModelServer();
    tools = await startToolEndpoint();
    server = await startOpencodeServer({
      modelBaseUrl: model.baseURL,
      model: "scripted-model",
      toolUrl: tools.url,
      toolSecret: TOOL_SECRET,
      tools: TOOLS,
      password: "test-server-password",
      timeoutMs: 45_000,
    });
    client = createOpencodeClient({
      baseUrl: server.url,
      directory: server.directory,
      headers: { authorization: server.authorization! },
    });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await model?.close();
    await new Promise((resolve) => tools?.server.close(resolve));
  });

  it("fails to start, with the plugin's message, when a tool definition is unusable", async () => {
    const start = startOpencodeServer({
      modelBaseUrl: model.baseURL,
      model: "scripted-model",
      toolUrl: tools.url,
      toolSecret: TOOL_SECRET,
      tools: [{ name: "bash", description: "Shadows the built-in", inputSchema: { type: "object" } }],
      timeoutMs: 45_000,
    });
    await expect(start).rejects.toThrow(/reserved by opencode/);
  }, 60_000);

  it("refuses clients without the server password", async () => {
    const response = await fetch(`${server.url}/session?directory=${encodeURIComponent(server.directory)}`);
    expect(response.status).toBe(401);
  });

  it("runs a tool turn through the Worker endpoint, keeps context, offers only Wattboard tools, and streams events", async () => {
    const feed = collectEvents(client, server.directory);
    await feed.ready;
    try {
      const created = await client.session.create({ title: "Energy chat" }, { throwOnError: true });
      const sessionID = created.data.id;

      // Turn 1: the model calls create_chart, then answers with text.
      model.push(
        { toolCall: { name: "create_chart", arguments: { title: "Daily load", spec: { meterId: "m-1", metric: "power_w" } } } },
        { text: "I added the chart Daily load to your tab." },
      );
      const first = await client.session.prompt(
        {
          sessionID,
          agent: "wattboard",
          model: server.model,
          system: "The person is looking at the tab 'Overview' (tab-7).",
          parts: [{ type: "text", text: "Chart my home meter's power for today" }],
        },
        { throwOnError: true, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) },
      );

      // (a) the tool call reached the Worker endpoint with the session, tool name and input.
      expect(tools.rejected).toBe(0);
      expect(tools.calls).toHaveLength(1);
      expect(tools.calls[0]!.body).toMatchObject({
        sessionID,
        agent: "wattboard",
        tool: "create_chart",
        input: { title: "Daily load", spec: { meterId: "m-1", metric: "power_w" } },
      });
      expect(first.data.info.error).toBeUndefined();
      expect(textOf(first.data.parts)).toBe("I added the chart Daily load to your tab.");
      expect(model.requests).toHaveLength(2);
      // The tool result went back to the model as a tool message.
      const toolMessage = model.requests[1]!.messages.find((m) => m.role === "tool");
      expect(toolMessage && contentText(toolMessage)).toContain("chart-42");

      // The agent prompt and the per-prompt system text both reach the model.
      const system = model.requests[0]!.messages.filter((m) => m.role === "system")
        .map(contentText)
        .join("\n");
      expect(system).toContain("You are Wattboard's assistant");
      expect(system).toContain("The person is looking at the tab 'Overview' (tab-7).");

      // (c) only the Wattboard tools are offered, with the Worker's own JSON schema.
      const offered = (model.requests[0]!.tools ?? []).map((t) => t.function.name).sort();
      expect(offered).toEqual(["create_chart", "list_meters"]);
      const createChart = model.requests[0]!.tools!.find((t) => t.function.name === "create_chart")!;
      expect(createChart.function.parameters).toMatchObject({ type: "object", required: ["title", "spec"] });
      for (const builtin of ["bash", "edit", "write", "webfetch", "read", "glob", "grep", "task", "apply_patch"]) {
        expect(offered).not.toContain(builtin);
      }

      // (b) a follow-up in the same session sends the earlier turns.
      const secondTurnStart = feed.events.length;
      model.push({ text: "It peaked at 3.2 kW around 19:00." });
      const second = await client.session.prompt(
        {
          sessionID,
          agent: "wattboard",
          model: server.model,
          parts: [{ type: "text", text: "When was the peak?" }],
        },
        { throwOnError: true, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) },
      );
      expect(textOf(second.data.parts)).toBe("It peaked at 3.2 kW around 19:00.");
      const followUp = model.requests[2]!.messages;
      const transcript = followUp.map((m) => `${m.role}: ${contentText(m)}`).join("\n");
      expect(transcript).toContain("Chart my home meter's power for today");
      expect(transcript).toContain("I added the chart Daily load to your tab.");
      expect(followUp.some((m) => m.tool_calls?.some((c) => c.function.name === "create_chart"))).toBe(true);
      expect(transcript).toContain("When was the peak?");

      // (d) the event stream carried what the engine relays: text deltas, tool states, idle.
      // Events can trail the prompt's HTTP answer: wait for the second reply's last part, then idle.
      const lastPart = await feed.waitFor(
        (e) =>
          e.type === "message.part.updated" &&
          e.properties.part.messageID === second.data.info.id &&
          e.properties.part.type === "step-finish",
        "step-finish of the second reply",
        secondTurnStart,
      );
      await feed.waitFor(
        (e) => e.type === "session.idle" && e.properties.sessionID === sessionID,
        "session.idle after the second reply",
        feed.events.indexOf(lastPart),
      );
      const mine = feed.events.filter((e) => "properties" in e && (e.properties as { sessionID?: string }).sessionID === sessionID);
      const deltas = mine
        .filter((e): e is Extract<Event, { type: "message.part.delta" }> => e.type === "message.part.delta")
        .filter((e) => e.properties.field === "text")
        .map((e) => e.properties.delta)
        .join("");
      expect(deltas).toContain("I added the chart Daily load to your tab.");
      expect(deltas).toContain("It peaked at 3.2 kW around 19:00.");
      const toolStates = mine
        .filter((e): e is Extract<Event, { type: "message.part.updated" }> => e.type === "message.part.updated")
        .map((e) => e.properties.part)
        .filter((part): part is Extract<Part, { type: "tool" }> => part.type === "tool")
        .map((part) => `${part.tool}:${part.state.status}`);
      expect(toolStates).toContain("create_chart:running");
      expect(toolStates).toContain("create_chart:completed");
    } finally {
      await feed.stop();
    }
  }, 90_000);

  it("returns a failed tool call to the model as a tool error; per-prompt `tools` hides a tool", async () => {
    const { data: session } = await client.session.create({}, { throwOnError: true });
    const callsBefore = tools.calls.length;
    const requestsBefore = model.requests.length;
    model.push({ toolCall: { name: "list_meters", arguments: {} } }, { text: "I may not list your meters." });
    const result = await client.session.prompt(
      {
        sessionID: session.id,
        agent: "wattboard",
        model: server.model,
        // How the Worker narrows tools per agent/person: false removes the tool for this prompt.
        tools: { create_chart: false },
        parts: [{ type: "text", text: "Which meters do I have?" }],
      },
      { throwOnError: true, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) },
    );
    expect(tools.calls.slice(callsBefore).map((c) => c.body.tool)).toEqual(["list_meters"]);
    expect(model.requests[requestsBefore]!.tools?.map((t) => t.function.name)).toEqual(["list_meters"]);
    expect(textOf(result.data.parts)).toBe("I may not list your meters.");
    const followUp = model.requests[requestsBefore + 1]!;
    const toolMessage = followUp.messages.find((m) => m.role === "tool");
    expect(toolMessage && contentText(toolMessage)).toContain("The person declined list_meters");
    const messages = await client.session.messages({ sessionID: session.id }, { throwOnError: true });
    const toolPart = messages.data.flatMap((m) => m.parts).find((p) => p.type === "tool");
    expect(toolPart).toMatchObject({ tool: "list_meters", state: { status: "error" } });
  }, 60_000);

  it("aborts a running turn and closes the model request", async () => {
    const { data: session } = await client.session.create({}, { throwOnError: true });
    const requestsBefore = model.requests.length;
    const abortedBefore = model.aborted();
    model.push({ text: "This answer takes far too long to finish.", delayMs: 60_000 });
    const pending = client.session.prompt(
      { sessionID: session.id, agent: "wattboard", model: server.model, parts: [{ type: "text", text: "Explain everything" }] },
      { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) },
    );
    await until(() => model.requests.length > requestsBefore, "the model request");
    await client.session.abort({ sessionID: session.id }, { throwOnError: true });
    const result = await pending;
    expect(result.error).toBeUndefined();
    expect(result.data?.info.error?.name).toBe("MessageAbortedError");
    await until(() => model.aborted() > abortedBefore, "the model request to be closed");
    const status = await client.session.status({}, { throwOnError: true });
    expect(status.data[session.id]?.type ?? "idle").toBe("idle");
  }, 60_000);
});

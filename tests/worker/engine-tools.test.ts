import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { linkEngineSession, setEngineTurn } from "../../worker/chat/engine-sessions-queries";
import { connectDatabase } from "../../worker/db/client";
import { TEST_OPENCODE_TOOL_SECRET } from "../setup/test-secrets";
import { call, callWithEnv, chartSpec, signIn } from "./helpers";

const PATH = "/api/internal/opencode/tool";
const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

const toolCall = (body: unknown, secret = TEST_OPENCODE_TOOL_SECRET) =>
  call("POST", PATH, { body, headers: { Authorization: `Bearer ${secret}` } });

/** A person with a tab, a meter and a chat session whose opencode session is answering a message. */
async function personInTurn(label: string) {
  const user = await signIn(label);
  const tab = (await call("POST", "/api/tabs", { token: user.token, body: { title: "From the model" } })).body;
  const meter = (await call("POST", "/api/meters", { token: user.token, body: { name: "House", timezone: "Europe/London" } })).body;
  const session = (await call("POST", "/api/chat/sessions", { token: user.token, body: { title: "Model chat" } })).body;
  const engineSessionId = `ses_${crypto.randomUUID()}`;
  await linkEngineSession(connection.db, user.userId, session.id, "opencode", engineSessionId);
  const messageId = crypto.randomUUID();
  await setEngineTurn(connection.db, engineSessionId, {
    chatSessionId: session.id,
    sessionTitle: "Model chat",
    messageId,
    messageAt: new Date().toISOString(),
    agentId: "analyst",
    tabId: tab.id,
    origin: "https://wattboard.test",
  });
  return { user, tab, meter, session, engineSessionId, messageId };
}

describe("opencode's tool calls back to the Worker", () => {
  it("runs the tool for the chat the engine session belongs to, on the picked tab, and records it", async () => {
    const { user, tab, meter, session, engineSessionId, messageId } = await personInTurn("engine-tool");
    const result = await toolCall({
      sessionID: engineSessionId,
      callID: "call_1",
      tool: "create_chart",
      input: { title: "House power", spec: chartSpec({ meterIds: [meter.id] }) },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, summary: 'Created chart "House power"', result: { tabId: tab.id } });

    const { body: saved } = await call("GET", `/api/tabs/${tab.id}`, { token: user.token });
    expect(saved.charts).toMatchObject([{ title: "House power", source: "chat", provenance: { sessionId: session.id, messageId } }]);
    const { body: transcript } = await call("GET", `/api/chat/sessions/${session.id}/messages`, { token: user.token });
    expect(transcript.toolCalls).toMatchObject([{ tool: "create_chart", decision: "allow", agent: "analyst", messageId }]);
  });

  it("applies the chat's permissions: a denied tool does not run, and the model reads why", async () => {
    const { user, tab, engineSessionId } = await personInTurn("engine-deny");
    await call("PUT", "/api/chat/settings", { token: user.token, body: { rules: { share: "deny" } } });
    const result = await toolCall({ sessionID: engineSessionId, tool: "share", input: { kind: "tab", id: tab.id } });
    expect(result.body).toEqual({ ok: false, error: "share is not allowed for Analyst (change it in the chat's permissions)" });
    expect((await call("GET", "/api/shares", { token: user.token })).body.shares).toEqual([]);
  });

  it("acts only on the session owner's data: another person's tab reads as missing", async () => {
    const { meter, engineSessionId } = await personInTurn("engine-owner");
    const other = await signIn("engine-other");
    const otherTab = (await call("POST", "/api/tabs", { token: other.token, body: { title: "Not yours" } })).body;
    const result = await toolCall({
      sessionID: engineSessionId,
      tool: "create_chart",
      input: { tabId: otherTab.id, title: "Sneaky", spec: chartSpec({ meterIds: [meter.id] }) },
    });
    expect(result.body).toEqual({ ok: false, error: "Tab not found" });
    expect((await call("GET", `/api/tabs/${otherTab.id}`, { token: other.token })).body.charts).toEqual([]);
  });

  it("answers invalid input with what is wrong, for the model to correct", async () => {
    const { engineSessionId } = await personInTurn("engine-invalid");
    const result = await toolCall({ sessionID: engineSessionId, tool: "set_goal", input: { meterId: "nope", peakLimitKw: -1 } });
    expect(result.body.ok).toBe(false);
    expect(result.body.error).toMatch(/^invalid input for set_goal: meterId .*; peakLimitKw /);
    // A period that ends before it starts is named by its field, in the comparison too.
    const backwards = await toolCall({
      sessionID: engineSessionId,
      tool: "measure",
      input: {
        meter: "House",
        quantity: "energy",
        from: "2026-03-02T00:00:00Z",
        to: "2026-03-01T00:00:00Z",
        compare: { from: "2026-02-02T00:00:00Z", to: "2026-02-01T00:00:00Z" },
      },
    });
    expect(backwards.body).toEqual({
      ok: false,
      error: "invalid input for measure: to must be later than from; compare.to must be later than from",
    });
  });

  it("finds nothing to act for between turns or for an unknown session", async () => {
    const { engineSessionId } = await personInTurn("engine-idle");
    await setEngineTurn(connection.db, engineSessionId, null);
    for (const sessionID of [engineSessionId, "ses_unknown"]) {
      const result = await toolCall({ sessionID, tool: "list_meters", input: {} });
      expect(result.status).toBe(404);
      expect(result.body.error).toMatchObject({ code: "not_found", message: "Chat turn not found" });
    }
  });

  it("needs the shared secret, checked before anything about the call is revealed", async () => {
    const { engineSessionId } = await personInTurn("engine-secret");
    for (const headers of [{}, { Authorization: "Bearer wrong-secret" }, { Authorization: TEST_OPENCODE_TOOL_SECRET }] as Record<
      string,
      string
    >[]) {
      const result = await call("POST", PATH, { body: { sessionID: engineSessionId, tool: "list_meters", input: {} }, headers });
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe("unauthorized");
    }
    const garbage = await call("POST", PATH, { rawBody: "{not json", headers: { Authorization: "Bearer wrong-secret" } });
    expect(garbage.status).toBe(401);
    const userToken = (await signIn("engine-user-token")).token;
    expect((await toolCall({ sessionID: engineSessionId, tool: "list_meters", input: {} }, userToken)).status).toBe(401);
  });

  it("does not exist when no opencode secret is configured", async () => {
    const result = await callWithEnv(
      { OPENCODE_TOOL_SECRET: undefined },
      "POST",
      PATH,
      { sessionID: "ses_x", tool: "list_meters", input: {} },
      { Authorization: "Bearer anything" },
    );
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: "route_not_found", message: `No route POST ${PATH}` } });
  });
});

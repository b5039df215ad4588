import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { getChatSettings, saveChatSettings } from "../chat/agents-queries";
import { deleteEngineSessions } from "../chat/engine-sessions-queries";
import { errorResponses, notFound } from "../errors";
import { resolveAgent } from "../chat/agents";
import { sendChatMessage } from "../chat/chat-service";
import { opencodeSettings } from "../chat/engines/opencode";
import { describeTools } from "../chat/tools/catalog";
import { ChatMessage, ChatSettings, PermissionDecision, ToolCallRecord } from "../chat/contract";
import { bearerAuth, createRouter, IdParam, jsonBody, jsonResponse } from "./router";
import { userHub } from "../../durable-objects/user-hub/stub";

export const chatRoutes = createRouter();

const Session = z.object({ id: z.string(), title: z.string(), agentId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() }).meta({ id: "ChatSession" });
const SessionTitle = z.string().trim().min(1).max(120);
const AgentId = z.string().min(1).max(64);


chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/chat/sessions",
    tags: ["chat"],
    summary: "Start a chat session (a conversation about one topic)",
    security: bearerAuth,
    request: jsonBody(z.object({ title: SessionTitle.optional(), agentId: AgentId.optional() }).strict()),
    responses: { 201: jsonResponse("The session", Session), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { title, agentId } = c.req.valid("json");
    if (agentId && !(await resolveAgent(c.var.db, c.var.user.id, agentId))) throw notFound("Agent");
    const hub = userHub(c.env, c.var.user.id);
    const { id } = await hub.createChatSession(title ?? "New chat", agentId ?? null);
    return c.json((await hub.getChatSession(id))!, 201);
  },
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/sessions",
    tags: ["chat"],
    summary: "The person's chat sessions, most recent first",
    security: bearerAuth,
    responses: { 200: jsonResponse("Sessions", z.object({ sessions: z.array(Session) })), ...errorResponses(401) },
  }),
  async (c) => c.json({ sessions: await userHub(c.env, c.var.user.id).listChatSessions() }, 200),
);

chatRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/chat/sessions/{id}",
    tags: ["chat"],
    summary: "Rename a session or change its agent",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(z.object({ title: SessionTitle.optional(), agentId: AgentId.nullable().optional() }).strict()) },
    responses: { 200: jsonResponse("The session", Session), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const changes = c.req.valid("json");
    if (changes.agentId && !(await resolveAgent(c.var.db, c.var.user.id, changes.agentId))) throw notFound("Agent");
    const hub = userHub(c.env, c.var.user.id);
    if (!(await hub.updateChatSession(id, changes))) throw notFound("Chat session");
    return c.json((await hub.getChatSession(id))!, 200);
  },
);

chatRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/chat/sessions/{id}",
    tags: ["chat"],
    summary: "Delete a session with its messages and tool calls",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", z.object({ deleted: z.literal(true) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await userHub(c.env, c.var.user.id).deleteChatSession(id))) throw notFound("Chat session");
    await deleteEngineSessions(c.var.db, c.var.user.id, id);
    return c.json({ deleted: true as const }, 200);
  },
);

const Transcript = z.object({ messages: z.array(ChatMessage), toolCalls: z.array(ToolCallRecord) });

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/sessions/{id}/messages",
    tags: ["chat"],
    summary: "A session's messages and every tool call made in it",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Transcript", Transcript), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const hub = userHub(c.env, c.var.user.id);
    const { id } = c.req.valid("param");
    if (!(await hub.getChatSession(id))) throw notFound("Chat session");
    return c.json(await hub.chatTranscript(id), 200);
  },
);

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/chat/sessions/{id}/messages",
    tags: ["chat"],
    summary: "Send a message; answers when the turn is complete (the UI streams over the WebSocket)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(z.object({ text: z.string().trim().min(1, "write a message first").max(8_000), tabId: z.uuid().optional(), agentId: AgentId.optional() }).strict()) },
    responses: { 200: jsonResponse("The turn", Transcript), ...errorResponses(400, 401, 404, 429) },
  }),
  async (c) => c.json(await sendChatMessage({ db: c.var.db, env: c.env, userId: c.var.user.id, origin: new URL(c.req.url).origin }, c.req.valid("param").id, c.req.valid("json")), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/chat/permissions/{id}",
    tags: ["chat"],
    summary: "Answer a permission request: once, always (for this session) or deny",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(z.object({ decision: PermissionDecision }).strict()) },
    responses: { 200: jsonResponse("Answered", z.object({ answered: z.literal(true) })), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const answered = await userHub(c.env, c.var.user.id).answerPermission(c.req.valid("param").id, c.req.valid("json").decision);
    if (!answered) throw notFound("Permission request");
    return c.json({ answered: true as const }, 200);
  },
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/tools",
    tags: ["chat"],
    summary: "The commands the chat can run (the UI's command list)",
    security: bearerAuth,
    responses: {
      200: jsonResponse(
        "Tools, and which engine answers messages that are not commands",
        z.object({ tools: z.array(z.object({ name: z.string(), description: z.string(), risk: z.string(), inputSchema: z.unknown() })), engine: z.enum(["offline", "opencode"]) }),
      ),
      ...errorResponses(401),
    },
  }),
  (c) => c.json({ tools: describeTools(), engine: opencodeSettings(c.env) ? ("opencode" as const) : ("offline" as const) }, 200),
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/settings",
    tags: ["chat"],
    summary: "Chat-wide permission rules (they override every agent)",
    security: bearerAuth,
    responses: { 200: jsonResponse("Settings", ChatSettings), ...errorResponses(401) },
  }),
  async (c) => c.json(await getChatSettings(c.var.db, c.var.user.id), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/chat/settings",
    tags: ["chat"],
    summary: "Set chat-wide permission rules, e.g. {\"rules\": {\"set_goal\": \"ask\"}}",
    security: bearerAuth,
    request: jsonBody(ChatSettings),
    responses: { 200: jsonResponse("Saved", ChatSettings), ...errorResponses(400, 401) },
  }),
  async (c) => {
    const settings = c.req.valid("json");
    await saveChatSettings(c.var.db, c.var.user.id, settings);
    return c.json(settings, 200);
  },
);

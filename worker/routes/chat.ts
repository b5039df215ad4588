import { createRoute } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import {
  AnswerPermissionBody,
  ChatSession,
  ChatSessionList,
  ChatSettings,
  ChatSettingsBody,
  ChatToolList,
  ChatTranscript,
  CreateChatSessionBody,
  PermissionAnswered,
  SendChatMessageBody,
  UpdateChatSessionBody,
} from "../chat/contract";
import { answerPermission, getChatSettings, saveChatSettings } from "../chat/permissions";
import { chatTranscript, createChatSession, deleteChatSession, listChatSessions, updateChatSession } from "../chat/sessions";
import { listChatTools } from "../chat/tools/registry";
import { sendChatMessage } from "../chat/turn";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse } from "./router";

export const chatRoutes = createRouter();

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/chat/sessions",
    tags: ["chat"],
    summary: "Start a chat session (a conversation about one topic)",
    security: bearerAuth,
    request: jsonBody(CreateChatSessionBody),
    responses: { 201: jsonResponse("The session", ChatSession), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await createChatSession(actorOf(c), c.req.valid("json")), 201),
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/sessions",
    tags: ["chat"],
    summary: "The person's chat sessions, most recent first",
    security: bearerAuth,
    responses: { 200: jsonResponse("Sessions", ChatSessionList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listChatSessions(actorOf(c)), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/chat/sessions/{id}",
    tags: ["chat"],
    summary: "Rename a session or change its agent",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateChatSessionBody) },
    responses: { 200: jsonResponse("The session", ChatSession), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateChatSession(actorOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/chat/sessions/{id}",
    tags: ["chat"],
    summary: "Delete a session with its messages and tool calls",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteChatSession(actorOf(c), c.req.valid("param").id), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/sessions/{id}/messages",
    tags: ["chat"],
    summary: "A session's messages and every tool call made in it",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Transcript", ChatTranscript), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await chatTranscript(actorOf(c), c.req.valid("param").id), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/chat/sessions/{id}/messages",
    tags: ["chat"],
    summary: "Send a message; answers when the turn is complete (the UI streams over the WebSocket)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(SendChatMessageBody) },
    responses: {
      200: jsonResponse("The turn: the message, the answer and the tool calls it made", ChatTranscript),
      ...errorResponses(400, 401, 404, 429),
    },
  }),
  async (c) => c.json(await sendChatMessage(actorOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/chat/permissions/{id}",
    tags: ["chat"],
    summary: "Answer a permission request: once, always (for this session) or deny",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(AnswerPermissionBody) },
    responses: { 200: jsonResponse("Answered", PermissionAnswered), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await answerPermission(actorOf(c), c.req.valid("param").id, c.req.valid("json").decision), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/chat/tools",
    tags: ["chat"],
    summary: "The commands the chat can run (the UI's command list)",
    security: bearerAuth,
    responses: {
      200: jsonResponse("Tools, and which engine answers messages that are not commands", ChatToolList),
      ...errorResponses(401),
    },
  }),
  (c) => c.json(listChatTools(c.env), 200),
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
  async (c) => c.json(await getChatSettings(actorOf(c)), 200),
);

chatRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/chat/settings",
    tags: ["chat"],
    summary: 'Set chat-wide permission rules, e.g. {"rules": {"set_goal": "ask"}}',
    security: bearerAuth,
    request: jsonBody(ChatSettingsBody),
    responses: { 200: jsonResponse("Saved", ChatSettings), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await saveChatSettings(actorOf(c), c.req.valid("json")), 200),
);

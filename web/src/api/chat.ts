import { answerOf, byId, client, type Json, type RequestJson } from "./client";

export type ChatSession = Json<"/api/chat/sessions/{id}", "patch">;
/** A session's messages and every tool call made in it. */
export type Transcript = Json<"/api/chat/sessions/{id}/messages", "get">;
export type ChatMessage = Transcript["messages"][number];
export type ToolCallRecord = Transcript["toolCalls"][number];
type ToolCatalog = Json<"/api/chat/tools", "get">;
export type ChatTool = ToolCatalog["tools"][number];
/** Who answers messages that are not commands: the offline command engine or an LLM through opencode. */
export type ChatEngineName = ToolCatalog["engine"];
export type Agent = Json<"/api/agents/{id}", "patch">;
export type ChatSettings = Json<"/api/chat/settings", "get">;
export type PermissionDecision = RequestJson<"/api/chat/permissions/{id}", "post">["decision"];

export const chatApi = {
  listSessions: () => answerOf(client.GET("/api/chat/sessions")).then((r) => r.sessions),
  createSession: (body: RequestJson<"/api/chat/sessions", "post">) => answerOf(client.POST("/api/chat/sessions", { body })),
  updateSession: (id: string, changes: RequestJson<"/api/chat/sessions/{id}", "patch">) =>
    answerOf(client.PATCH("/api/chat/sessions/{id}", { ...byId(id), body: changes })),
  deleteSession: (id: string) => answerOf(client.DELETE("/api/chat/sessions/{id}", byId(id))),
  transcript: (id: string) => answerOf(client.GET("/api/chat/sessions/{id}/messages", byId(id))),
  /** Answers when the turn is complete (which waits for any permission the turn asks for). */
  send: (id: string, body: RequestJson<"/api/chat/sessions/{id}/messages", "post">) =>
    answerOf(client.POST("/api/chat/sessions/{id}/messages", { ...byId(id), body })),
  answerPermission: (id: string, decision: PermissionDecision) =>
    answerOf(client.POST("/api/chat/permissions/{id}", { ...byId(id), body: { decision } })),
  agents: () => answerOf(client.GET("/api/agents")).then((r) => r.agents),
  tools: () => answerOf(client.GET("/api/chat/tools")),
  settings: () => answerOf(client.GET("/api/chat/settings")),
};

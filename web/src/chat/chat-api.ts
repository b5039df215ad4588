import type { Agent, ChatMessage, ChatSettings, PermissionDecision, ToolCallRecord } from "../../../worker/chat/contract";
import { api } from "../api";

/** Who answers messages that are not commands: the offline command engine or an LLM through opencode. */
export type ChatEngineName = "offline" | "opencode";

export type { Agent, ChatMessage, ChatSettings, PermissionDecision, ToolCallRecord };

export interface ChatSession {
  id: string;
  title: string;
  agentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ChatTool {
  name: string;
  description: string;
  risk: string;
  inputSchema: unknown;
}

export interface Transcript {
  messages: ChatMessage[];
  toolCalls: ToolCallRecord[];
}

/** The payload of a "permission.request" event. */
export interface PermissionRequest {
  id: string;
  sessionId: string;
  tool: string;
  input: unknown;
  agent: string;
  summary: string;
  timeoutSeconds: number;
}

export const chatApi = {
  listSessions: () => api<{ sessions: ChatSession[] }>("GET", "/api/chat/sessions").then((r) => r.sessions),
  createSession: (body: { title?: string; agentId?: string }) => api<ChatSession>("POST", "/api/chat/sessions", body),
  updateSession: (id: string, changes: { title?: string; agentId?: string | null }) => api<ChatSession>("PATCH", `/api/chat/sessions/${id}`, changes),
  deleteSession: (id: string) => api<{ deleted: true }>("DELETE", `/api/chat/sessions/${id}`),
  transcript: (id: string) => api<Transcript>("GET", `/api/chat/sessions/${id}/messages`),
  /** Answers when the turn is complete (which waits for any permission the turn asks for). */
  send: (id: string, body: { text: string; tabId?: string; agentId?: string }) => api<Transcript>("POST", `/api/chat/sessions/${id}/messages`, body),
  answerPermission: (id: string, decision: PermissionDecision) => api<{ answered: true }>("POST", `/api/chat/permissions/${id}`, { decision }),
  agents: () => api<{ agents: Agent[] }>("GET", "/api/agents").then((r) => r.agents),
  tools: () => api<{ tools: ChatTool[]; engine: ChatEngineName }>("GET", "/api/chat/tools"),
  settings: () => api<ChatSettings>("GET", "/api/chat/settings"),
};

/** The chart a create_chart (or update_chart) call made, when it made one. */
export function chartOf(call: ToolCallRecord): { id: string; tabId: string; title: string } | null {
  if ((call.tool !== "create_chart" && call.tool !== "update_chart") || call.error || !call.result) return null;
  const result = call.result as { id?: unknown; tabId?: unknown; title?: unknown };
  return typeof result.id === "string" && typeof result.tabId === "string" ? { id: result.id, tabId: result.tabId, title: String(result.title ?? "Chart") } : null;
}

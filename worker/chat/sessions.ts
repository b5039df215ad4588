import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import type { Env } from "../env";
import { notFound } from "../errors";
import { requireAgent } from "./agents";
import {
  type ChatSession,
  type ChatSessionList,
  type ChatTranscript,
  type CreateChatSessionBody,
  DEFAULT_SESSION_TITLE,
  type UpdateChatSessionBody,
} from "./contract";
import { deleteEngineSessions } from "./engine-sessions-queries";

/** Sessions live in the person's UserHub; an agent they name must be one the person has. */
export async function createChatSession(actor: Actor, session: CreateChatSessionBody): Promise<ChatSession> {
  if (session.agentId) await requireAgent(actor, session.agentId);
  return userHub(actor.env, actor.userId).createChatSession(session.title ?? DEFAULT_SESSION_TITLE, session.agentId ?? null);
}

/** Most recently active first. */
export async function listChatSessions(actor: Actor): Promise<ChatSessionList> {
  return { sessions: await userHub(actor.env, actor.userId).listChatSessions() };
}

export async function requireChatSession(actor: Pick<Actor, "env" | "userId">, sessionId: string): Promise<ChatSession> {
  const session = await userHub(actor.env, actor.userId).getChatSession(sessionId);
  if (!session) throw notFound("Chat session");
  return session;
}

/** Renames a session or changes its agent (null: back to the default agent). */
export async function updateChatSession(actor: Actor, sessionId: string, changes: UpdateChatSessionBody): Promise<ChatSession> {
  if (changes.agentId) await requireAgent(actor, changes.agentId);
  const session = await userHub(actor.env, actor.userId).updateChatSession(sessionId, changes);
  if (!session) throw notFound("Chat session");
  return session;
}

/** Deletes the session with its messages and tool calls, and forgets the engine sessions that served it. */
export async function deleteChatSession(actor: Actor, sessionId: string): Promise<Deleted> {
  if (!(await userHub(actor.env, actor.userId).deleteChatSession(sessionId))) throw notFound("Chat session");
  await deleteEngineSessions(actor.db, actor.userId, sessionId);
  return { deleted: true };
}

export async function chatTranscript(actor: Actor, sessionId: string): Promise<ChatTranscript> {
  await requireChatSession(actor, sessionId);
  return readTranscript(actor.env, actor.userId, sessionId);
}

/**
 * A session's transcript, without checking that the session exists. The RPC stub types every
 * method whose result holds `unknown` (tool inputs and results) as never; the values are plain
 * JSON, so the type is restored here.
 */
export async function readTranscript(env: Pick<Env, "USER_HUB">, userId: string, sessionId: string): Promise<ChatTranscript> {
  return (await userHub(env, userId).chatTranscript(sessionId)) as ChatTranscript;
}

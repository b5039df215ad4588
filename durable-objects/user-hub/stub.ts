import type { Env } from "../../worker/env";
import type { ChatMessage, ToolCallRecord } from "../../worker/chat/contract";

/** The user's UserHub Durable Object: one per user, addressed by their id. */
export function userHub(env: Pick<Env, "USER_HUB">, userId: string) {
  return env.USER_HUB.get(env.USER_HUB.idFromName(userId));
}

/**
 * A chat session's transcript. The RPC stub types every method whose result holds `unknown`
 * (tool inputs and results) as never; the values are plain JSON, so the type is restored here.
 */
export async function readChatTranscript(env: Pick<Env, "USER_HUB">, userId: string, sessionId: string): Promise<{ messages: ChatMessage[]; toolCalls: ToolCallRecord[] }> {
  return (await userHub(env, userId).chatTranscript(sessionId)) as { messages: ChatMessage[]; toolCalls: ToolCallRecord[] };
}

import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import { notFound } from "../errors";
import type { ChatSettings, PermissionAnswered, PermissionDecision } from "./contract";
import { findChatSettings, upsertChatSettings } from "./settings-queries";

/** Until the person sets rules: agents and tool risks decide, and a question waits a minute. */
const DEFAULT_CHAT_SETTINGS: ChatSettings = { rules: {}, askTimeoutSeconds: 60 };

export async function getChatSettings(actor: Pick<Actor, "db" | "userId">): Promise<ChatSettings> {
  return (await findChatSettings(actor.db, actor.userId)) ?? DEFAULT_CHAT_SETTINGS;
}

export async function saveChatSettings(actor: Actor, settings: ChatSettings): Promise<ChatSettings> {
  await upsertChatSettings(actor.db, actor.userId, settings);
  return settings;
}

/** The person's answer to a tool call waiting in their UserHub; a request nobody waits for (any more) is a 404. */
export async function answerPermission(actor: Actor, requestId: string, decision: PermissionDecision): Promise<PermissionAnswered> {
  if (!(await userHub(actor.env, actor.userId).answerPermission(requestId, decision))) throw notFound("Permission request");
  return { answered: true };
}

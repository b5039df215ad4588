import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import { listChartHeads } from "../charts/queries";
import { notFound } from "../errors";
import { listMeters } from "../meters/queries";
import { getTab, listTabs } from "../tabs/queries";
import { listTariffNames } from "../tariffs/queries";
import { requireAgent } from "./agents";
import {
  formatSummary,
  liveTranscript,
  mergeSummaries,
  needsCompaction,
  parseFormattedSummary,
  recordedSummary,
  splitForCompaction,
} from "./compaction";
import {
  type ChatMessage,
  type ChatTranscript,
  DEFAULT_SESSION_TITLE,
  type EngineTurnContext,
  type SendChatMessageBody,
  sessionTitleFrom,
} from "./contract";
import type { ChatEngine, ChatRef } from "./engine";
import { engineFor } from "./engines/choice";
import { getChatSettings } from "./permissions";
import { readTranscript, requireChatSession } from "./sessions";
import { turnTools } from "./tool-calls";

/**
 * One turn of the chat: stores the person's message, lets the engine answer with registry tools,
 * then stores and announces the answer. The answer's id is chosen first so streamed deltas and
 * the stored message are one message in the UI. Answers with what the turn added.
 */
export async function sendChatMessage(
  actor: Actor,
  sessionId: string,
  message: SendChatMessageBody,
  engine = engineFor(actor, message.text),
): Promise<ChatTranscript> {
  const hub = userHub(actor.env, actor.userId);
  const session = await requireChatSession(actor, sessionId);
  const agent = await requireAgent(actor, message.agentId ?? session.agentId ?? undefined);
  if (message.tabId && !(await getTab(actor.db, actor.homeId, message.tabId))) throw notFound("Tab");

  const settings = await getChatSettings(actor);
  const meters = await listMeters(actor.db, actor.homeId);
  const { tabs, charts, tariffs } = engine.resolvesNames ? await namedThings(actor) : { tabs: [], charts: [], tariffs: [] };
  const stored = await readTranscript(actor.env, actor.userId, sessionId);
  // A session started without a title (the "+" button) is named by its first message, as one started by sending is.
  const title =
    stored.messages.length === 0 && session.title === DEFAULT_SESSION_TITLE
      ? ((await hub.updateChatSession(sessionId, { title: sessionTitleFrom(message.text) }))?.title ?? session.title)
      : session.title;
  const chat: ChatRef = { chatSessionId: sessionId, sessionTitle: title };
  const transcript = await compactIfNeeded(actor, engine, chat, stored);
  const userMessage = (await hub.appendChatMessage(sessionId, "user", message.text))!;
  const turn: EngineTurnContext = {
    ...chat,
    messageId: userMessage.id,
    messageAt: userMessage.at,
    messageText: message.text,
    agentId: agent.id,
    tabId: message.tabId,
    origin: actor.origin,
    homeId: actor.homeId,
  };
  const replyId = crypto.randomUUID();

  const answer = await engine.respond(
    { text: message.text, transcript, agent, meters, tabs, charts, tariffs, context: turn, replyId },
    turnTools(actor, turn, agent, settings),
  );
  const choices = answer.choices?.length ? answer.choices : undefined;
  const reply = (await hub.appendChatMessage(sessionId, "assistant", answer.text, replyId, choices))!;
  const messages: ChatMessage[] = [
    { id: userMessage.id, role: "user", text: message.text, at: userMessage.at },
    { id: reply.id, role: "assistant", text: answer.text, at: reply.at, ...(choices ? { choices } : {}) },
  ];
  await hub.publish("chat.message", { sessionId, message: messages[1] });
  const { toolCalls } = await readTranscript(actor.env, actor.userId, sessionId);
  return { messages, toolCalls: toolCalls.filter((call) => call.messageId === userMessage.id) };
}

/** The home's tabs, charts and tariffs by name, for an engine that resolves names itself (the chat is personal, what it acts on is the home's). */
async function namedThings({ db, homeId }: Actor) {
  const tabs = (await listTabs(db, homeId)).map((tab) => ({ id: tab.id, name: tab.title }));
  const charts = (await listChartHeads(db, homeId)).map(({ title, ...chart }) => ({ ...chart, name: title }));
  return { tabs, charts, tariffs: await listTariffNames(db, homeId) };
}

/**
 * Compresses a long session before the next turn: when the estimate passes 70 % of the engine's
 * context, the older turns are replaced (for the engine; the person keeps them) by a summary that
 * is stored in the session, so the person sees that it happened and what was kept.
 */
async function compactIfNeeded(actor: Actor, engine: ChatEngine, chat: ChatRef, transcript: ChatTranscript): Promise<ChatTranscript> {
  if (!needsCompaction(transcript, engine.contextTokens)) return transcript;
  const { older } = splitForCompaction(transcript);
  if (older.length === 0) return transcript;
  const previous = liveTranscript(transcript).summary;
  const recorded = recordedSummary(transcript, older, previous && parseFormattedSummary(previous.text));
  const fromEngine = await engine.summarize?.(chat, transcript).catch(() => undefined);
  const text = formatSummary(mergeSummaries(recorded, fromEngine), older.length);
  // The summary goes before the recent turns it does not replace, so they stay whole for the engine.
  const hub = userHub(actor.env, actor.userId);
  const summary = (await hub.insertChatSummary(chat.chatSessionId, text, older[older.length - 1].id))!;
  await engine.forget?.(chat);
  await hub.publish("chat.compacted", {
    sessionId: chat.chatSessionId,
    message: { id: summary.id, role: "summary", text, at: summary.at },
    afterMessageId: older[older.length - 1].id,
    messagesSummarized: older.length,
  });
  return readTranscript(actor.env, actor.userId, chat.chatSessionId);
}

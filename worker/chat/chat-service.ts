import { getChatSettings } from "./agents-queries";
import { findByEngineSessionId } from "./engine-sessions-queries";
import type { Database } from "../db/client";
import { listMeters } from "../meters/queries";
import { getTab } from "../tabs/queries";
import { ApiError, notFound } from "../errors";
import type { Env } from "../env";
import type { Agent, ChatSettings, EngineTurnContext, ToolCallRecord } from "./contract";
import { readChatTranscript, userHub } from "../../durable-objects/user-hub/stub";
import { permissionFor, resolveAgent } from "./agents";
import { formatSummary, liveTranscript, mergeSummaries, needsCompaction, parseFormattedSummary, recordedSummary, splitForCompaction, type Transcript } from "./compaction";
import type { ChatEngine, ChatRef, EngineTools, ToolOutcome } from "./engine";
import { offlineEngine } from "./engines/offline";
import { opencodeEngine, opencodeSettings } from "./engines/opencode";
import { findTool } from "./tools/registry";

export interface ChatActor {
  db: Database;
  env: Env;
  userId: string;
  origin: string;
}

/**
 * The engine for a message: commands (/chart, /run…) always go to the offline engine, which runs
 * them exactly as typed; other messages go to the LLM through opencode when one is configured.
 */
export function chatEngine(actor: ChatActor, text: string): ChatEngine {
  const settings = opencodeSettings(actor.env);
  if (!settings || text.trimStart().startsWith("/")) return offlineEngine;
  return opencodeEngine(settings, actor);
}

/**
 * The registry's tools as one turn may use them: each call is validated, checked against the
 * chat-wide rules, then the agent's permissions (asking the person over their sockets when
 * needed), run as the user, recorded in the session and announced. Every engine goes through here,
 * whether it calls in-process (offline) or back over HTTP (opencode).
 */
export function turnTools(actor: ChatActor, turn: EngineTurnContext, agent: Agent, settings: ChatSettings): EngineTools {
  const hub = userHub(actor.env, actor.userId);
  const sessionId = turn.chatSessionId;
  return {
    async call(name, input): Promise<ToolOutcome> {
      const tool = findTool(name);
      if (!tool) return { ok: false, error: `there is no tool called ${name}` };
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) return { ok: false, error: `invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}` };
      const record = async (decision: ToolCallRecord["decision"], result: unknown, error: string | null) => {
        const call = await hub.recordToolCall(sessionId, { messageId: turn.messageId, agent: agent.id, tool: name, input: parsed.data, decision, result, error });
        await hub.publish("chat.tool", { sessionId, call });
      };

      let decision: ToolCallRecord["decision"] = "allow";
      const permission = permissionFor(tool, agent, settings.rules);
      if (permission === "deny") {
        await record("deny", null, "not allowed by the chat's permissions");
        return { ok: false, error: `${name} is not allowed for ${agent.name} (change it in the chat's permissions)` };
      }
      if (permission === "ask") {
        if (await hub.hasToolGrant(sessionId, name)) {
          decision = "always";
        } else {
          decision = await hub.askPermission({ sessionId, tool: name, input: parsed.data, agent: agent.name, summary: `${agent.name} wants to run ${name}` }, settings.askTimeoutSeconds * 1000);
          if (decision === "deny" || decision === "timeout") {
            await record(decision, null, decision === "deny" ? "the person declined" : "nobody answered in time");
            return { ok: false, error: decision === "deny" ? `the person declined ${name}` : `nobody approved ${name} in time, so it did not run` };
          }
        }
      }
      try {
        const { result, summary } = await tool.run(
          { db: actor.db, env: actor.env, userId: actor.userId, sessionId, sessionTitle: turn.sessionTitle, messageId: turn.messageId, messageAt: turn.messageAt, tabId: turn.tabId, origin: turn.origin },
          parsed.data,
        );
        await record(decision, result, null);
        return { ok: true, summary, result };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        await record(decision, null, error.message);
        return { ok: false, error: error.message };
      }
    },
  };
}

/**
 * One turn of the chat: stores the person's message, lets the engine answer with registry tools,
 * then stores and announces the answer. The answer's id is chosen first so streamed deltas and
 * the stored message are one message in the UI.
 */
export async function sendChatMessage(actor: ChatActor, sessionId: string, message: { text: string; tabId?: string; agentId?: string }, engine = chatEngine(actor, message.text)) {
  const hub = userHub(actor.env, actor.userId);
  const session = await hub.getChatSession(sessionId);
  if (!session) throw notFound("Chat session");
  const agent = await resolveAgent(actor.db, actor.userId, message.agentId ?? session.agentId ?? undefined);
  if (!agent) throw notFound("Agent");
  if (message.tabId && !(await getTab(actor.db, actor.userId, message.tabId))) throw notFound("Tab");

  const settings = await getChatSettings(actor.db, actor.userId);
  const meters = await listMeters(actor.db, actor.userId);
  const chat: ChatRef = { chatSessionId: sessionId, sessionTitle: session.title };
  const transcript = await compactIfNeeded(actor, engine, chat, await readChatTranscript(actor.env, actor.userId, sessionId));
  const userMessage = (await hub.appendChatMessage(sessionId, "user", message.text))!;
  const turn: EngineTurnContext = { ...chat, messageId: userMessage.id, messageAt: userMessage.at, agentId: agent.id, tabId: message.tabId, origin: actor.origin };
  const replyId = crypto.randomUUID();

  const answer = await engine.respond(
    { text: message.text, transcript, agent, meters, context: turn, replyId },
    turnTools(actor, turn, agent, settings),
  );
  const reply = (await hub.appendChatMessage(sessionId, "assistant", answer, replyId))!;
  const messages = [
    { id: userMessage.id, role: "user" as const, text: message.text, at: userMessage.at },
    { id: reply.id, role: "assistant" as const, text: answer, at: reply.at },
  ];
  await hub.publish("chat.message", { sessionId, message: messages[1] });
  const { toolCalls } = await readChatTranscript(actor.env, actor.userId, sessionId);
  return { messages, toolCalls: toolCalls.filter((call) => call.messageId === userMessage.id) };
}

/**
 * Compresses a long session before the next turn: when the estimate passes 70 % of the engine's
 * context, the older turns are replaced (for the engine; the person keeps them) by a summary that
 * is stored in the session, so the person sees that it happened and what was kept.
 */
async function compactIfNeeded(actor: ChatActor, engine: ChatEngine, chat: ChatRef, transcript: Transcript): Promise<Transcript> {
  if (!engine.contextTokens || !needsCompaction(transcript, engine.contextTokens)) return transcript;
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
  await hub.publish("chat.compacted", { sessionId: chat.chatSessionId, message: { id: summary.id, role: "summary", text, at: summary.at }, afterMessageId: older[older.length - 1].id, messagesSummarized: older.length });
  return readChatTranscript(actor.env, actor.userId, chat.chatSessionId);
}

/**
 * A tool call an LLM engine makes back to the Worker, identified only by its own session id:
 * finds whose chat that is and which message is being answered, then goes through the same
 * checks as any other call. No turn in progress reads as a missing session.
 */
export async function runEngineToolCall(db: Database, env: Env, engineSessionId: string, name: string, input: unknown): Promise<ToolOutcome> {
  const link = await findByEngineSessionId(db, engineSessionId);
  if (!link?.turn) throw notFound("Chat turn");
  const actor: ChatActor = { db, env, userId: link.ownerId, origin: link.turn.origin };
  const agent = await resolveAgent(db, link.ownerId, link.turn.agentId);
  if (!agent) throw notFound("Agent");
  const settings = await getChatSettings(db, link.ownerId);
  return turnTools(actor, link.turn, agent, settings).call(name, input);
}

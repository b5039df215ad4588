import { getChatSettings } from "../db/agents";
import type { Database } from "../db/client";
import { listMeters } from "../db/meters";
import { getTab } from "../db/tabs";
import { ApiError, notFound } from "../errors";
import type { Env } from "../env";
import type { ToolCallRecord } from "../schemas/chat";
import { permissionFor, resolveAgent } from "./agents";
import type { ChatEngine, EngineTools, ToolOutcome } from "./engine";
import { offlineEngine } from "./engines/offline";
import { findTool } from "./tools/registry";
import { userHub } from "../user-hub";

export interface ChatActor {
  db: Database;
  env: Env;
  userId: string;
  origin: string;
}

/** The engine for this deployment: the offline one until an LLM engine is configured. */
export function chatEngine(): ChatEngine {
  return offlineEngine;
}

/**
 * One turn of the chat: stores the person's message, lets the engine answer with registry tools
 * (each call checked against chat-wide rules, then the agent's permissions, asking the person
 * over their sockets when needed, and recorded), then stores and announces the answer.
 */
export async function sendChatMessage(actor: ChatActor, sessionId: string, message: { text: string; tabId?: string; agentId?: string }, engine = chatEngine()) {
  const hub = userHub(actor.env, actor.userId);
  const session = await hub.getChatSession(sessionId);
  if (!session) throw notFound("Chat session");
  const agent = await resolveAgent(actor.db, actor.userId, message.agentId ?? session.agentId ?? undefined);
  if (!agent) throw notFound("Agent");
  if (message.tabId && !(await getTab(actor.db, actor.userId, message.tabId))) throw notFound("Tab");

  const { messages: history } = await hub.chatTranscript(sessionId);
  const userMessage = (await hub.appendChatMessage(sessionId, "user", message.text))!;
  const settings = await getChatSettings(actor.db, actor.userId);
  const toolCalls: ToolCallRecord[] = [];

  const tools: EngineTools = {
    async call(name, input): Promise<ToolOutcome> {
      const tool = findTool(name);
      if (!tool) return { ok: false, error: `there is no tool called ${name}` };
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) return { ok: false, error: `invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}` };
      const record = async (decision: ToolCallRecord["decision"], result: unknown, error: string | null) => {
        const call = await hub.recordToolCall(sessionId, { messageId: userMessage.id, agent: agent.id, tool: name, input: parsed.data, decision, result, error });
        toolCalls.push(call);
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
            return { ok: false, error: decision === "deny" ? `you declined ${name}` : `nobody approved ${name} in time, so it did not run` };
          }
        }
      }
      try {
        const { result, summary } = await tool.run(
          { db: actor.db, env: actor.env, userId: actor.userId, sessionId, sessionTitle: session.title, messageId: userMessage.id, messageAt: userMessage.at, tabId: message.tabId, origin: actor.origin },
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

  const meters = await listMeters(actor.db, actor.userId);
  const answer = await engine.respond({ text: message.text, history, agent, tabId: message.tabId, meters }, tools);
  const reply = (await hub.appendChatMessage(sessionId, "assistant", answer))!;
  const messages = [
    { id: userMessage.id, role: "user" as const, text: message.text, at: userMessage.at },
    { id: reply.id, role: "assistant" as const, text: answer, at: reply.at },
  ];
  await hub.publish("chat.message", { sessionId, message: messages[1] });
  return { messages, toolCalls };
}

import type { MeterRow } from "../db/meters";
import type { Agent, ChatMessage } from "../schemas/chat";

export type ToolOutcome = { ok: true; summary: string; result: unknown } | { ok: false; error: string };

/** What an engine may do: call registry tools by name; permissions are applied behind this. */
export interface EngineTools {
  call(name: string, input: unknown): Promise<ToolOutcome>;
}

export interface EngineTurn {
  text: string;
  /** The session so far, oldest first, without this message. */
  history: ChatMessage[];
  agent: Agent;
  tabId?: string;
  /** The person's meters, for engines that resolve names themselves. */
  meters: MeterRow[];
}

/** One way of answering a chat message: the offline command engine, or an LLM through opencode. */
export interface ChatEngine {
  name: string;
  respond(turn: EngineTurn, tools: EngineTools): Promise<string>;
}

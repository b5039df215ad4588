import type { ChartSpec } from "../charts/chart-spec-contract";
import type { MeterRow } from "../meters/queries";
import type { SessionSummary } from "./compaction";
import type { Agent, ChatChoice, ChatEngineName, ChatTranscript, EngineTurnContext, ToolOutcome } from "./contract";

/** What an engine may do: call registry tools by name; permissions are applied behind this. */
export interface EngineTools {
  call(name: string, input: unknown): Promise<ToolOutcome>;
}

/** A chat session as an engine knows it between turns. */
export type ChatRef = Pick<EngineTurnContext, "chatSessionId" | "sessionTitle">;

export interface EngineTurn {
  text: string;
  /** The session so far with its tool calls, without this message, for engines that rebuild context (after a lost server or a compression). */
  transcript: ChatTranscript;
  agent: Agent;
  /** The person's meters, for engines that resolve names themselves. */
  meters: MeterRow[];
  /** The message being answered (and the picked tab), also for tool calls that arrive from outside this request. */
  context: EngineTurnContext;
  /** Id the answer will be stored under: streamed deltas carry it. */
  replyId: string;
  /** The person's tabs, charts (with their specs) and imported tariffs, for engines that resolve names themselves. */
  tabs: { id: string; name: string }[];
  charts: { id: string; name: string; tabId: string; spec: ChartSpec }[];
  tariffs: { id: string; name: string }[];
}

/** An engine's answer: its text, and buttons the person may click instead of typing (each sends its text). */
export interface EngineReply {
  text: string;
  choices?: ChatChoice[];
}

/** One way of answering a chat message: the offline command engine, or an LLM through opencode. */
export interface ChatEngine {
  name: ChatEngineName;
  /** Reads the person's tabs, charts and tariffs from each turn to resolve names itself (the others get empty lists, and the queries are skipped). */
  resolvesNames?: boolean;
  /** How much of the session the engine holds, in tokens: a session is compressed before it fills (turn.ts). */
  contextTokens: number;
  respond(turn: EngineTurn, tools: EngineTools): Promise<EngineReply>;
  /** The engine's own summary of older turns, when it can write one (the app merges it with what it recorded). */
  summarize?(chat: ChatRef, transcript: ChatTranscript): Promise<SessionSummary | undefined>;
  /** Called after a compression: the engine drops what it holds for the session and starts from the summary. */
  forget?(chat: ChatRef): Promise<void>;
}

import { z } from "zod";
import type { ChatMessage, ChatTranscript, ToolCallRecord } from "./contract";

/** A long session is compressed once its estimate passes this share of the model's context. */
export const COMPACT_AT = 0.7;
/** The newest turns (a question and what answered it) that are carried on word for word. */
export const RECENT_TURNS_KEPT = 2;

/** What a compressed session remembers of its older turns. */
export const SessionSummary = z.object({
  goal: z.string().default(""),
  facts: z.array(z.string()).default([]),
  charts: z.array(z.string()).default([]),
  openQuestions: z.array(z.string()).default([]),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** The part of a transcript an engine still sees: from the latest summary on. */
export function liveTranscript({ messages, toolCalls }: ChatTranscript): ChatTranscript & { summary: ChatMessage | undefined } {
  const lastSummary = messages.findLastIndex((m) => m.role === "summary");
  const summary = lastSummary >= 0 ? messages[lastSummary] : undefined;
  const live = messages.slice(lastSummary + 1);
  const ids = new Set(live.map((m) => m.id));
  return { summary, messages: live, toolCalls: toolCalls.filter((call) => ids.has(call.messageId)) };
}

/**
 * A cheap token estimate (about 4 characters a token for English and JSON) of what the engine
 * holds for this session: the summary, the turns since, and the tools' inputs and results.
 */
export function estimateTokens(transcript: ChatTranscript): number {
  const live = liveTranscript(transcript);
  let chars = live.summary?.text.length ?? 0;
  for (const message of live.messages) chars += message.text.length;
  for (const call of live.toolCalls)
    chars += JSON.stringify(call.input ?? null).length + JSON.stringify(call.result ?? null).length + (call.error?.length ?? 0);
  return Math.ceil(chars / 4);
}

export function needsCompaction(transcript: ChatTranscript, contextTokens: number): boolean {
  return estimateTokens(transcript) > COMPACT_AT * contextTokens;
}

/** Splits the live turns into those to summarize and the recent ones kept whole. */
export function splitForCompaction(transcript: ChatTranscript): { older: ChatMessage[]; recent: ChatMessage[] } {
  const { messages } = liveTranscript(transcript);
  const turnStarts = messages.flatMap((m, i) => (m.role === "user" ? [i] : []));
  const cut = turnStarts.length > RECENT_TURNS_KEPT ? turnStarts[turnStarts.length - RECENT_TURNS_KEPT] : 0;
  return { older: messages.slice(0, cut), recent: messages.slice(cut) };
}

const chartTitle = (call: ToolCallRecord) => {
  const input = call.input as { title?: unknown } | null;
  const result = call.result as { id?: unknown } | null;
  return `${typeof input?.title === "string" ? input.title : "chart"}${typeof result?.id === "string" ? ` (id ${result.id})` : ""}`;
};

/**
 * A tool call as one line a person (and the offline engine, which does not summarize) can read:
 * the tool's own summary, never its JSON result. A call recorded before summaries were kept says
 * only which tool ran.
 */
const factOf = (call: ToolCallRecord) => (call.summary ?? `${call.tool.replaceAll("_", " ")} ran`).replace(/\s+/g, " ").trim();

/**
 * The facts the app knows for certain about the older turns: the charts that were made and what
 * the tools found. The engine's own summary supplies the goal, facts and open questions; the
 * charts always come from the record, so a summary that forgot one still lists it.
 */
export function recordedSummary(transcript: ChatTranscript, older: ChatMessage[], previous?: SessionSummary): SessionSummary {
  const ids = new Set(older.map((m) => m.id));
  const calls = transcript.toolCalls.filter((call) => ids.has(call.messageId) && !call.error);
  const questions = older.filter((m) => m.role === "user");
  return {
    goal: previous?.goal || (questions[0]?.text.slice(0, 300) ?? ""),
    facts: [...(previous?.facts ?? []), ...calls.filter((c) => c.tool !== "create_chart").map(factOf)],
    charts: [...(previous?.charts ?? []), ...calls.filter((c) => c.tool === "create_chart").map(chartTitle)],
    openQuestions: previous?.openQuestions ?? [],
  };
}

export function mergeSummaries(recorded: SessionSummary, fromEngine: SessionSummary | undefined): SessionSummary {
  if (!fromEngine) return recorded;
  return {
    goal: fromEngine.goal || recorded.goal,
    facts: fromEngine.facts.length ? fromEngine.facts : recorded.facts,
    charts: recorded.charts.length ? recorded.charts : fromEngine.charts,
    openQuestions: fromEngine.openQuestions,
  };
}

/** The summary as the person reads it in the transcript (and as the engine gets it back). */
export function formatSummary(summary: SessionSummary, turnsSummarized: number): string {
  const list = (items: string[]) => (items.length ? items.map((item) => `- ${item}`).join("\n") : "- none");
  return [
    `Earlier conversation summarized (${turnsSummarized} messages) to fit the model's context.`,
    `Goal: ${summary.goal || "not stated"}`,
    `Facts learned:\n${list(summary.facts)}`,
    `Charts made:\n${list(summary.charts)}`,
    `Open questions:\n${list(summary.openQuestions)}`,
  ].join("\n");
}

/** Reads a summary back from its text, so a later compression can build on it. */
export function parseFormattedSummary(text: string): SessionSummary {
  const section = (name: string) => {
    const match = new RegExp(`${name}:\\n((?:- .*\\n?)*)`).exec(text);
    return (match?.[1] ?? "")
      .split("\n")
      .filter((line) => line.startsWith("- ") && line !== "- none")
      .map((line) => line.slice(2));
  };
  const goal = /Goal: (.*)/.exec(text)?.[1] ?? "";
  return {
    goal: goal === "not stated" ? "" : goal,
    facts: section("Facts learned"),
    charts: section("Charts made"),
    openQuestions: section("Open questions"),
  };
}

/** Finds the JSON object in an engine's answer ("```json {…} ```" or bare) and validates it. */
export function parseEngineSummary(answer: string): SessionSummary | undefined {
  const start = answer.indexOf("{");
  const end = answer.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = SessionSummary.safeParse(JSON.parse(answer.slice(start, end + 1)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What an engine starting a fresh session is told so that follow-ups still make sense. */
export function carriedContext(transcript: ChatTranscript): string | undefined {
  const live = liveTranscript(transcript);
  if (!live.summary && live.messages.length === 0) return undefined;
  const turns = live.messages
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m) => `${m.role === "user" ? "Person" : "You"}: ${m.text}`)
    .join("\n");
  return ["Conversation so far in this chat session (you do not have the original messages):", live.summary?.text, turns]
    .filter(Boolean)
    .join("\n\n");
}

export const SUMMARY_REQUEST = [
  "Summarize our conversation so far for your own memory; older messages will be replaced by it.",
  'Answer with one JSON object only: {"goal": string, "facts": string[], "charts": string[], "openQuestions": string[]}.',
  "goal: what the person is trying to achieve. facts: figures and findings learned (with units and meter names).",
  "charts: charts made (title and id). openQuestions: what is still unanswered. Do not call tools.",
].join("\n");

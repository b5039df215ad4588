import { describe, expect, it } from "vitest";
import {
  carriedContext,
  estimateTokens,
  formatSummary,
  mergeSummaries,
  needsCompaction,
  parseEngineSummary,
  parseFormattedSummary,
  recordedSummary,
  splitForCompaction,
} from "../../worker/chat/compaction";
import type { ChatMessage, ToolCallRecord, ChatTranscript as Transcript } from "../../worker/chat/contract";

let clock = 0;
const message = (role: ChatMessage["role"], text: string): ChatMessage => ({
  id: `m${++clock}`,
  role,
  text,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
});
const chartCall = (messageId: string, title: string, id: string): ToolCallRecord => ({
  id: `c-${id}`,
  messageId,
  agent: "analyst",
  tool: "create_chart",
  input: { title },
  decision: "allow",
  result: { id, title },
  summary: `Chart "${title}" created`,
  error: null,
  at: "",
});

function conversation(turns: number, size = 40): Transcript {
  const messages: ChatMessage[] = [];
  const toolCalls: ToolCallRecord[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const question = message("user", `Question ${turn} ${"x".repeat(size)}`);
    messages.push(question, message("assistant", `Answer ${turn}`));
    toolCalls.push(chartCall(question.id, `Chart ${turn}`, `chart-${turn}`));
  }
  return { messages, toolCalls };
}

describe("context compression", () => {
  it("estimates tokens from messages and tool calls, and compresses past 70 % of the context", () => {
    const transcript = conversation(3, 400);
    const tokens = estimateTokens(transcript);
    expect(tokens).toBeGreaterThan((3 * 400) / 4);
    expect(needsCompaction(transcript, Math.ceil(tokens / 0.7) + 1)).toBe(false);
    expect(needsCompaction(transcript, Math.floor(tokens / 0.7) - 1)).toBe(true);
  });

  it("keeps the two newest turns whole and summarizes the rest", () => {
    const transcript = conversation(4);
    const { older, recent } = splitForCompaction(transcript);
    expect(older.map((m) => m.text.split(" ").slice(0, 2).join(" "))).toEqual(["Question 1", "Answer 1", "Question 2", "Answer 2"]);
    expect(recent.map((m) => m.text.split(" ").slice(0, 2).join(" "))).toEqual(["Question 3", "Answer 3", "Question 4", "Answer 4"]);
    expect(splitForCompaction(conversation(2)).older).toEqual([]);
  });

  it("lists the charts from the record even when the engine's summary forgets them", () => {
    const transcript = conversation(3);
    const { older } = splitForCompaction(transcript);
    const engine = parseEngineSummary(
      'Sure! ```json\n{"goal": "Lower the bill", "facts": ["Peak 4 kW"], "charts": [], "openQuestions": ["Tariff?"]}\n```',
    );
    const merged = mergeSummaries(recordedSummary(transcript, older), engine);
    expect(merged).toEqual({ goal: "Lower the bill", facts: ["Peak 4 kW"], charts: ["Chart 1 (id chart-1)"], openQuestions: ["Tariff?"] });
    expect(parseEngineSummary("no json here")).toBeUndefined();
    expect(parseEngineSummary('{"goal": 3}')).toBeUndefined();
  });

  it("builds on an earlier summary, and the engine is given only what follows it", () => {
    const first = conversation(3);
    const summaryText = formatSummary(
      { goal: "Lower the bill", facts: ["Peak 4 kW"], charts: ["Chart 1 (id chart-1)"], openQuestions: [] },
      2,
    );
    expect(parseFormattedSummary(summaryText)).toEqual({
      goal: "Lower the bill",
      facts: ["Peak 4 kW"],
      charts: ["Chart 1 (id chart-1)"],
      openQuestions: [],
    });
    const withSummary: Transcript = {
      messages: [...first.messages.slice(0, 2), message("summary", summaryText), ...first.messages.slice(2)],
      toolCalls: first.toolCalls,
    };
    const carried = carriedContext(withSummary)!;
    expect(carried).toContain("Goal: Lower the bill");
    expect(carried).toContain("Person: Question 3");
    expect(carried).not.toContain("Question 1");

    const later: Transcript = { messages: [...withSummary.messages, ...conversation(2).messages], toolCalls: withSummary.toolCalls };
    const { older } = splitForCompaction(later);
    expect(older[0].text).toMatch(/^Question 2/);
    const recorded = recordedSummary(later, older, parseFormattedSummary(summaryText));
    expect(recorded.goal).toBe("Lower the bill");
    expect(recorded.charts).toEqual(["Chart 1 (id chart-1)", "Chart 2 (id chart-2)", "Chart 3 (id chart-3)"]);
  });

  it("learns each tool's finding as its one-line summary, never its JSON result", () => {
    const transcript = conversation(4);
    const [first, , second] = transcript.messages;
    const measured: ToolCallRecord = {
      ...chartCall(first.id, "", "measure"),
      tool: "measure",
      input: { meter: "Main house", quantity: "energy" },
      result: { value: 12.4, unit: "kWh", series: [{ at: "2026-01-01", value: 1 }] },
      summary: "Main house used 12.4 kWh yesterday,\nless than the day before",
    };
    const beforeSummaries: ToolCallRecord = { ...measured, id: "c-old", messageId: second.id, tool: "summarize_usage", summary: null };
    const refused: ToolCallRecord = { ...measured, id: "c-refused", summary: null, result: null, error: "not allowed", decision: "deny" };
    const calls = { ...transcript, toolCalls: [...transcript.toolCalls, measured, beforeSummaries, refused] };
    const { older } = splitForCompaction(calls);
    const summary = recordedSummary(calls, older);
    expect(summary.facts).toEqual(["Main house used 12.4 kWh yesterday, less than the day before", "summarize usage ran"]);
    const facts = formatSummary(summary, older.length).split("Facts learned:\n")[1].split("\nCharts made:")[0];
    expect(facts).not.toMatch(/[{}[\]]/);
    expect(parseFormattedSummary(formatSummary(summary, older.length)).facts).toEqual(summary.facts);
  });
});

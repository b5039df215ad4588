import type { ToolCallRecord } from "../api/chat";

const TOOL_LABELS: Record<string, string> = {
  list_meters: "List meters",
  summarize_usage: "Summarize usage",
  summarize_cost: "Summarize cost",
  rank_device_costs: "Rank devices by cost",
  measure: "Measure",
  list_tariffs: "List tariffs",
  query_series: "Read a series",
  list_tabs: "List tabs",
  create_tab: "Create a tab",
  create_chart: "Create a chart",
  update_chart: "Change a chart",
  delete_chart: "Delete a chart",
  share: "Share",
  run_model: "Run the forecast",
  explain_plan: "Explain the plan",
  set_goal: "Set a goal",
  set_battery: "Set the battery",
  set_deferrable_load: "Set a flexible load",
  set_tariff: "Set the tariff",
  create_alert_rule: "Make an alert rule",
  add_annotation: "Add a note",
};

export const toolLabel = (tool: string) => TOOL_LABELS[tool] ?? tool;

export const DECISION_LABELS: Record<ToolCallRecord["decision"], string> = {
  allow: "allowed",
  once: "approved once",
  always: "approved for the session",
  deny: "denied",
  timeout: "no answer",
};

/** One line for a toast about a tool call. */
export function toolCallSentence(call: ToolCallRecord): string {
  const title = (call.result as { title?: string } | null)?.title;
  if (call.error) return `${toolLabel(call.tool)}: ${call.error}`;
  if (call.tool === "create_chart" && title) return `Chart created: “${title}”`;
  if (call.tool === "create_tab" && title) return `Tab created: “${title}”`;
  if (call.tool === "delete_chart" && title) return `Chart deleted: “${title}”`;
  const ruleName = call.tool === "create_alert_rule" ? (call.result as { name?: string } | null)?.name : undefined;
  if (ruleName) return `Alert rule made: “${ruleName}”`;
  const note = call.tool === "add_annotation" ? (call.result as { text?: string; kind?: string } | null) : undefined;
  if (note?.text) return note.kind === "away" ? "Marked away" : `Note added: “${note.text}”`;
  return `${toolLabel(call.tool)}: done`;
}

/** Pretty JSON for the workspace, cut when very long. */
export function prettyJson(value: unknown, limit = 4_000): string {
  const text = JSON.stringify(value, null, 2) ?? "null";
  return text.length > limit ? `${text.slice(0, limit)}\n… (${text.length - limit} more characters)` : text;
}

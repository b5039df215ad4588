import type { Agent, ChatSettings, ChatTool } from "../api/chat";

/** The slash commands the chat understands, each with the tool it runs. */
export interface Command {
  name: string;
  usage: string;
  description: string;
  tool?: string;
  /** What to suggest after the command, in order: the first kind not yet in the text is offered. */
  args: ArgKind[];
}

export type ArgKind = "metric" | "meter" | "window" | "period" | "chartType" | "limit";

export const COMMANDS: Command[] = [
  {
    name: "chart",
    usage: "/chart <metric> <meter> <window> [as line|area|bar|stacked|heatmap]",
    description: "Create a chart on the picked tab",
    tool: "create_chart",
    args: ["metric", "meter", "window", "chartType"],
  },
  {
    name: "summary",
    usage: "/summary <meter> [window]",
    description: "Energy, peak and base load of a meter",
    tool: "summarize_usage",
    args: ["meter", "window"],
  },
  {
    name: "cost",
    usage: "/cost <meter> [today|yesterday|this week|last week|this month|last month|this year|last year]",
    description: "What a meter cost, against the period before",
    tool: "summarize_cost",
    args: ["meter", "period"],
  },
  {
    name: "devices",
    usage: "/devices <site> [period]",
    description: "A site's devices ranked by cost",
    tool: "rank_device_costs",
    args: ["meter", "period"],
  },
  { name: "run", usage: "/run <meter>", description: "Forecast the next 24 h and plan now", tool: "run_model", args: ["meter"] },
  { name: "plan", usage: "/plan <meter>", description: "Explain the latest forecast and plan", tool: "explain_plan", args: ["meter"] },
  { name: "goal", usage: "/goal <meter> <n> kW", description: "Set a meter's peak limit", tool: "set_goal", args: ["meter", "limit"] },
  { name: "share", usage: "/share chart|tab <id>", description: "Make a public link (asks first)", tool: "share", args: [] },
  { name: "meters", usage: "/meters", description: "List your meters", tool: "list_meters", args: [] },
  { name: "tabs", usage: "/tabs", description: "List your dashboard tabs", tool: "list_tabs", args: [] },
  { name: "tab", usage: "/tab <title>", description: "Create a dashboard tab", tool: "create_tab", args: [] },
  { name: "help", usage: "/help", description: "What the chat understands", args: [] },
];

const METRICS = ["power", "energy", "cost", "voltage", "current", "power factor", "thd"];
const WINDOWS = ["last hour", "last 24h", "last 7d", "last 30d", "this month", "this year"];
const PERIODS = ["today", "yesterday", "this week", "last week", "this month", "last month", "this year", "last year"];
const CHART_TYPES = ["as line", "as area", "as bar", "as stacked", "as heatmap"];
const VOCABULARY: Record<ArgKind, (meters: string[]) => string[]> = {
  metric: () => METRICS,
  meter: (meters) => meters,
  window: () => WINDOWS,
  period: () => PERIODS,
  chartType: () => CHART_TYPES,
  limit: () => ["5 kW"],
};
const PRESENT: Record<ArgKind, (text: string, meters: string[]) => boolean> = {
  metric: (text) => /\b(power|energy|cost|voltage|current|thd|pf|watts?|kwh)\b/.test(text),
  meter: (text, meters) => meters.some((m) => text.includes(m.toLowerCase())) || /\b(site|device|meter)-\d+\b/.test(text),
  window: (text) => /\b(last|this|past|today)\b/.test(text),
  period: (text) => /\b(last|this|today|yesterday)\b/.test(text),
  chartType: (text) => /\bas \w+/.test(text),
  limit: (text) => /\d\s*kw/.test(text),
};

export type Suggestion = { label: string; detail: string /** the input's text when picked */; value: string };

/**
 * Completion for the chat input: command names while the first word is typed, then the next
 * argument (metric, meter, window, chart type) for the command, filtered by the word being typed.
 */
export function suggest(text: string, meters: string[]): Suggestion[] {
  if (!text.startsWith("/")) return [];
  const head = /^\/(\w*)$/.exec(text);
  if (head) {
    const typed = head[1].toLowerCase();
    return COMMANDS.filter((c) => c.name.startsWith(typed) && c.name !== typed).map((c) => ({
      label: `/${c.name}`,
      detail: c.description,
      value: `/${c.name}${c.usage === `/${c.name}` ? "" : " "}`,
    }));
  }
  const match = /^\/(\w+)\s(.*)$/s.exec(text);
  const command = COMMANDS.find((c) => c.name === match?.[1].toLowerCase());
  if (!match || !command) return [];
  const rest = match[2];
  const fragmentAt = rest.endsWith(" ") || rest === "" ? rest.length : rest.lastIndexOf(" ") + 1;
  const fragment = rest.slice(fragmentAt).toLowerCase();
  const before = rest.slice(0, fragmentAt).toLowerCase();
  const next = command.args.find((kind) => !PRESENT[kind](before, meters));
  if (!next) return [];
  // "as line" and meter names have spaces: a fragment may be their start or the start of their last words.
  const prefix = `/${command.name} ${rest.slice(0, fragmentAt)}`;
  return VOCABULARY[next](meters)
    .filter((word) => word.toLowerCase().startsWith(fragment) && word.toLowerCase() !== fragment)
    .slice(0, 8)
    .map((word) => ({ label: word, detail: next === "chartType" ? "chart type" : next, value: `${prefix}${word} ` }));
}

export function commandFor(text: string): Command | undefined {
  const name = /^\/(\w+)/.exec(text)?.[1]?.toLowerCase();
  return COMMANDS.find((c) => c.name === name);
}

const DEFAULT_BY_RISK: Record<string, "allow" | "ask" | "deny"> = { read: "allow", write: "ask", share: "ask" };

/** Whether a tool runs, asks first or is refused for this agent (chat-wide rules first), as the server decides. */
export function permissionOf(
  tool: string,
  tools: ChatTool[],
  agent: Agent | undefined,
  settings: ChatSettings | null,
): "allow" | "ask" | "deny" {
  return settings?.rules[tool] ?? agent?.permissions[tool] ?? DEFAULT_BY_RISK[tools.find((t) => t.name === tool)?.risk ?? "write"] ?? "ask";
}

/** Examples for an empty conversation. */
export function examples(meters: string[]): string[] {
  const meter = meters[0] ?? "the site";
  return [
    `/chart power ${meter} last 7d as line`,
    "show the site's power for the last week",
    `what did ${meter} cost last month?`,
    "which device costs the most this week?",
    "/help",
  ];
}

import { z } from "zod";
import { ChartSpec, Metric, RELATIVE_WINDOWS } from "../../charts/chart-spec-contract";
import type { ChatTool, ToolRisk } from "../contract";

const Window = z.enum(RELATIVE_WINDOWS).describe("a relative window: last_hour, last_24h, last_7d, last_30d, this_month, this_year");

/**
 * What each chat command is: its description, risk and input schema. Kept apart from what the
 * tools do (registry.ts) so the opencode launcher, the UI's command list and the API read the
 * same list without loading the Worker's code.
 */
export const TOOL_CATALOG = {
  list_meters: {
    description: "List the user's meters (sites and their device sub-meters) with their ids, time zones and last reading.",
    risk: "read",
    input: z.object({}).strict(),
  },
  summarize_usage: {
    description: "Energy, peak, base load, power factor and THD of a meter over a window, with the split across its device sub-meters.",
    risk: "read",
    input: z.object({ meterId: z.uuid(), window: Window.default("last_7d") }).strict(),
  },
  query_series: {
    description: "Time series of meters for one metric over a window, in at most `points` buckets (avg/min/max/sum per bucket).",
    risk: "read",
    input: z
      .object({
        meterIds: z.array(z.uuid()).min(1).max(12),
        metric: Metric.default("power_w"),
        window: Window.default("last_24h"),
        points: z.int().min(1).max(500).default(48),
      })
      .strict(),
  },
  list_tabs: {
    description: "List the user's dashboard tabs in order.",
    risk: "read",
    input: z.object({}).strict(),
  },
  create_tab: {
    description: "Create a dashboard tab.",
    risk: "write",
    input: z.object({ title: z.string().trim().min(1).max(100) }).strict(),
  },
  create_chart: {
    description:
      "Create a chart on a tab (the chat's picked tab when tabId is omitted). spec: meterIds, metric, aggregation, chartType (line, area, bar, stacked, heatmap), window, bucket.",
    risk: "write",
    input: z.object({ tabId: z.uuid().optional(), title: z.string().trim().min(1).max(120), spec: ChartSpec }).strict(),
  },
  update_chart: {
    description: "Change a chart's title or spec, or move it to another tab.",
    risk: "write",
    input: z
      .object({
        chartId: z.uuid(),
        title: z.string().trim().min(1).max(120).optional(),
        spec: ChartSpec.optional(),
        tabId: z.uuid().optional(),
      })
      .strict(),
  },
  share: {
    description: "Make a public, read-only link to a chart or a whole tab (returns the live link if there is one).",
    risk: "share",
    input: z.object({ kind: z.enum(["chart", "tab"]), id: z.uuid() }).strict(),
  },
  run_model: {
    description: "Forecast a meter's next 24 hours and plan its battery and flexible loads against its tariff, now.",
    risk: "write",
    input: z.object({ meterId: z.uuid() }).strict(),
  },
  explain_plan: {
    description: "Explain the latest forecast and plan of a meter in words.",
    risk: "read",
    input: z.object({ meterId: z.uuid() }).strict(),
  },
  set_goal: {
    description: "Set a meter's peak limit in kW (notifications warn when a forecast peak goes above it).",
    risk: "write",
    input: z.object({ meterId: z.uuid(), peakLimitKw: z.number().gt(0).max(10_000) }).strict(),
  },
} as const satisfies Record<string, { description: string; risk: ToolRisk; input: z.ZodType }>;

export type ToolName = keyof typeof TOOL_CATALOG;
export const TOOL_NAMES = Object.keys(TOOL_CATALOG) as ToolName[];

/** The commands as engines and the UI see them: names, descriptions, risks and JSON schemas. */
export function describeTools(): ChatTool[] {
  return TOOL_NAMES.map((name) => {
    const { description, risk, input } = TOOL_CATALOG[name];
    return { name, description, risk, inputSchema: z.toJSONSchema(input) as ChatTool["inputSchema"] };
  });
}

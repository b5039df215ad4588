import { z } from "zod";
import { ChartSpec, Metric, RELATIVE_WINDOWS } from "../../charts/chart-spec-contract";
import { SummaryPeriod } from "../../costs/contract";
import type { ChatTool, ToolRisk } from "../contract";

const Window = z.enum(RELATIVE_WINDOWS).describe("a relative window: last_hour, last_24h, last_7d, last_30d, this_month, this_year");

/** Which calendar period a cost question is about, in the meter's own calendar. */
const CostPeriod = {
  meter: z.string().trim().min(1).max(200).describe("the meter's id, or its name (any case)"),
  period: SummaryPeriod.default("month").describe("a calendar period in the meter's time zone: day, week (from Monday), month or year"),
  which: z.enum(["this", "last"]).default("this").describe("this: the period in progress, so far; last: the one before it"),
  at: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .describe("instead of `which`: any date inside the period wanted, e.g. 2026-03-14 for March 2026 with period month"),
};

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
  summarize_cost: {
    description:
      "What a meter used and cost over a calendar period in its tariff's currency, against the period before (change in %; a period in progress against the same part of the one before), with the standing charge apart and the split across its device meters.",
    risk: "read",
    input: z.object(CostPeriod).strict(),
  },
  rank_device_costs: {
    description:
      "A site meter's device meters ranked by cost over a calendar period (dearest first), each with its energy, plus the untracked use (the site minus its devices).",
    risk: "read",
    input: z.object(CostPeriod).strict(),
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

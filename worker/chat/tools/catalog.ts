import { z } from "zod";
import { AlertRuleInput } from "../../alerts/rules-contract";
import { AnnotationInput } from "../../annotations/contract";
import { ChartSpec, Metric, RELATIVE_WINDOWS } from "../../charts/chart-spec-contract";
import { SummaryPeriod } from "../../costs/contract";
import { TariffSetting } from "../../meters/energy-contract";
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

const Instant = z.iso.datetime({ offset: true });
const PeriodLabel = z.string().trim().min(1).max(80);
const TWO_YEARS_MS = 2 * 366 * 86_400_000;

/** from < to and at most two years long, each failure naming the field (`to`, `compare.to`). */
function checkPeriod(period: { from: string; to: string }, path: (string | number)[], ctx: z.RefinementCtx) {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  if (to <= from) ctx.addIssue({ code: "custom", path: [...path, "to"], message: "must be later than from" });
  else if (to - from > TWO_YEARS_MS)
    ctx.addIssue({ code: "custom", path: [...path, "to"], message: "the period must be at most two years long" });
}

const MeasureInput = z
  .object({
    meter: z.string().trim().min(1).max(200).describe("the meter's id, or its name"),
    quantity: z.enum(["energy", "cost", "peak", "average", "minimum"]),
    from: Instant.describe("start of the period, inclusive"),
    to: Instant.describe("end of the period, exclusive (now for a period in progress)"),
    label: PeriodLabel.optional().describe("how the person named the period, e.g. yesterday"),
    compare: z
      .object({ from: Instant, to: Instant, label: PeriodLabel.optional().describe("e.g. the same day last week") })
      .strict()
      .optional()
      .describe("another period to compare with"),
  })
  .strict()
  .superRefine((input, ctx) => {
    checkPeriod(input, [], ctx);
    if (input.compare) checkPeriod(input.compare, ["compare"], ctx);
  });

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
      "Create a chart on a tab (the chat's picked tab when tabId is omitted; with neither, on a new tab titled after the chart). spec: meterIds, metric, aggregation, chartType (line, area, bar, stacked, heatmap), window, bucket.",
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
  create_alert_rule: {
    description:
      "Make an alert rule on a meter: the person is told once when it fires and once when it resolves (in the app and on the channels listed). kind threshold: metric power_w (W, held for `for`), energy_wh (Wh) or cost (the tariff's currency) over the trailing `for`, op above|below, value, for (ISO-8601 duration such as PT10M, at most P7D); no_data: for (the silence); budget: period day|week|month, value (the period's cost so far plus the forecast for the rest); forecast: metric cost|peak (kW), value (the next 24 hours); anomaly: an unusual day, nothing more.",
    risk: "write",
    input: AlertRuleInput,
  },
  add_annotation: {
    description:
      "Write a note on a meter's charts at a moment (startsAt alone: \"heat pump installed\") or over a range (startsAt to endsAt, at most a year). kind away marks nobody home: the range is left out of the forecast's history and of the unusual-day finding. Put a home-wide note or an away range on the site meter.",
    risk: "write",
    input: AnnotationInput,
  },
  explain_plan: {
    description: "Explain the latest forecast and plan of a meter in words.",
    risk: "read",
    input: z.object({ meterId: z.uuid() }).strict(),
  },
  measure: {
    description:
      "One number about a meter over a period, said in words: energy used (kWh), cost (tariff currency), peak, average or minimum power (kW); with `compare`, the same number for another period and the change in %.",
    risk: "read",
    input: MeasureInput,
  },
  delete_chart: {
    description: "Delete a chart from its tab.",
    risk: "write",
    input: z.object({ chartId: z.uuid() }).strict(),
  },
  set_battery: {
    description:
      "Tell the planner about a home battery at a meter (its site): capacity, and charge/discharge power (default: half the capacity per hour).",
    risk: "write",
    input: z
      .object({
        meterId: z.uuid(),
        capacityKwh: z.number().gt(0).max(1000),
        powerKw: z.number().gt(0).max(1000).optional().describe("default: half the capacity"),
        roundTripEfficiency: z.number().min(0.5).max(1).optional().describe("default 0.9"),
      })
      .strict(),
  },
  set_deferrable_load: {
    description:
      "A flexible load the planner schedules (an EV to charge, a dishwasher...): energy it needs, its power, and the hours it may run (ready by toHour). Replaces a load of the same name.",
    risk: "write",
    input: z
      .object({
        meterId: z.uuid(),
        name: z.string().trim().min(1).max(40),
        energyKwh: z.number().gt(0).max(200),
        powerKw: z.number().gt(0).max(100).optional().describe("default 7 for a car/EV/charger, else 2"),
        fromHour: z.int().min(0).max(23).optional().describe("local hour it may start; default 12 hours before toHour"),
        toHour: z.int().min(0).max(24).describe("local hour it must be done by"),
      })
      .strict(),
  },
  set_tariff: {
    description: "Set what a meter pays: a flat price per kWh, time-of-use periods, or an imported tariff (list_tariffs gives their ids).",
    risk: "write",
    input: z.object({ meterId: z.uuid(), tariff: TariffSetting }).strict(),
  },
  list_tariffs: {
    description: "The person's imported tariffs (name, currency, id, range of prices).",
    risk: "read",
    input: z.object({}).strict(),
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

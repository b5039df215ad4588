import { type ChartSpec, EXTENSIVE_METRICS, type Metric } from "../../../charts/chart-spec-contract";
import type { SummaryPeriod } from "../../../costs/contract";
import type { MeterRow } from "../../../meters/queries";
import type { EngineReply } from "../../engine";
import { resolveMeters } from "../../understanding/entities";
import { type Ctx, reply, sitesOf, type Window } from "./context";
import { help } from "./talk";
import { earliest, first, METRIC_LABELS, METRIC_WORDS, WINDOW_LABELS } from "./words";

/** Slash commands: exact, typed forms of the tools, kept as they always worked. */

const WINDOW_WORDS: [RegExp, Window][] = [
  [/last (1 ?h|hour)|past hour/, "last_hour"],
  [/last (24 ?h|day)|today|past day/, "last_24h"],
  [/last (7 ?d|week)|past week|this week/, "last_7d"],
  [/last (30 ?d|month)|past month/, "last_30d"],
  [/this month/, "this_month"],
  [/this year|last year|\byear\b/, "this_year"],
];
const CHART_TYPES = ["line", "area", "bar", "stacked", "heatmap"] as const;
const CHART_TYPE_PATTERNS = CHART_TYPES.map((type) => [new RegExp(`\\bas (an? )?${type}\\b|\\b${type} chart\\b`), type] as const);

type CostPeriod = { period: SummaryPeriod; which: "this" | "last" } | { period: SummaryPeriod; at: string };
const PERIOD_WORDS: [RegExp, CostPeriod][] = [
  [/\byesterday\b/, { period: "day", which: "last" }],
  [/\btoday\b/, { period: "day", which: "this" }],
  [/\bthis week\b/, { period: "week", which: "this" }],
  [/\b(last|past|previous) week\b/, { period: "week", which: "last" }],
  [/\bthis month\b/, { period: "month", which: "this" }],
  [/\b(last|past|previous) month\b/, { period: "month", which: "last" }],
  [/\bthis year\b/, { period: "year", which: "this" }],
  [/\b(last|past|previous) year\b/, { period: "year", which: "last" }],
];
const ISO_DATE = /\b(\d{4}-\d{2}-\d{2})\b/;
const costPeriod = (lower: string): CostPeriod => {
  const iso = ISO_DATE.exec(lower);
  if (iso) return { period: /\bweek\b/.test(lower) ? "week" : /\bmonth\b/.test(lower) ? "month" : "day", at: iso[1] };
  return earliest(lower, PERIOD_WORDS) ?? { period: "month", which: "this" };
};

const COMMAND = /^\/(\w+)\s*(.*)$/s;
const SHARE_TARGET = /^(chart|tab)\s+([0-9a-f-]{36})$/i;
const LIMIT = /(\d+(?:\.\d+)?)\s*kw/i;

function metersIn(text: string, meters: MeterRow[]): MeterRow[] {
  const found = resolveMeters(text, meters);
  return found.kind === "found" ? found.items : found.kind === "ambiguous" ? found.candidates.slice(0, 1) : [];
}

/** The answer to a slash command, or undefined when the text is not one. */
export async function command(text: string, ctx: Ctx): Promise<EngineReply | undefined> {
  const match = COMMAND.exec(text);
  if (!match) return undefined;
  const verb = match[1].toLowerCase();
  const rest = match[2] ?? "";
  const lower = rest.toLowerCase();
  const all = ctx.turn.meters;
  const meters = metersIn(rest, all);
  const say = async (name: string, input: unknown) => reply(await ctx.say(name, input));
  const needMeter = () =>
    reply(
      `Which meter? ${all.length ? `Name one of: ${all.map((m) => m.name).join(", ")}.` : "You have no meters yet: add one on the Meters page."}`,
    );

  switch (verb) {
    case "help":
      return help(all);
    case "meters":
      return say("list_meters", {});
    case "tabs":
      return say("list_tabs", {});
    case "tab":
      return rest.trim() ? say("create_tab", { title: rest.trim() }) : reply("Give the new tab a title: /tab Heating");
    case "run":
      return meters[0] ? say("run_model", { meterId: meters[0].id }) : needMeter();
    case "plan":
      return meters[0] ? say("explain_plan", { meterId: meters[0].id }) : needMeter();
    case "share": {
      const target = SHARE_TARGET.exec(rest.trim());
      return target
        ? say("share", { kind: target[1].toLowerCase(), id: target[2].toLowerCase() })
        : reply("Say what to share: /share chart <chart id> or /share tab <tab id> (the chart's menu has Share too).");
    }
    case "goal": {
      const limit = LIMIT.exec(rest);
      if (!meters[0] || !limit) return reply("Say the meter and the limit: /goal site-1 5 kW");
      return say("set_goal", { meterId: meters[0].id, peakLimitKw: Number(limit[1]) });
    }
    case "devices": {
      const named = meters[0] && (meters[0].kind === "site" ? meters[0] : all.find((m) => m.id === meters[0].parentId));
      const site = named ?? sitesOf(all)[0];
      return site ? say("rank_device_costs", { meter: site.id, ...costPeriod(lower) }) : needMeter();
    }
    case "cost": {
      const meter = meters[0] ?? sitesOf(all)[0];
      return meter ? say("summarize_cost", { meter: meter.id, ...costPeriod(lower) }) : needMeter();
    }
    case "summary":
      return meters[0] ? say("summarize_usage", { meterId: meters[0].id, window: first(lower, WINDOW_WORDS) ?? "last_7d" }) : needMeter();
    case "chart": {
      if (meters.length === 0) return needMeter();
      const metric: Metric = first(lower, METRIC_WORDS) ?? "power_w";
      const chartType =
        CHART_TYPE_PATTERNS.find(([pattern]) => pattern.test(lower))?.[1] ??
        (meters.length > 1 && metric === "power_w" ? "stacked" : "line");
      const window = first(lower, WINDOW_WORDS) ?? "last_24h";
      const spec: Partial<ChartSpec> = {
        meterIds: (chartType === "heatmap" ? meters.slice(0, 1) : meters).map((m) => m.id),
        metric,
        chartType,
        aggregation: EXTENSIVE_METRICS.includes(metric) ? "sum" : "avg",
        window: { kind: "relative", preset: window },
      };
      return say("create_chart", {
        title: `${meters.map((m) => m.name).join(" + ")}: ${METRIC_LABELS[metric]}, ${WINDOW_LABELS[window]}`,
        spec,
      });
    }
    default:
      return reply(`There is no /${verb} command.\n${help(all).text}`);
  }
}

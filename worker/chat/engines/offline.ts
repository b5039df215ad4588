import { type ChartSpec, EXTENSIVE_METRICS, type Metric, type RELATIVE_WINDOWS } from "../../charts/chart-spec-contract";
import type { SummaryPeriod } from "../../costs/contract";
import type { MeterRow } from "../../meters/queries";
import type { ChatEngine, EngineReply, EngineTools, EngineTurn } from "../engine";

type Window = (typeof RELATIVE_WINDOWS)[number];

const METRIC_WORDS: [RegExp, Metric][] = [
  [/\b(costs?|spend|spent|money|bills?)\b/, "cost"],
  [/\b(power ?factor|pf)\b/, "power_factor"],
  [/\bthd\b|harmonic/, "thd_pct"],
  [/\bvoltage|volts?\b/, "voltage_v"],
  [/\bcurrent|amps?\b/, "current_a"],
  [/\benergy|kwh|consumption|usage\b/, "energy_wh"],
  [/\bpower|watts?|load|demand\b/, "power_w"],
];

const WINDOW_WORDS: [RegExp, Window][] = [
  [/last (1 ?h|hour)|past hour/, "last_hour"],
  [/last (24 ?h|day)|today|past day/, "last_24h"],
  [/last (7 ?d|week)|past week|this week/, "last_7d"],
  [/last (30 ?d|month)|past month/, "last_30d"],
  [/this month/, "this_month"],
  [/this year|last year|\byear\b/, "this_year"],
];

const CHART_TYPES = ["line", "area", "bar", "stacked", "heatmap"] as const;
const WINDOW_LABELS: Record<Window, string> = {
  last_hour: "last hour",
  last_24h: "last 24 h",
  last_7d: "last 7 days",
  last_30d: "last 30 days",
  this_month: "this month",
  this_year: "this year",
};
const METRIC_LABELS: Record<Metric, string> = {
  power_w: "power",
  energy_wh: "energy",
  voltage_v: "voltage",
  current_a: "current",
  power_factor: "power factor",
  thd_pct: "THD",
  cost: "cost",
};

const find = <T>(text: string, table: [RegExp, T][]) => table.find(([pattern]) => pattern.test(text))?.[1];

/** The entry whose words come first in the text ("this month compared with last month" is about this month). */
function earliest<T>(text: string, table: [RegExp, T][]): T | undefined {
  let best: { index: number; value: T } | undefined;
  for (const [pattern, value] of table) {
    const index = text.search(pattern);
    if (index >= 0 && (!best || index < best.index)) best = { index, value };
  }
  return best?.value;
}

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

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** "in March" (the last March up to now), "in March 2025", "on 2026-03-14", "in 2025": a period holding a date. */
function datedPeriod(lower: string, now: Date): CostPeriod | undefined {
  const iso = /\b(\d{4}-\d{2}-\d{2})\b/.exec(lower);
  if (iso) return { period: /\bweek\b/.test(lower) ? "week" : /\bmonth\b/.test(lower) ? "month" : "day", at: iso[1] };
  const named = new RegExp(`\\b(?:in|for|during) (${MONTHS.join("|")})(?: (\\d{4}))?\\b`).exec(lower);
  if (named) {
    const month = MONTHS.indexOf(named[1]) + 1;
    const year = named[2] ? Number(named[2]) : now.getUTCFullYear() - (month > now.getUTCMonth() + 1 ? 1 : 0);
    return { period: "month", at: `${year}-${String(month).padStart(2, "0")}-15` };
  }
  const year = /\b(?:in|for|during) (\d{4})\b/.exec(lower);
  if (year) return { period: "year", at: `${year[1]}-07-01` };
  return undefined;
}

const COMPARED = /\b(compared?|comparison|than|vs\.?|versus|against)\b/;

/**
 * The period a cost question is about, this month when it names none. What follows "compared
 * with" is the period to compare against, which the summary brings anyway: "this month compared
 * to last month" and "compared to last month" are both about this month.
 */
function costPeriod(lower: string, now: Date): CostPeriod {
  const compared = COMPARED.exec(lower);
  const asked = compared ? lower.slice(0, compared.index) : lower;
  const named = earliest(asked, PERIOD_WORDS) ?? datedPeriod(asked, now);
  if (named) return named;
  const against = compared && earliest(lower.slice(compared.index), PERIOD_WORDS);
  return against ? { period: against.period, which: "this" } : { period: "month", which: "this" };
}

const COST_WORDS = /\b(cost|costs|costing|costly|spend|spending|spent|bills?|pa(y|id|ying)|expensive|dearest|money)\b/;
const DEVICE_RANKING =
  /\b(which|what) (device|appliance|circuit|load)s?\b|\bmost expensive\b|\bdearest\b|\bcosts? (the )?most\b|\b(biggest|top) (cost|spender|device)s?\b|\b(by|per) device\b/;
const CHART_WORDS = /\b(show|plot|chart|graph|draw)\b/;

/** A name asked about that is no meter's ("what did the garage cost"), for the tool to answer with the person's meter names. */
function askedName(lower: string): string | undefined {
  const subject =
    /\b(?:did|does|do|has|have|is|was|were)\s+(?:the |my |our )?([a-z0-9][\w -]*?)\s+(?:cost|costs|spend|spent|use|used)\b/.exec(
      lower,
    )?.[1] ?? /\b(?:the |my |our )?([a-z0-9][\w -]*?)'s (?:cost|bill|spend)/.exec(lower)?.[1];
  return subject && !/^(i|we|you|it|they|everything|all|that|this)$/.test(subject) ? subject : undefined;
}

/**
 * Meters named in the text: by name (longest names first), by position ("site-1", "meter-2",
 * "device-3") or, for "the site"/"the house", the only site meter.
 */
export function resolveMeters(text: string, meters: MeterRow[]): MeterRow[] {
  const lower = text.toLowerCase();
  const found = new Map<string, MeterRow>();
  for (const meter of [...meters].sort((a, b) => b.name.length - a.name.length)) {
    if (lower.includes(meter.name.toLowerCase())) found.set(meter.id, meter);
  }
  for (const [, kind, index] of lower.matchAll(/\b(site|device|meter)-(\d+)\b/g)) {
    const pool = kind === "meter" ? meters : meters.filter((m) => m.kind === kind);
    const meter = pool[Number(index) - 1];
    if (meter) found.set(meter.id, meter);
  }
  if (found.size === 0 && /\b(the |my )?(site|house|home|building|shop)('s)?\b/.test(lower)) {
    const sites = meters.filter((m) => m.kind === "site");
    if (sites.length >= 1) found.set(sites[0].id, sites[0]);
  }
  return [...found.values()];
}

function help(meters: MeterRow[]): string {
  const refs = meters.length
    ? `Your meters: ${meters.map((m, i) => `${m.name} (meter-${i + 1})`).join(", ")}.`
    : "You have no meters yet: add one on the Meters page.";
  return [
    "I am the offline assistant: I understand commands and a few plain requests. Commands:",
    "/chart <metric> <meter> <window> [as line|area|bar|stacked|heatmap], e.g. /chart power site-1 last 7d as line",
    "/cost <meter> [today|yesterday|this week|last week|this month|last month|this year|last year] · /devices <site> [period]",
    "/summary <meter> [window] · /run <meter> · /plan <meter> · /goal <meter> <n> kW · /share chart|tab <id> · /meters · /tabs · /tab <title>",
    'Plain requests such as "show the site\'s power for the last week", "what did the garage cost last month?", "which device costs the most this week?" or "how does this month compare with last month?" work too.',
    refs,
    "For free conversation, configure an LLM for the opencode engine (see the README).",
  ].join("\n");
}

/** The default engine when no LLM is configured: commands and a small grammar over the same tools. */
export const offlineEngine: ChatEngine = {
  name: "offline",
  async respond(turn: EngineTurn, tools: EngineTools): Promise<EngineReply> {
    return { text: await answer(turn, tools) };
  },
};

async function answer(turn: EngineTurn, tools: EngineTools): Promise<string> {
  {
    const text = turn.text.trim();
    const lower = text.toLowerCase();
    const command = /^\/(\w+)\s*(.*)$/s.exec(text);
    const verb = command?.[1].toLowerCase();
    const rest = command?.[2] ?? text;
    const meters = resolveMeters(rest, turn.meters);
    const window = find(rest.toLowerCase(), WINDOW_WORDS);
    const now = new Date(turn.context.messageAt);
    const say = async (name: string, input: unknown) => {
      const outcome = await tools.call(name, input);
      return outcome.ok ? outcome.summary : `I could not do that: ${outcome.error}`;
    };
    const needMeter = () =>
      `Which meter? ${turn.meters.length ? `Name one of: ${turn.meters.map((m) => m.name).join(", ")}.` : "You have no meters yet."}`;

    if (verb === "help" || (!command && /^(help|\?)$/.test(lower))) return help(turn.meters);
    if (verb === "meters") return say("list_meters", {});
    if (verb === "tabs") return say("list_tabs", {});
    if (verb === "tab") return rest ? say("create_tab", { title: rest }) : "Give the new tab a title: /tab Heating";
    if (verb === "run" || (!command && /\b(run|forecast)\b/.test(lower) && !/\bexplain\b/.test(lower))) {
      return meters[0] ? say("run_model", { meterId: meters[0].id }) : needMeter();
    }
    if (verb === "plan" || (!command && /\b(explain|plan)\b/.test(lower))) {
      return meters[0] ? say("explain_plan", { meterId: meters[0].id }) : needMeter();
    }
    if (verb === "share") {
      const target = /^(chart|tab)\s+([0-9a-f-]{36})$/i.exec(rest.trim());
      return target
        ? say("share", { kind: target[1].toLowerCase(), id: target[2].toLowerCase() })
        : "Say what to share: /share chart <chart id> or /share tab <tab id> (the chart's menu has Share too).";
    }
    if (verb === "goal") {
      const limit = /(\d+(?:\.\d+)?)\s*kw/i.exec(rest);
      if (!meters[0] || !limit) return "Say the meter and the limit: /goal site-1 5 kW";
      return say("set_goal", { meterId: meters[0].id, peakLimitKw: Number(limit[1]) });
    }
    // "How does this month compare with last month?" names no metric: the summary answers it in money and energy.
    const comparesPeriods =
      COMPARED.test(lower) &&
      earliest(lower, PERIOD_WORDS) !== undefined &&
      ["cost", "energy_wh", undefined].includes(find(lower, METRIC_WORDS));
    const costQuestion = !command && !CHART_WORDS.test(lower) && (COST_WORDS.test(lower) || comparesPeriods);
    if (verb === "devices" || (costQuestion && DEVICE_RANKING.test(lower))) {
      // Devices are ranked within their site: the site named, the site of a device named, else the first site.
      const named = meters[0] && (meters[0].kind === "site" ? meters[0] : turn.meters.find((m) => m.id === meters[0].parentId));
      const site = named ?? turn.meters.find((m) => m.kind === "site");
      return site ? say("rank_device_costs", { meter: site.id, ...costPeriod(rest.toLowerCase(), now) }) : needMeter();
    }
    if (verb === "cost" || costQuestion) {
      const asked = meters[0]?.id ?? (command ? undefined : askedName(lower)) ?? turn.meters.find((m) => m.kind === "site")?.id;
      return asked ? say("summarize_cost", { meter: asked, ...costPeriod(rest.toLowerCase(), now) }) : needMeter();
    }
    if (
      verb === "summary" ||
      (!command && /\b(how much|summar|usage|consum|used)\b/.test(lower) && !/\b(show|plot|chart|graph)\b/.test(lower))
    ) {
      return meters[0] ? say("summarize_usage", { meterId: meters[0].id, window: window ?? "last_7d" }) : needMeter();
    }
    if (verb === "chart" || (!command && /\b(show|plot|chart|graph|draw)\b/.test(lower))) {
      if (meters.length === 0) return needMeter();
      const metric = find(rest.toLowerCase(), METRIC_WORDS) ?? "power_w";
      const chartType =
        CHART_TYPES.find((type) => new RegExp(`\\bas (an? )?${type}\\b|\\b${type} chart\\b`).test(rest.toLowerCase())) ??
        (meters.length > 1 && metric === "power_w" ? "stacked" : "line");
      const chosenWindow = window ?? "last_24h";
      const spec: Partial<ChartSpec> = {
        meterIds: (chartType === "heatmap" ? meters.slice(0, 1) : meters).map((m) => m.id),
        metric,
        chartType,
        aggregation: EXTENSIVE_METRICS.includes(metric) ? "sum" : "avg",
        window: { kind: "relative", preset: chosenWindow },
      };
      const title = `${meters.map((m) => m.name).join(" + ")}: ${METRIC_LABELS[metric]}, ${WINDOW_LABELS[chosenWindow]}`;
      // No tabId: the tool puts it on the tab picked in the chat.
      return say("create_chart", { title, spec });
    }
    return `I did not understand "${text}". ${help(turn.meters)}`;
  }
}

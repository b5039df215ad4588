import { type ChartSpec, canDrawForecast, EXTENSIVE_METRICS, type Metric } from "../../../charts/chart-spec-contract";
import type { ChatChoice } from "../../contract";
import type { EngineReply } from "../../engine";
import { resolveNamed } from "../../understanding/entities";
import type { Period } from "../../understanding/periods";
import { type ChartRef, type Ctx, names, presetOf, reply, siteOf, type Window } from "./context";
import type { Reading } from "./intents";
import { periodsOf, phraseOf } from "./when";
import { metersOf } from "./who";
import { ADD_TO_CHART, CHART_NOUN, type ChartKind, COMPARE, METRIC_LABELS, type Quantity, TAB_WORD, WINDOW_LABELS } from "./words";

const METRIC_OF_QUANTITY: Record<Quantity, Metric> = {
  energy: "energy_wh",
  cost: "cost",
  peak: "power_w",
  average: "power_w",
  minimum: "power_w",
};
const STACKABLE: Metric[] = ["power_w", "energy_wh", "current_a", "cost"];
const ONE_METER: ChartKind[] = ["heatmap", "summary", "breakdown"];

type When = { kind: "relative"; preset: Window } | { kind: "absolute"; from: string; to: string };

function windowOf(period: Period, ctx: Ctx): When {
  const preset = presetOf(period, ctx.now);
  return preset ? { kind: "relative", preset } : { kind: "absolute", from: period.from, to: period.to };
}

/** A spec the chart schema accepts: one meter where the type shows one, a summable metric where it sums. */
function fitted(spec: ChartSpec, ctx: Ctx): ChartSpec {
  const out = { ...spec };
  if (ONE_METER.includes(out.chartType)) {
    const meter = ctx.turn.meters.find((m) => m.id === out.meterIds[0]);
    out.meterIds = [out.chartType === "breakdown" ? (siteOf(meter, ctx.turn.meters)?.id ?? out.meterIds[0]) : out.meterIds[0]];
  }
  if ((out.chartType === "summary" || out.chartType === "breakdown") && out.metric !== "cost") out.metric = "energy_wh";
  if (out.chartType === "stacked" && !STACKABLE.includes(out.metric)) out.chartType = "line";
  out.aggregation = EXTENSIVE_METRICS.includes(out.metric) ? "sum" : out.aggregation === "sum" ? "avg" : out.aggregation;
  return out;
}

const windowLabel = (window: When, period?: Period) =>
  window.kind === "relative" ? WINDOW_LABELS[window.preset] : (period?.label ?? "that period");

/**
 * "Show the flat's power last week as bars": a new chart. Follow-ups ("now for the garage", "and
 * the week before?") ask the last chart again with the slot changed. No tab picked: no tabId, and
 * the tool puts the chart on a new tab named after it.
 */
export async function chart(r: Reading, ctx: Ctx, followUp = false): Promise<EngineReply> {
  const last = ctx.memory.ask?.kind === "chart" ? ctx.memory.ask : undefined;
  const who = metersOf(r, ctx);
  if ("ask" in who) return reply(who.ask, who.choices);
  const base = followUp ? last?.spec : undefined;
  // "show it as a chart" after a number: that number's meters, quantity and period.
  const measured = ctx.memory.ask?.kind === "measure" && r.meters.kind === "none" && r.periods.length === 0 ? ctx.memory.ask : undefined;
  if (measured && !r.quantity && !r.metric) r = { ...r, quantity: measured.quantity };
  const kind: ChartKind = r.chartKind ?? base?.chartType ?? (/\b(which|what) device|most\b/.test(r.folded) ? "breakdown" : "line");
  const metric: Metric =
    r.metric ??
    (r.quantity ? METRIC_OF_QUANTITY[r.quantity] : undefined) ??
    base?.metric ??
    (kind === "summary" || kind === "breakdown" ? "energy_wh" : "power_w");
  const aggregation = r.quantity === "peak" ? "max" : r.quantity === "minimum" ? "min" : (base?.aggregation ?? "avg");

  let window: When;
  let period: Period | undefined;
  const remembered = followUp ? last?.period : measured?.period;
  if (r.periods.length > 0 || remembered) {
    const when = periodsOf(r, ctx, remembered, "the last 24 hours");
    if ("ask" in when) return reply(when.ask, when.choices);
    period = when.main;
    window = windowOf(period, ctx);
  } else if (base) window = base.window as When;
  // A heatmap shows hours against days: a month of them.
  else
    window = {
      kind: "relative",
      preset: kind === "summary" || kind === "breakdown" ? "this_month" : kind === "heatmap" ? "last_30d" : "last_24h",
    };

  const compare = COMPARE.test(r.folded)
    ? /\b(last|previous|a) year\b|\byear (ago|earlier|before)\b/.test(r.folded)
      ? "previous_year"
      : "previous_period"
    : (base?.compare ?? null);
  const spec = fitted(
    {
      meterIds: who.meters.map((m) => m.id).slice(0, 12),
      metric,
      aggregation,
      chartType: kind,
      window,
      bucket: "auto",
      compare,
      untracked: /\b(untracked|unmetered|rest of the house|everything else)\b/.test(r.folded) || (base?.untracked ?? false),
      breakdownStyle: /\bsankey\b/.test(r.folded) ? "sankey" : (base?.breakdownStyle ?? "bars"),
      // A chart changed in words keeps its forecast while it can still draw one.
      forecast: (base?.forecast ?? false) && canDrawForecast({ meterIds: who.meters.map((m) => m.id), metric, chartType: kind }),
    },
    ctx,
  );
  const shown = spec.meterIds.map((id) => ctx.turn.meters.find((m) => m.id === id)!).filter(Boolean);
  const title = `${shown.map((m) => m.name).join(" + ")}: ${METRIC_LABELS[spec.metric]}, ${windowLabel(window, period)}`.slice(0, 120);
  const tab = TAB_WORD.test(r.folded) ? resolveNamed(r.text, ctx.turn.tabs) : undefined;
  const input = { ...(tab?.kind === "found" ? { tabId: tab.items[0].id } : {}), title, spec };
  const outcome = await ctx.call("create_chart", input);
  if (!outcome.ok) return reply(`I could not do that: ${outcome.error}`);
  const result = (outcome.result ?? {}) as { newTab?: boolean };
  const other = spec.chartType === "bar" ? "line" : "bar";
  return reply(outcome.summary + (result.newTab ? " (on a new tab, as no tab was picked)." : ""), [
    { label: other === "bar" ? "Make it bars" : "Make it a line", text: `make it ${other === "bar" ? "bars" : "a line"}` },
    { label: "Share it", text: "share that chart" },
    ...(period
      ? [
          {
            label: "The numbers",
            text: `how much ${metric === "cost" ? "did" : "energy did"} ${names(shown)} ${metric === "cost" ? "cost" : "use"} ${phraseOf(period, ctx, r.zone)}?`,
          },
        ]
      : []),
  ]);
}

/** The chart a message is about: named ("the Garage power chart"), else the one the conversation last made. */
function chartOf(r: Reading, ctx: Ctx): ChartRef | { ask: string; choices: ChatChoice[] } | undefined {
  if (CHART_NOUN.test(r.folded)) {
    const named = resolveNamed(r.text, ctx.turn.charts);
    if (named.kind === "found") return named.items[0];
    if (named.kind === "ambiguous") {
      return {
        ask: "Which chart?",
        choices: named.candidates.slice(0, 6).map((c) => ({ label: c.name, text: `${r.text} (chart ${c.name})` })),
      };
    }
  }
  const id = ctx.memory.chartId;
  if (id) {
    const known = ctx.turn.charts.find((c) => c.id === id);
    if (known) return known;
    const last = ctx.memory.ask;
    if (last?.kind === "chart") return { id, name: last.title, tabId: ctx.memory.tabId ?? "", spec: last.spec };
  }
  const onTab = ctx.turn.charts.filter((c) => !ctx.turn.context?.tabId || c.tabId === ctx.turn.context.tabId);
  if (onTab.length === 0) return undefined;
  return { ask: "Which chart?", choices: onTab.slice(-6).map((c) => ({ label: c.name, text: `${r.text} (chart ${c.name})` })) };
}

/** "make it bars", "as a heatmap", "change it to last month": the last (or named) chart changed. */
export async function editChart(r: Reading, ctx: Ctx): Promise<EngineReply> {
  const target = chartOf(r, ctx);
  if (!target) return reply("There is no chart in this conversation yet. Ask for one, e.g. “show the power for the last 7 days”.");
  if ("ask" in target) return reply(target.ask, target.choices);
  let spec: ChartSpec = { ...target.spec };
  let title: string | undefined;
  if (r.chartKind) spec.chartType = r.chartKind;
  if (r.metric && r.metric !== spec.metric && !r.chartKind) spec.metric = r.metric;
  let label: string | undefined;
  if (r.meters.kind === "found") {
    // "add the garage too" adds it; "change it to the garage" puts it instead.
    const named = r.meters.items.map((m) => m.id);
    spec.meterIds = ADD_TO_CHART.test(r.folded) ? [...new Set([...spec.meterIds, ...named])].slice(0, 12) : named;
    label = target.name.match(/, ([^,]+)$/)?.[1];
  }
  if (r.periods.length > 0) {
    const base = spec.window.kind === "absolute" ? { from: spec.window.from, to: spec.window.to } : undefined;
    const when = periodsOf(
      r,
      ctx,
      base ? ({ ...base, label: "that period", grain: "span", inProgress: false } as Period) : undefined,
      "the last 24 hours",
    );
    if ("ask" in when) return reply(when.ask, when.choices);
    spec.window = windowOf(when.main, ctx);
    label = windowLabel(spec.window as When, when.main);
  }
  if (label) {
    const meters = spec.meterIds.map((id) => ctx.turn.meters.find((m) => m.id === id)?.name ?? "meter");
    title = `${meters.join(" + ")}: ${METRIC_LABELS[spec.metric]}, ${label}`.slice(0, 120);
  }
  spec = fitted(spec, ctx);
  return reply(await ctx.say("update_chart", { chartId: target.id, ...(title ? { title } : {}), spec }), [
    { label: "Share it", text: "share that chart" },
    { label: "Remove it", text: "remove that chart" },
  ]);
}

export async function deleteChart(r: Reading, ctx: Ctx): Promise<EngineReply> {
  const target = chartOf(r, ctx);
  if (!target) return reply("There is no chart to remove in this conversation: name it, e.g. “delete the chart Garage: power”.");
  if ("ask" in target) return reply(target.ask, target.choices);
  return reply(await ctx.say("delete_chart", { chartId: target.id }));
}

/** "share it", "share this tab": a public link to the last chart, or to the tab. */
export async function share(r: Reading, ctx: Ctx): Promise<EngineReply> {
  const wantsTab = TAB_WORD.test(r.folded) && !CHART_NOUN.test(r.folded);
  if (wantsTab) {
    const named = resolveNamed(r.text, ctx.turn.tabs);
    const id = named.kind === "found" ? named.items[0].id : (ctx.turn.context?.tabId ?? ctx.memory.tabId);
    if (named.kind === "ambiguous") {
      return reply(
        "Which tab?",
        named.candidates.slice(0, 6).map((t) => ({ label: t.name, text: `share the tab ${t.name}` })),
      );
    }
    if (id) return reply(await ctx.say("share", { kind: "tab", id }));
    return reply(
      "Which tab?",
      ctx.turn.tabs.slice(0, 6).map((t) => ({ label: t.name, text: `share the tab ${t.name}` })),
    );
  }
  const target = chartOf(r, ctx);
  if (target && !("ask" in target)) return reply(await ctx.say("share", { kind: "chart", id: target.id }));
  const tabId = ctx.turn.context?.tabId ?? ctx.memory.tabId;
  if (!target && tabId) return reply(await ctx.say("share", { kind: "tab", id: tabId }));
  if (target) return reply(target.ask, target.choices);
  return reply(
    "What should I share? Pick a tab in the chat, or ask for a chart first.",
    ctx.turn.tabs.slice(0, 6).map((t) => ({ label: t.name, text: `share the tab ${t.name}` })),
  );
}

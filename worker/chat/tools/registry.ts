import { z } from "zod";
import { createChart, getChart, updateChart } from "../../db/charts";
import { createShare, findLiveShare } from "../../db/shares";
import { getMeter, listMeters, updateMeter } from "../../db/meters";
import { latestModelRun } from "../../db/model-runs";
import { createTab, getTab, listTabs } from "../../db/tabs";
import { usageFigures } from "../../db/usage";
import { ApiError, notFound } from "../../errors";
import { explainRun, MIN_HISTORY_HOURS, runModel } from "../../model/run-model";
import { afterRun } from "../../model/publish-run";
import { notifyRequestedRun } from "../../notifications/compose";
import { ChartSpec, Metric, RELATIVE_WINDOWS } from "../../schemas/chart-spec";
import { loadSeries } from "../../series/load-series";
import { resolveWindow } from "../../series/windows";
import { defineTool, type ToolDefinition } from "./tool";

const Window = z.enum(RELATIVE_WINDOWS).describe("a relative window: last_hour, last_24h, last_7d, last_30d, this_month, this_year");

async function ownMeter(context: { db: Parameters<typeof getMeter>[0]; userId: string }, meterId: string) {
  const meter = await getMeter(context.db, context.userId, meterId);
  if (!meter) throw notFound("Meter");
  return meter;
}

const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));

/** Every command the chat can run. One list for the engines, the UI's command list and the API. */
export const TOOLS = [
  defineTool({
    name: "list_meters",
    description: "List the user's meters (sites and their device sub-meters) with their ids, time zones and last reading.",
    risk: "read",
    input: z.object({}).strict(),
    async run({ db, userId }) {
      const meters = await listMeters(db, userId);
      return {
        result: meters.map((m) => ({ id: m.id, name: m.name, kind: m.kind, parentId: m.parentId, timezone: m.timezone, lastReadingAt: m.lastReadingAt?.toISOString() ?? null })),
        summary: meters.length ? `${meters.length} meters: ${meters.map((m) => m.name).join(", ")}` : "No meters yet",
      };
    },
  }),
  defineTool({
    name: "summarize_usage",
    description: "Energy, peak, base load, power factor and THD of a meter over a window, with the split across its device sub-meters.",
    risk: "read",
    input: z.object({ meterId: z.uuid(), window: Window.default("last_7d") }).strict(),
    async run(context, { meterId, window }) {
      const meter = await ownMeter(context, meterId);
      const devices = (await listMeters(context.db, context.userId)).filter((m) => m.parentId === meter.id);
      const { from, to } = resolveWindow({ kind: "relative", preset: window }, new Date(), meter.timezone);
      const [site, ...split] = await usageFigures(context.db, [meter.id, ...devices.map((d) => d.id)], from, to);
      const result = {
        meter: meter.name,
        window,
        energyKwh: round(site.energyKwh, 2),
        peakW: round(site.peakW, 0),
        baseLoadW: round(site.baseLoadW, 0),
        avgPowerFactor: round(site.avgPowerFactor, 3),
        avgThdPct: round(site.avgThdPct, 2),
        devices: split.map((figures, i) => ({ name: devices[i].name, energyKwh: round(figures.energyKwh, 2), share: site.energyKwh && figures.energyKwh !== null ? round(figures.energyKwh / site.energyKwh, 3) : null })),
      };
      const parts = [`${meter.name}, ${window.replaceAll("_", " ")}: ${result.energyKwh ?? "no"} kWh`];
      if (result.peakW !== null) parts.push(`peak ${result.peakW} W`);
      if (result.baseLoadW !== null) parts.push(`base load ${result.baseLoadW} W`);
      return { result, summary: parts.join(", ") };
    },
  }),
  defineTool({
    name: "query_series",
    description: "Time series of meters for one metric over a window, in at most `points` buckets (avg/min/max/sum per bucket).",
    risk: "read",
    input: z.object({ meterIds: z.array(z.uuid()).min(1).max(12), metric: Metric.default("power_w"), window: Window.default("last_24h"), points: z.int().min(1).max(500).default(48) }).strict(),
    async run({ db, userId }, { meterIds, metric, window, points }) {
      const result = await loadSeries(db, userId, { meterIds, metric, window: { kind: "relative", preset: window }, points });
      return { result, summary: `${result.series.length} series of ${metric}, ${window.replaceAll("_", " ")}` };
    },
  }),
  defineTool({
    name: "list_tabs",
    description: "List the user's dashboard tabs in order.",
    risk: "read",
    input: z.object({}).strict(),
    async run({ db, userId }) {
      const tabs = await listTabs(db, userId);
      return { result: tabs.map((t) => ({ id: t.id, title: t.title })), summary: tabs.length ? `Tabs: ${tabs.map((t) => t.title).join(", ")}` : "No tabs yet" };
    },
  }),
  defineTool({
    name: "create_tab",
    description: "Create a dashboard tab.",
    risk: "write",
    input: z.object({ title: z.string().trim().min(1).max(100) }).strict(),
    async run({ db, userId }, { title }) {
      const tab = await createTab(db, userId, title);
      return { result: { id: tab.id, title: tab.title }, summary: `Created tab "${tab.title}"` };
    },
  }),
  defineTool({
    name: "create_chart",
    description: "Create a chart on a tab (the chat's picked tab when tabId is omitted). spec: meterIds, metric, aggregation, chartType (line, area, bar, stacked, heatmap), window, bucket.",
    risk: "write",
    input: z.object({ tabId: z.uuid().optional(), title: z.string().trim().min(1).max(120), spec: ChartSpec }).strict(),
    async run({ db, userId, tabId: pickedTab, sessionId, messageId }, { tabId, title, spec }) {
      const target = tabId ?? pickedTab;
      if (!target) throw new ApiError(400, "invalid_request", "Pick a tab for the chat first, or give tabId");
      const outcome = await createChart(db, userId, { tabId: target, title, spec, source: "chat", provenance: { sessionId, messageId } });
      if (!outcome.ok) throw notFound(outcome.missing === "tab" ? "Tab" : "Meter");
      return { result: { id: outcome.chart.id, tabId: outcome.chart.tabId, title: outcome.chart.title }, summary: `Created chart "${outcome.chart.title}"` };
    },
  }),
  defineTool({
    name: "update_chart",
    description: "Change a chart's title or spec, or move it to another tab.",
    risk: "write",
    input: z.object({ chartId: z.uuid(), title: z.string().trim().min(1).max(120).optional(), spec: ChartSpec.optional(), tabId: z.uuid().optional() }).strict(),
    async run({ db, userId }, { chartId, ...changes }) {
      const outcome = await updateChart(db, userId, chartId, changes);
      if (!outcome.ok) throw notFound({ chart: "Chart", tab: "Tab", meter: "Meter" }[outcome.missing]);
      return { result: { id: outcome.chart.id, tabId: outcome.chart.tabId, title: outcome.chart.title }, summary: `Updated chart "${outcome.chart.title}"` };
    },
  }),
  defineTool({
    name: "share",
    description: "Make a public, read-only link to a chart or a whole tab (returns the live link if there is one).",
    risk: "share",
    input: z.object({ kind: z.enum(["chart", "tab"]), id: z.uuid() }).strict(),
    async run({ db, userId, origin }, { kind, id }) {
      const target = kind === "chart" ? await getChart(db, userId, id) : await getTab(db, userId, id);
      if (!target) throw notFound(kind === "chart" ? "Chart" : "Tab");
      const share = (await findLiveShare(db, userId, kind, id)) ?? (await createShare(db, { ownerId: userId, kind, targetId: id, viewerMayChangeRange: false, expiresAt: null }));
      const url = `${origin}/s/${share.token}`;
      return { result: { url, embedUrl: `${origin}/embed/${share.token}` }, summary: `Anyone with this link can see "${target.title}": ${url}` };
    },
  }),
  defineTool({
    name: "run_model",
    description: "Forecast a meter's next 24 hours and plan its battery and flexible loads against its tariff, now.",
    risk: "write",
    input: z.object({ meterId: z.uuid() }).strict(),
    async run(context, { meterId }) {
      const meter = await ownMeter(context, meterId);
      const outcome = await runModel(context.db, meter, "manual");
      if (outcome.status !== "ran") {
        const hours = outcome.status === "not_enough_data" ? outcome.hoursWithData : 0;
        throw new ApiError(409, "not_enough_history", `The forecast needs at least ${MIN_HISTORY_HOURS} hours of readings in the last 7 days; ${meter.name} has ${hours}.`);
      }
      await afterRun(context.env, context.db, meter, outcome.run);
      const explanation = explainRun(outcome.run, meter.timezone);
      await notifyRequestedRun(context.env, context.db, meter, outcome.run, { id: context.sessionId, title: context.sessionTitle, messageId: context.messageId, at: context.messageAt }, explanation);
      return { result: { runId: outcome.run.id, figures: outcome.run.figures, findings: outcome.run.findings, explanation }, summary: explanation };
    },
  }),
  defineTool({
    name: "explain_plan",
    description: "Explain the latest forecast and plan of a meter in words.",
    risk: "read",
    input: z.object({ meterId: z.uuid() }).strict(),
    async run(context, { meterId }) {
      const meter = await ownMeter(context, meterId);
      const run = await latestModelRun(context.db, context.userId, meter.id);
      if (!run) return { result: null, summary: `${meter.name} has no forecast yet: run the model first.` };
      const explanation = explainRun(run, meter.timezone);
      return { result: { runId: run.id, createdAt: run.createdAt.toISOString(), explanation, findings: run.findings }, summary: explanation };
    },
  }),
  defineTool({
    name: "set_goal",
    description: "Set a meter's peak limit in kW (notifications warn when a forecast peak goes above it).",
    risk: "write",
    input: z.object({ meterId: z.uuid(), peakLimitKw: z.number().gt(0).max(10_000) }).strict(),
    async run(context, { meterId, peakLimitKw }) {
      const meter = await ownMeter(context, meterId);
      const outcome = await updateMeter(context.db, context.userId, meter.id, { assets: { ...(meter.assets ?? {}), peakLimitKw } });
      if (!outcome.ok) throw notFound("Meter");
      return { result: { meterId, peakLimitKw }, summary: `Peak limit of ${meter.name} set to ${peakLimitKw} kW` };
    },
  }),
] as const satisfies readonly ToolDefinition<z.ZodType>[];

export type ToolName = (typeof TOOLS)[number]["name"];
export const TOOL_NAMES = TOOLS.map((t) => t.name) as ToolName[];

export function findTool(name: string): ToolDefinition | undefined {
  return (TOOLS as readonly ToolDefinition[]).find((t) => t.name === name);
}

/** The registry as the UI's command list and external engines see it: names, descriptions, JSON schemas. */
export function describeTools() {
  return (TOOLS as readonly ToolDefinition[]).map((t) => ({ name: t.name, description: t.description, risk: t.risk, inputSchema: z.toJSONSchema(t.input) }));
}


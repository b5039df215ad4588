import type { z } from "zod";
import { createChart, getChart, updateChart } from "../../charts/queries";
import { createShare, findLiveShare } from "../../shares/queries";
import { getMeter, listMeters, updateMeter } from "../../meters/queries";
import { latestModelRun } from "../../runs/queries";
import { createTab, getTab, listTabs } from "../../tabs/queries";
import { usageFigures } from "../../readings/usage-queries";
import { ApiError, notFound } from "../../errors";
import { explainRun, MIN_HISTORY_HOURS } from "../../runs/run-model";
import { runAndPublish } from "../../runs/pipeline";
import { notifyRequestedRun } from "../../notifications/compose";
import { loadSeries } from "../../series/service";
import { resolveWindow } from "../../series/windows";
import { TOOL_CATALOG, type ToolName } from "./catalog";
import type { ToolContext, ToolDefinition } from "./tool";

async function ownMeter(context: { db: Parameters<typeof getMeter>[0]; userId: string }, meterId: string) {
  const meter = await getMeter(context.db, context.userId, meterId);
  if (!meter) throw notFound("Meter");
  return meter;
}

const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));

/** A catalog entry with what it does. */
function implement<Name extends ToolName>(name: Name, tool: { run(context: ToolContext, input: z.infer<(typeof TOOL_CATALOG)[Name]["input"]>): Promise<{ result: unknown; summary: string }> }) {
  return { name, ...TOOL_CATALOG[name], run: tool.run } as ToolDefinition<(typeof TOOL_CATALOG)[Name]["input"]> & { name: Name };
}

/** What every command in catalog.ts does. One list for the engines, the UI's command list and the API. */
export const TOOLS = [
  implement("list_meters", {
    async run({ db, userId }) {
      const meters = await listMeters(db, userId);
      return {
        result: meters.map((m) => ({ id: m.id, name: m.name, kind: m.kind, parentId: m.parentId, timezone: m.timezone, lastReadingAt: m.lastReadingAt?.toISOString() ?? null })),
        summary: meters.length ? `${meters.length} meters: ${meters.map((m) => m.name).join(", ")}` : "No meters yet",
      };
    },
  }),
  implement("summarize_usage", {
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
  implement("query_series", {
    async run({ db, userId }, { meterIds, metric, window, points }) {
      const result = await loadSeries(db, userId, { meterIds, metric, window: { kind: "relative", preset: window }, points });
      return { result, summary: `${result.series.length} series of ${metric}, ${window.replaceAll("_", " ")}` };
    },
  }),
  implement("list_tabs", {
    async run({ db, userId }) {
      const tabs = await listTabs(db, userId);
      return { result: tabs.map((t) => ({ id: t.id, title: t.title })), summary: tabs.length ? `Tabs: ${tabs.map((t) => t.title).join(", ")}` : "No tabs yet" };
    },
  }),
  implement("create_tab", {
    async run({ db, userId }, { title }) {
      const tab = await createTab(db, userId, title);
      return { result: { id: tab.id, title: tab.title }, summary: `Created tab "${tab.title}"` };
    },
  }),
  implement("create_chart", {
    async run({ db, userId, tabId: pickedTab, sessionId, messageId }, { tabId, title, spec }) {
      const target = tabId ?? pickedTab;
      if (!target) throw new ApiError(400, "invalid_request", "Pick a tab for the chat first, or give tabId");
      const outcome = await createChart(db, userId, { tabId: target, title, spec, source: "chat", provenance: { sessionId, messageId } });
      if (!outcome.ok) throw notFound(outcome.missing === "tab" ? "Tab" : "Meter");
      return { result: { id: outcome.chart.id, tabId: outcome.chart.tabId, title: outcome.chart.title }, summary: `Created chart "${outcome.chart.title}"` };
    },
  }),
  implement("update_chart", {
    async run({ db, userId }, { chartId, ...changes }) {
      const outcome = await updateChart(db, userId, chartId, changes);
      if (!outcome.ok) throw notFound({ chart: "Chart", tab: "Tab", meter: "Meter" }[outcome.missing]);
      return { result: { id: outcome.chart.id, tabId: outcome.chart.tabId, title: outcome.chart.title }, summary: `Updated chart "${outcome.chart.title}"` };
    },
  }),
  implement("share", {
    async run({ db, userId, origin }, { kind, id }) {
      const target = kind === "chart" ? await getChart(db, userId, id) : await getTab(db, userId, id);
      if (!target) throw notFound(kind === "chart" ? "Chart" : "Tab");
      const share = (await findLiveShare(db, userId, kind, id)) ?? (await createShare(db, { ownerId: userId, kind, targetId: id, viewerMayChangeRange: false, expiresAt: null }));
      const url = `${origin}/s/${share.token}`;
      return { result: { url, embedUrl: `${origin}/embed/${share.token}` }, summary: `Anyone with this link can see "${target.title}": ${url}` };
    },
  }),
  implement("run_model", {
    async run(context, { meterId }) {
      const meter = await ownMeter(context, meterId);
      // The run and its findings' notifications are stored together, as for queued runs.
      const outcome = await runAndPublish(context.env, context.db, meter, "manual");
      if (outcome.status !== "ran") {
        const hours = outcome.status === "not_enough_data" ? outcome.hoursWithData : 0;
        throw new ApiError(409, "not_enough_history", `The forecast needs at least ${MIN_HISTORY_HOURS} hours of readings in the last 7 days; ${meter.name} has ${hours}.`);
      }
      const explanation = explainRun(outcome.run, meter.timezone);
      await notifyRequestedRun(context.env, context.db, meter, outcome.run, { id: context.sessionId, title: context.sessionTitle, messageId: context.messageId, at: context.messageAt }, explanation);
      return { result: { runId: outcome.run.id, figures: outcome.run.figures, findings: outcome.run.findings, explanation }, summary: explanation };
    },
  }),
  implement("explain_plan", {
    async run(context, { meterId }) {
      const meter = await ownMeter(context, meterId);
      const run = await latestModelRun(context.db, context.userId, meter.id);
      if (!run) return { result: null, summary: `${meter.name} has no forecast yet: run the model first.` };
      const explanation = explainRun(run, meter.timezone);
      return { result: { runId: run.id, createdAt: run.createdAt.toISOString(), explanation, findings: run.findings }, summary: explanation };
    },
  }),
  implement("set_goal", {
    async run(context, { meterId, peakLimitKw }) {
      const meter = await ownMeter(context, meterId);
      const outcome = await updateMeter(context.db, context.userId, meter.id, { assets: { ...(meter.assets ?? {}), peakLimitKw } });
      if (!outcome.ok) throw notFound("Meter");
      return { result: { meterId, peakLimitKw }, summary: `Peak limit of ${meter.name} set to ${peakLimitKw} kW` };
    },
  }),
] as const satisfies readonly ToolDefinition<z.ZodType>[];

export function findTool(name: string): ToolDefinition | undefined {
  return (TOOLS as readonly ToolDefinition[]).find((t) => t.name === name);
}

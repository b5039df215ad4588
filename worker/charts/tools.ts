import { createChart, updateChart } from "./queries";
import { ApiError, notFound } from "../errors";
import { implement } from "../chat/tools/tool";

/** Chat tools over charts. */
export const chartTools = [
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
] as const;

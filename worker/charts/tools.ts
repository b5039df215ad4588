import { implement } from "../chat/tools/tool";
import { createTab } from "../tabs/service";
import { createChart, deleteChart, getChart, requireOwnMeters, updateChart } from "./service";

/** Chat tools over charts: the operations the charts routes call. */
export const chartTools = [
  implement("create_chart", {
    async run(context, { tabId, title, spec }) {
      // With no tab given and none picked in the chat, the chart gets a tab of its own.
      const newTab = !tabId && !context.tabId;
      // Checked before the tab is made, so a chart of someone else's meter leaves no empty tab behind.
      if (newTab) await requireOwnMeters(context, spec);
      // A tab title is at most 100 characters, a chart's 120.
      const target = tabId ?? context.tabId ?? (await createTab(context, title.slice(0, 100).trim())).id;
      const chart = await createChart(context, {
        tabId: target,
        title,
        spec,
        source: "chat",
        provenance: { sessionId: context.sessionId, messageId: context.messageId },
      });
      return {
        result: { id: chart.id, tabId: chart.tabId, title: chart.title, newTab },
        summary: newTab ? `Created chart "${chart.title}" on a new tab of the same name` : `Created chart "${chart.title}"`,
      };
    },
  }),
  implement("update_chart", {
    async run(context, { chartId, ...changes }) {
      const chart = await updateChart(context, chartId, changes);
      return { result: { id: chart.id, tabId: chart.tabId, title: chart.title }, summary: `Updated chart "${chart.title}"` };
    },
  }),
  implement("delete_chart", {
    async run(context, { chartId }) {
      const chart = await getChart(context, chartId);
      await deleteChart(context, chartId);
      return { result: { id: chart.id, tabId: chart.tabId, title: chart.title, deleted: true }, summary: `Deleted chart "${chart.title}"` };
    },
  }),
] as const;

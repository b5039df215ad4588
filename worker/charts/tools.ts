import { implement } from "../chat/tools/tool";
import { ApiError } from "../errors";
import { createChart, updateChart } from "./service";

/** Chat tools over charts: the operations the charts routes call. */
export const chartTools = [
  implement("create_chart", {
    async run(context, { tabId, title, spec }) {
      const target = tabId ?? context.tabId;
      if (!target) throw new ApiError(400, "invalid_request", "Pick a tab for the chat first, or give tabId");
      const chart = await createChart(context, {
        tabId: target,
        title,
        spec,
        source: "chat",
        provenance: { sessionId: context.sessionId, messageId: context.messageId },
      });
      return { result: { id: chart.id, tabId: chart.tabId, title: chart.title }, summary: `Created chart "${chart.title}"` };
    },
  }),
  implement("update_chart", {
    async run(context, { chartId, ...changes }) {
      const chart = await updateChart(context, chartId, changes);
      return { result: { id: chart.id, tabId: chart.tabId, title: chart.title }, summary: `Updated chart "${chart.title}"` };
    },
  }),
] as const;

import { implement } from "../chat/tools/tool";
import { measure } from "./measure";
import { seriesSet, usageSummary } from "./service";

/** Chat tools that read a meter's readings. */
export const seriesTools = [
  implement("summarize_usage", {
    async run(context, { meterId, window }) {
      const result = await usageSummary(context, meterId, window);
      const parts = [`${result.meter}, ${window.replaceAll("_", " ")}: ${result.energyKwh ?? "no"} kWh`];
      if (result.peakW !== null) parts.push(`peak ${result.peakW} W`);
      if (result.baseLoadW !== null) parts.push(`base load ${result.baseLoadW} W`);
      return { result, summary: parts.join(", ") };
    },
  }),
  implement("measure", {
    run: (context, question) => measure(context, question),
  }),
  implement("query_series", {
    async run(context, { meterIds, metric, window, points }) {
      const result = await seriesSet(context, { meterIds, metric, window, points, bucket: "auto", untracked: false });
      return { result, summary: `${result.series.length} series of ${metric}, ${window.replaceAll("_", " ")}` };
    },
  }),
] as const;

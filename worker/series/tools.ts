import { getMeter, listMeters } from "../meters/queries";
import { usageFigures } from "../readings/usage-queries";
import { notFound } from "../errors";
import { loadSeries } from "./service";
import { resolveWindow } from "./windows";
import { requireMeter } from "../meters/service";
import { implement } from "../chat/tools/tool";

const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));

/** Chat tools that read a meter's readings. */
export const seriesTools = [
  implement("summarize_usage", {
    async run(context, { meterId, window }) {
      const meter = await requireMeter(context.db, context.userId, meterId);
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
] as const;

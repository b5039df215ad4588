import { implement } from "../chat/tools/tool";
import { getMeter, listMeters, updateMeter } from "./service";

/** Chat tools over meters. */
export const meterTools = [
  implement("list_meters", {
    async run(context) {
      const { meters } = await listMeters(context);
      return {
        result: meters.map((m) => ({
          id: m.id,
          name: m.name,
          kind: m.kind,
          parentId: m.parentId,
          timezone: m.timezone,
          lastReadingAt: m.lastReadingAt,
        })),
        summary: meters.length ? `${meters.length} meters: ${meters.map((m) => m.name).join(", ")}` : "No meters yet",
      };
    },
  }),
  implement("set_goal", {
    async run(context, { meterId, peakLimitKw }) {
      const meter = await getMeter(context, meterId);
      await updateMeter(context, meter.id, { assets: { ...(meter.assets ?? {}), peakLimitKw } });
      return { result: { meterId, peakLimitKw }, summary: `Peak limit of ${meter.name} set to ${peakLimitKw} kW` };
    },
  }),
] as const;

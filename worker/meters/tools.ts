import { getMeter, listMeters, updateMeter } from "./queries";
import { notFound } from "../errors";
import { requireMeter } from "./service";
import { implement } from "../chat/tools/tool";

/** Chat tools over meters. */
export const meterTools = [
  implement("list_meters", {
    async run({ db, userId }) {
      const meters = await listMeters(db, userId);
      return {
        result: meters.map((m) => ({ id: m.id, name: m.name, kind: m.kind, parentId: m.parentId, timezone: m.timezone, lastReadingAt: m.lastReadingAt?.toISOString() ?? null })),
        summary: meters.length ? `${meters.length} meters: ${meters.map((m) => m.name).join(", ")}` : "No meters yet",
      };
    },
  }),
  implement("set_goal", {
    async run(context, { meterId, peakLimitKw }) {
      const meter = await requireMeter(context.db, context.userId, meterId);
      const outcome = await updateMeter(context.db, context.userId, meter.id, { assets: { ...(meter.assets ?? {}), peakLimitKw } });
      if (!outcome.ok) throw notFound("Meter");
      return { result: { meterId, peakLimitKw }, summary: `Peak limit of ${meter.name} set to ${peakLimitKw} kW` };
    },
  }),
] as const;

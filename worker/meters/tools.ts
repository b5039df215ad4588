import type { Actor } from "../actor";
import { implement } from "../chat/tools/tool";
import { formatMoney, formatPricePerKwh } from "../costs/money-contract";
import { meterTariff } from "../costs/pricing";
import { validationError } from "../errors";
import { listTariffs } from "../tariffs/service";
import { UpdateMeterBody } from "./contract";
import type { FlexibleAssets, TariffSetting } from "./energy-contract";
import { getMeter, listMeters, requireMeter, updateMeter } from "./service";

/** Names that charge a car: their load defaults to a home charger's 7 kW. */
const CAR_WORDS = /\b(car|ev|charger|wallbox|vehicle|tesla)\b/i;

/**
 * The meter's assets with `change` applied, checked by the PATCH route's own schema (so limits such
 * as at most four loads answer 400 naming the field), then written through updateMeter.
 */
async function changeAssets(actor: Actor, meterId: string, change: (assets: FlexibleAssets) => FlexibleAssets) {
  const meter = await getMeter(actor, meterId);
  const body = UpdateMeterBody.safeParse({ assets: change(meter.assets ?? {}) });
  if (!body.success) throw validationError(body.error, "assets");
  return updateMeter(actor, meter.id, body.data);
}

/** A tariff in a few words: "a flat £0.250/kWh", "time-of-use (3 periods, else £0.150/kWh)". */
function describeTariff(tariff: TariffSetting, currency: string, importedName?: string): string {
  const standing =
    "standingChargePerDay" in tariff && tariff.standingChargePerDay
      ? ` plus ${formatMoney(tariff.standingChargePerDay, currency)} a day`
      : "";
  switch (tariff.kind) {
    case "flat":
      return `a flat ${formatPricePerKwh(tariff.price, currency)}${standing}`;
    case "tou":
      return `time-of-use (${tariff.periods.length} period${tariff.periods.length === 1 ? "" : "s"}, else ${formatPricePerKwh(tariff.defaultPrice, currency)})${standing}`;
    case "preset":
      return `the ${tariff.name} preset${standing}`;
    case "imported":
      return `the imported tariff "${importedName ?? tariff.tariffId}"`;
  }
}

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
  implement("set_battery", {
    async run(context, { meterId, capacityKwh, powerKw, roundTripEfficiency }) {
      const battery = { capacityKwh, powerKw: powerKw ?? capacityKwh / 2, roundTripEfficiency: roundTripEfficiency ?? 0.9 };
      const meter = await changeAssets(context, meterId, (assets) => ({ ...assets, battery }));
      return {
        result: { meterId: meter.id, name: meter.name, battery: meter.assets?.battery ?? battery },
        summary: `${meter.name} has a ${capacityKwh} kWh battery (${battery.powerKw} kW, ${Math.round(battery.roundTripEfficiency * 100)}% round trip) for the planner`,
      };
    },
  }),
  implement("set_deferrable_load", {
    async run(context, { meterId, name, energyKwh, powerKw, fromHour, toHour }) {
      const load = {
        name,
        energyKwh,
        powerKw: powerKw ?? (CAR_WORDS.test(name) ? 7 : 2),
        fromHour: fromHour ?? (toHour + 12) % 24,
        toHour,
      };
      let replaced = false;
      const meter = await changeAssets(context, meterId, (assets) => {
        const others = (assets.deferrableLoads ?? []).filter((l) => l.name.toLowerCase() !== name.toLowerCase());
        replaced = others.length !== (assets.deferrableLoads ?? []).length;
        return { ...assets, deferrableLoads: [...others, load] };
      });
      const hour = (h: number) => `${String(h % 24).padStart(2, "0")}:00`;
      return {
        result: { meterId: meter.id, name: meter.name, load, replaced, deferrableLoads: meter.assets?.deferrableLoads ?? [] },
        summary: `${replaced ? "Updated" : "Added"} "${name}" on ${meter.name}: ${energyKwh} kWh at ${load.powerKw} kW between ${hour(load.fromHour)} and ${hour(load.toHour)}`,
      };
    },
  }),
  implement("set_tariff", {
    async run(context, { meterId, tariff }) {
      // The PATCH route's operation: a missing or another user's tariffId is a 404 there.
      const meter = await updateMeter(context, meterId, { tariff });
      // The currency as costs will use it (the one place that decides which tariff applies).
      const { currency } = await meterTariff(context.db, context.homeId, await requireMeter(context.db, context.homeId, meter.id));
      const importedName =
        tariff.kind === "imported" ? (await listTariffs(context)).tariffs.find((t) => t.id === tariff.tariffId)?.name : undefined;
      return {
        result: { meterId: meter.id, name: meter.name, tariff: meter.tariff },
        summary: `${meter.name} now pays ${describeTariff(tariff, currency, importedName)}`,
      };
    },
  }),
] as const;

import { HORIZON_HOURS, localCalendar } from "../../ml/runtime/features";
import type { DeferrableLoad, Tariff } from "../../ml/runtime/planner";
import type { FlexibleAssets, TariffSetting } from "../meters/energy-contract";

const HOUR = 3_600_000;
/** Used when the meter has no tariff: the Low Carbon London trial's flat standard price. */
export const DEFAULT_TARIFF = { kind: "flat", price: 0.14228, currency: "GBP" } as const;

/** The meter's tariff setting as the planner takes it (time-of-use periods are in the meter's local time). */
export function plannerTariff(setting: Exclude<TariffSetting, { kind: "imported" }>, timeZone: string): Tariff {
  return setting.kind === "tou" ? { ...setting, timeZone } : setting;
}

/** Local-hour windows ("18 to 7") become the first matching run of hours in the horizon. */
export function deferrableLoads(assets: FlexibleAssets, start: number, timeZone: string): DeferrableLoad[] {
  const loads: DeferrableLoad[] = [];
  for (const load of assets.deferrableLoads ?? []) {
    const inWindow = (h: number) => {
      const local = localCalendar(start + h * HOUR, timeZone).hour;
      const to = load.toHour % 24;
      return load.fromHour < to ? local >= load.fromHour && local < to : local >= load.fromHour || local < to;
    };
    let earliest = 0;
    while (earliest < HORIZON_HOURS && !inWindow(earliest)) earliest++;
    let latest = earliest;
    while (latest < HORIZON_HOURS && inWindow(latest)) latest++;
    if (latest === earliest) continue;
    // A window that the horizon cuts short still gets as much of the energy as fits.
    const energyKwh = Math.min(load.energyKwh, load.powerKw * (latest - earliest));
    loads.push({ id: load.name, energyKwh, powerKw: load.powerKw, earliest, latest });
  }
  return loads;
}

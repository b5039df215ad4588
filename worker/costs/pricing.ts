import { londonDynamic2013, priceAt, type Tariff } from "../../ml/runtime/planner";
import type { Database } from "../db/client";
import type { TariffSetting } from "../meters/energy-contract";
import type { MeterRow } from "../meters/queries";
import { getMeter } from "../meters/queries";
import { ZoneOffsets } from "../rollups/planner";
import { DEFAULT_TARIFF, plannerTariff } from "../runs/planner-inputs";
import { getTariffPrices } from "../tariffs/queries";
import { NO_TARIFF_NOTE } from "./money-contract";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The tariff a meter pays, ready to price energy: the one place that decides which tariff applies. */
export interface MeterTariff {
  /**
   * The planner's form; an imported series is a `slots` tariff with no price outside its span.
   * Null when the meter has no tariff: its costs are unknown (NO_TARIFF_NOTE), never priced at a
   * made-up default.
   */
  tariff: Tariff | null;
  /** Without a tariff, the currency the planner's assumed price is in (no cost is stated in it). */
  currency: string;
  /** 0 when the tariff has none. */
  standingChargePerDay: number;
  /** Whose tariff it is: the meter's own, its site's (a device without its own), or none at all. */
  source: "meter" | "site" | "none";
}

/**
 * The tariff that applies to a meter: its own, else (for a device meter) its site's, in the
 * site's currency, else none. An imported tariff that is gone counts as none.
 */
export async function meterTariff(db: Database, ownerId: string, meter: MeterRow): Promise<MeterTariff> {
  return (await meterTariffs(db, ownerId, [meter])).get(meter.id)!;
}

/**
 * meterTariff for several meters of one owner (a site and its devices): each site row and each
 * distinct tariff setting is read once, so a site's imported price series is not fetched again
 * for every device that inherits it.
 */
export async function meterTariffs(db: Database, ownerId: string, meters: MeterRow[]): Promise<Map<string, MeterTariff>> {
  const rows = new Map<string, MeterRow | undefined>(meters.map((m) => [m.id, m]));
  const settings = new Map<string, Promise<Omit<MeterTariff, "source"> | null>>();
  const resolve = (setting: TariffSetting, timeZone: string) => {
    const key = `${JSON.stringify(setting)} ${timeZone}`;
    if (!settings.has(key)) settings.set(key, resolveSetting(db, ownerId, setting, timeZone));
    return settings.get(key)!;
  };
  const tariffs = new Map<string, MeterTariff>();
  for (const meter of meters) {
    const own = meter.tariff ? await resolve(meter.tariff, meter.timezone) : null;
    if (own) {
      tariffs.set(meter.id, { ...own, source: "meter" });
      continue;
    }
    if (meter.parentId) {
      if (!rows.has(meter.parentId)) rows.set(meter.parentId, await getMeter(db, ownerId, meter.parentId));
      const site = rows.get(meter.parentId);
      // A time-of-use tariff is in the local time of the meter that holds it: the site's.
      const inherited = site?.tariff ? await resolve(site.tariff, site.timezone) : null;
      if (inherited) {
        tariffs.set(meter.id, { ...inherited, source: "site" });
        continue;
      }
    }
    tariffs.set(meter.id, { tariff: null, currency: DEFAULT_TARIFF.currency, standingChargePerDay: 0, source: "none" });
  }
  return tariffs;
}

async function resolveSetting(
  db: Database,
  ownerId: string,
  setting: TariffSetting,
  timeZone: string,
): Promise<Omit<MeterTariff, "source"> | null> {
  if (setting.kind === "imported") {
    const imported = await getTariffPrices(db, ownerId, setting.tariffId);
    if (!imported) return null;
    return {
      tariff: {
        kind: "slots",
        start: imported.startsAt.getTime(),
        slotMinutes: imported.slotMinutes,
        prices: imported.prices,
        currency: imported.currency,
      },
      currency: imported.currency,
      standingChargePerDay: imported.standingChargePerDay ?? 0,
    };
  }
  const currency = setting.kind === "preset" ? "GBP" : (setting.currency ?? DEFAULT_TARIFF.currency);
  return { tariff: plannerTariff(setting, timeZone), currency, standingChargePerDay: setting.standingChargePerDay ?? 0 };
}

/**
 * Prices over [from, to) on a regular grid: `prices[i]` applies to [origin + i * slotMs,
 * origin + (i + 1) * slotMs); NaN where the tariff has no price (outside an imported series).
 * The grid is as fine as the tariff's own boundaries (its slots, or the gcd of its time-of-use
 * boundaries), so prices change where the tariff changes them, not at bucket edges.
 */
export interface PriceGrid {
  origin: number;
  slotMs: number;
  prices: number[];
  /** Every price is missing because the meter has no tariff (not a gap in an imported series). */
  noTariff?: true;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function priceGrid(tariff: Tariff | null, from: number, to: number): PriceGrid {
  if (!tariff) return { origin: from, slotMs: Math.max(1, to - from), prices: [Number.NaN], noTariff: true };
  switch (tariff.kind) {
    case "flat":
      return { origin: from, slotMs: Math.max(1, to - from), prices: [tariff.price] };
    case "preset":
      return priceGrid(londonDynamic2013(), from, to);
    case "slots": {
      const start = typeof tariff.start === "number" ? tariff.start : Date.parse(tariff.start);
      const slotMs = tariff.slotMinutes * MINUTE;
      const first = Math.floor((from - start) / slotMs);
      const count = Math.max(1, Math.ceil((to - start) / slotMs) - first);
      const prices = Array.from({ length: count }, (_, i) => {
        const index = first + i;
        if (index >= 0 && index < tariff.prices.length) return tariff.prices[index];
        return tariff.repeatYearly ? priceAt(tariff, start + index * slotMs) : Number.NaN;
      });
      return { origin: start + first * slotMs, slotMs, prices };
    }
    case "tou": {
      const timeZone = tariff.timeZone ?? "UTC";
      // Boundaries are local HH:MM; zone offsets are whole quarter hours, so a step of the gcd of
      // the boundaries' minutes and 15 meets every boundary.
      const step = tariff.periods.flatMap((p) => [p.from, p.to]).reduce((g, hhmm) => gcd(g, minutesOfDay(hhmm)), 15) || 15;
      const slotMs = step * MINUTE;
      const origin = Math.floor(from / slotMs) * slotMs;
      const count = Math.max(1, Math.ceil((to - origin) / slotMs));
      const prices = new Array<number>(count);
      // The price of each slot of a local week, once (the price depends only on the local weekday and
      // time): 1970-01-05, day 4 of the epoch, was a Monday.
      const localPrice = touPricing(tariff);
      const slotsPerWeek = (7 * DAY) / slotMs;
      const week = Array.from({ length: slotsPerWeek }, (_, j) => localPrice(4 * DAY + j * slotMs));
      const mondayIndex = (4 * DAY) / slotMs;
      // The zone's offsets as the series planner reads them: a few Intl calls per year, kept per
      // zone in the isolate (an Intl call per day made a year's grid cost ~200 ms in a fresh isolate).
      const offsets = ZoneOffsets.of(timeZone, origin, origin + count * slotMs);
      // Between two offset changes a slot is the next slot of the local week: one lookup each.
      for (let i = 0; i < count; ) {
        const start = origin + i * slotMs;
        const sameOffsetUntil = Math.min(count, Math.ceil((offsets.nextChange(start) - origin) / slotMs));
        let j = (((Math.floor(offsets.local(start) / slotMs) - mondayIndex) % slotsPerWeek) + slotsPerWeek) % slotsPerWeek;
        for (; i < sameOffsetUntil; i++) {
          prices[i] = week[j];
          j = j + 1 === slotsPerWeek ? 0 : j + 1;
        }
      }
      return { origin, slotMs, prices };
    }
  }
}

/** Names the span without prices inside [lo, hi): "no price from … to …", or that there is no tariff at all. */
export function missingPriceNote(grid: PriceGrid, lo: number, hi: number): string {
  if (grid.noTariff) return NO_TARIFF_NOTE;
  let first: number | null = null;
  let last: number | null = null;
  grid.prices.forEach((price, i) => {
    const start = grid.origin + i * grid.slotMs;
    const end = start + grid.slotMs;
    if (!Number.isNaN(price) || end <= lo || start >= hi) return;
    first ??= Math.max(start, lo);
    last = Math.min(end, hi);
  });
  // A span outside the grid itself has no price either.
  first ??= lo;
  last ??= hi;
  return `no price from ${new Date(first).toISOString()} to ${new Date(last).toISOString()}`;
}

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/**
 * The time-of-use price at a local wall-clock time, given as ms since the epoch of a clock that
 * reads local time as if it were UTC. Boundaries are parsed once, not per slot.
 */
function touPricing(tariff: Extract<Tariff, { kind: "tou" }>): (localMs: number) => number {
  const periods = tariff.periods.map((p) => ({ a: minutesOfDay(p.from), b: minutesOfDay(p.to), days: p.days, price: p.price }));
  return (localMs) => {
    const minute = Math.floor((((localMs % DAY) + DAY) % DAY) / MINUTE);
    // 1970-01-01 was a Thursday: Monday = 0.
    const day = (Math.floor(localMs / DAY) + 3) % 7;
    for (const { a, b, days, price } of periods) {
      if (days && !days.includes(day)) continue;
      if (a <= b ? minute >= a && minute < b : minute >= a || minute < b) return price;
    }
    return tariff.defaultPrice;
  };
}

/**
 * The week ahead in a report, estimated from history: the model forecasts one day ahead, so a week
 * is each day's same weekday over the weeks before, averaged (the weeks with readings that day).
 * Labelled as such on the report page; the model's own 24 hours are beside it.
 */
import { meterTariff, priceGrid } from "../costs/pricing";
import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { wholeEnergies } from "../rollups/read";
import { shiftCalendar } from "../series/windows";
import type { ReportOutlook } from "./contract";

/** How many weeks back each weekday is averaged over. */
export const OUTLOOK_WEEKS = 4;
const DAYS = 7;

/** The 7 local days from `from` (a local midnight), each the average of its weekday over the OUTLOOK_WEEKS weeks before; null without any. */
export async function weekOutlook(db: Database, meter: MeterRow, from: Date): Promise<ReportOutlook | null> {
  const zone = meter.timezone;
  const dayStart = (offset: number) => shiftCalendar(from, { days: offset }, zone);
  // The OUTLOOK_WEEKS * 7 days before `from`, oldest first: one statement reads them all.
  const history = Array.from({ length: OUTLOOK_WEEKS * DAYS }, (_, i) => ({
    from: dayStart(i - OUTLOOK_WEEKS * DAYS),
    to: dayStart(i - OUTLOOK_WEEKS * DAYS + 1),
  }));
  const { tariff, currency } = await meterTariff(db, meter.ownerId, meter);
  const read = await wholeEnergies(db, meter, history, priceGrid(tariff, history[0].from.getTime(), from.getTime()));
  const days = Array.from({ length: DAYS }, (_, day) => {
    // Day `day` of the week ahead falls on the same weekday as history days day, day + 7, …
    const same = read.filter((whole, i) => i % DAYS === day && whole !== undefined).map((whole) => whole!);
    const average = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const costs = same.map((whole) => whole.cost);
    return {
      from: dayStart(day).toISOString(),
      weeks: same.length,
      energyKwh: same.length === 0 ? null : average(same.map((whole) => whole.energyWh)) / 1000,
      // A day without a price leaves that weekday's cost unknown rather than averaged over fewer weeks.
      cost: same.length === 0 || costs.some((cost) => cost === null) ? null : average(costs as number[]),
    };
  });
  if (days.every((day) => day.energyKwh === null)) return null;
  // A week total only when every day has one.
  const total = (values: (number | null)[]) => (values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b, 0));
  return {
    from: from.toISOString(),
    to: dayStart(DAYS).toISOString(),
    method: "same_weekday_average",
    weeks: OUTLOOK_WEEKS,
    days,
    energyKwh: total(days.map((day) => day.energyKwh)),
    cost: total(days.map((day) => day.cost)),
    currency,
  };
}

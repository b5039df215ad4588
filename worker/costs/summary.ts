import type { Actor } from "../actor";
import type { Database } from "../db/client";
import { notFound } from "../errors";
import { getMeter, listDevices, type MeterRow } from "../meters/queries";
import { wholeEnergies } from "../rollups/read";
import { calendarPeriod, daysBegun, PERIOD_STEP, shiftCalendar } from "../series/windows";
import type { MeterSummary, SummaryPeriod, SummaryQuery } from "./contract";
import { NO_TARIFF_NOTE } from "./money-contract";
import { type MeterTariff, meterTariffs, missingPriceNote, priceGrid } from "./pricing";

interface Figures {
  energyWh: number;
  covered: number;
  /** null when a price is missing (see note). */
  cost: number | null;
  note: string | null;
  peakW: number | null;
  peakAt: number | null;
}

const NOTHING: Figures = { energyWh: 0, covered: 0, cost: 0, note: null, peakW: null, peakAt: null };

/**
 * A meter's energy and cost over each window (in time order), and the highest power held: the
 * series' energy model with a bucket per window, from the rollups where they give it exactly, in
 * one statement.
 */
async function meterFigures(db: Database, meter: MeterRow, tariff: MeterTariff, windows: { from: Date; to: Date }[]): Promise<Figures[]> {
  const grid = priceGrid(tariff.tariff, windows[0].from.getTime(), Math.max(...windows.map((w) => w.to.getTime())));
  const wholes = await wholeEnergies(db, meter, windows, grid, true);
  return wholes.map((whole, i) => {
    // Without a tariff there is no cost even of nothing: "0" would be in a made-up currency.
    if (!whole) return tariff.tariff ? NOTHING : { ...NOTHING, cost: null, note: NO_TARIFF_NOTE };
    const { from, to } = windows[i];
    return {
      energyWh: whole.energyWh,
      covered: whole.covered,
      cost: whole.cost,
      note: whole.cost === null ? missingPriceNote(grid, from.getTime(), to.getTime()) : null,
      peakW: whole.peakW,
      peakAt: whole.peakAt,
    };
  });
}

const kwh = (wh: number) => Number((wh / 1000).toFixed(4));
const money = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));
const percentChange = (now: number, before: number) => Number((((now - before) / Math.abs(before)) * 100).toFixed(1));

/**
 * What a meter used and cost over the calendar period around `at` (default: now), against the
 * period before: while a period is in progress, only its elapsed part counts, and the previous
 * period's same elapsed part (a calendar shift: month to date against the same days last month).
 * Takes the owner rather than an actor because public shares summarise their owner's meters too.
 */
export async function summarizeMeter(
  db: Database,
  ownerId: string,
  meterId: string,
  kind: SummaryPeriod,
  at: Date,
  now: Date,
): Promise<MeterSummary> {
  // The devices are read beside the meter (both filtered by the owner): one round trip, not two.
  const [meter, devices] = await Promise.all([getMeter(db, ownerId, meterId), listDevices(db, ownerId, meterId)]);
  if (!meter) throw notFound("Meter");
  const zone = meter.timezone;
  const period = calendarPeriod(kind, at, zone);
  const end = now < period.to ? now : period.to;
  const previous = calendarPeriod(kind, new Date(period.from.getTime() - 1), zone);
  const back = Object.fromEntries(Object.entries(PERIOD_STEP[kind]).map(([unit, n]) => [unit, -n]));
  // In progress: the same elapsed part of the previous period (nothing of it for a period not begun).
  const sameElapsed = Math.min(previous.to.getTime(), Math.max(previous.from.getTime(), shiftCalendar(now, back, zone).getTime()));
  const previousEnd = now < period.to ? new Date(sameElapsed) : previous.to;

  const tariffs = await meterTariffs(db, ownerId, [meter, ...devices]);
  const tariff = tariffs.get(meter.id)!;
  // Independent reads: over SQL-over-HTTP each is its own request, so they run side by side.
  const [[before, site], ...deviceFigures] = await Promise.all([
    meterFigures(db, meter, tariff, [
      { from: previous.from, to: previousEnd },
      { from: period.from, to: end },
    ]),
    ...devices.map((device) => meterFigures(db, device, tariffs.get(device.id)!, [{ from: period.from, to: end }])),
  ]);
  const byDevice = devices.map((device, i) => ({ device, figures: deviceFigures[i][0] }));

  let changePct: number | null = null;
  if (site.cost !== null && before.cost !== null && before.cost !== 0) changePct = percentChange(site.cost, before.cost);
  else if (before.energyWh !== 0) changePct = percentChange(site.energyWh, before.energyWh);
  const devicesCost = byDevice.some((d) => d.figures.cost === null) ? null : byDevice.reduce((sum, d) => sum + (d.figures.cost ?? 0), 0);
  return {
    meterId: meter.id,
    name: meter.name,
    timezone: zone,
    period: { kind, from: period.from.toISOString(), to: period.to.toISOString() },
    energyKwh: kwh(site.energyWh),
    covered: Number(site.covered.toFixed(4)),
    cost: money(site.cost),
    currency: tariff.currency,
    costNote: site.note,
    standingCharge: money(daysBegun(period.from, end, zone) * tariff.standingChargePerDay) ?? 0,
    peakKw: site.peakW === null ? null : Number((site.peakW / 1000).toFixed(3)),
    peakAt: site.peakAt === null ? null : new Date(site.peakAt).toISOString(),
    previous: {
      from: previous.from.toISOString(),
      to: previousEnd.toISOString(),
      energyKwh: kwh(before.energyWh),
      cost: money(before.cost),
    },
    changePct,
    byDevice: byDevice.map(({ device, figures }) => ({
      meterId: device.id,
      name: device.name,
      energyKwh: kwh(figures.energyWh),
      cost: money(figures.cost),
      // Share of the site's energy; a device reading more than its site is capped at all of it.
      share: site.energyWh > 0 ? Number(Math.min(1, Math.max(0, figures.energyWh / site.energyWh)).toFixed(4)) : null,
    })),
    untracked:
      devices.length === 0
        ? null
        : {
            energyKwh: kwh(site.energyWh - byDevice.reduce((sum, d) => sum + d.figures.energyWh, 0)),
            cost: site.cost === null || devicesCost === null ? null : money(site.cost - devicesCost),
          },
  };
}

/** What a meter used and cost over a calendar period (see MeterSummary). */
export function meterSummary(actor: Actor, meterId: string, query: SummaryQuery, now = new Date()): Promise<MeterSummary> {
  return summarizeMeter(actor.db, actor.homeId, meterId, query.period, query.at ? new Date(query.at) : now, now);
}

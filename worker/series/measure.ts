import type { Actor } from "../actor";
import { formatEnergy, formatMoney, NO_TARIFF_NOTE } from "../costs/money-contract";
import { meterTariff, missingPriceNote, priceGrid } from "../costs/pricing";
import type { MeterRow } from "../meters/queries";
import { meterByIdOrName } from "../meters/service";
import { seriesPoints, wholeEnergy } from "../rollups/read";
import { planBuckets } from "./buckets";
import { type CalendarPeriod, calendarPeriod } from "./windows";

export type Quantity = "energy" | "cost" | "peak" | "average" | "minimum";

export interface MeasureQuestion {
  meter: string;
  quantity: Quantity;
  from: string;
  to: string;
  label?: string;
  compare?: { from: string; to: string; label?: string };
}

interface Figure {
  value: number | null;
  /** When the peak or the minimum was (ISO), for those quantities. */
  at?: string | null;
  note?: string;
}

export interface Measurement {
  meterId: string;
  name: string;
  quantity: Quantity;
  /** kWh, kW, or the tariff's currency code for cost. */
  unit: string;
  value: number | null;
  at?: string | null;
  from: string;
  to: string;
  label: string;
  note?: string;
  compare?: { value: number | null; at?: string | null; from: string; to: string; label: string; changePct: number | null; note?: string };
}

const HOUR = 3_600_000;
/** The finest buckets a minimum is looked for in (1,000 points: minutes for a day, hours for a month). */
const MINIMUM_POINTS = 1_000;

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Readings cover less than this share of the period: the answer says so. */
const PARTLY_COVERED = 0.98;

function coverageNote(covered: number): string | undefined {
  return covered < PARTLY_COVERED ? `readings cover ${Math.round(covered * 100)}% of the period` : undefined;
}

/**
 * One figure of a meter over [from, to), from the reads the series and the cost summaries use (the
 * rollups where they give it exactly): energy and cost are the energy model over one bucket
 * (integrated power, priced spans), the peak its highest power held, the average the energy over
 * the time covered, the minimum the lowest power reading (or, for a meter that reports only energy,
 * its lowest fully covered hour).
 */
async function figure(
  actor: Actor,
  meter: MeterRow,
  quantity: Quantity,
  from: Date,
  to: Date,
  pricing: { grid?: ReturnType<typeof priceGrid> },
): Promise<Figure> {
  const { db } = actor;
  if (quantity === "minimum") {
    const plan = planBuckets(from, to, MINIMUM_POINTS);
    const points = (plan ? await seriesPoints(db, meter, "power_w", from, to, plan) : []).filter(
      (p): p is typeof p & { min: number } => p.min !== null,
    );
    if (points.length > 0) {
      const lowest = points.reduce((a, b) => (b.min < a.min ? b : a));
      return { value: round(lowest.min / 1000, 3), at: lowest.t };
    }
    const hourly = planBuckets(from, to, Math.ceil((to.getTime() - from.getTime()) / HOUR) + 1, "1h");
    const hours = (hourly ? await seriesPoints(db, meter, "energy_wh", from, to, hourly) : [])
      .filter((h) => (h.covered ?? 0) >= 0.999)
      .map((h) => {
        // An hour bucket's part of the window (the first and last may be cut by it).
        const lo = Math.max(Date.parse(h.t), from.getTime());
        const hi = Math.min(Date.parse(h.t) + HOUR, to.getTime());
        return { lo, kw: (h.sum ?? 0) / ((hi - lo) / HOUR) / 1000 };
      });
    if (hours.length === 0) return { value: null, at: null };
    const lowest = hours.reduce((a, b) => (b.kw < a.kw ? b : a));
    return {
      value: round(lowest.kw, 3),
      at: new Date(lowest.lo).toISOString(),
      note: "that is the lowest hourly average, as this meter reports energy only",
    };
  }
  const whole = await wholeEnergy(db, meter, from, to, pricing.grid, quantity === "peak");
  if (!whole) return { value: null, ...(quantity === "peak" ? { at: null } : {}) };
  const note = coverageNote(whole.covered);
  switch (quantity) {
    case "energy":
      return { value: round(whole.energyWh / 1000, 4), note };
    case "cost":
      if (whole.cost === null) return { value: null, note: missingPriceNote(pricing.grid!, from.getTime(), to.getTime()) };
      return { value: round(whole.cost, 4), note };
    case "peak":
      return {
        value: whole.peakW === null ? null : round(whole.peakW / 1000, 3),
        at: whole.peakAt === null ? null : new Date(whole.peakAt).toISOString(),
        note,
      };
    case "average": {
      const hours = (whole.covered * (to.getTime() - from.getTime())) / HOUR;
      return { value: hours > 0 ? round(whole.energyWh / 1000 / hours, 3) : null, note };
    }
  }
}

const changePct = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : round(((now - before) / Math.abs(before)) * 100, 1);

function localFormat(zone: string, options: Intl.DateTimeFormatOptions) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options });
}

/** "2 Mar 2026" for local midnights, "2 Mar 2026, 14:30" otherwise: how an unnamed period is said. */
function sayInstant(instant: Date, zone: string): string {
  const clock = localFormat(zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(instant);
  const date = localFormat(zone, { day: "numeric", month: "short", year: "numeric" }).format(instant);
  return clock === "00:00" ? date : `${date}, ${clock}`;
}

function defaultLabel(from: Date, to: Date, zone: string): string {
  return `between ${sayInstant(from, zone)} and ${sayInstant(to, zone)}`;
}

const DAY = 24 * HOUR;

/**
 * How an unnamed comparison period relates to the main one: "the day before", "the week before",
 * "the same time a week earlier", "the same time a year earlier", else its dates.
 */
function defaultCompareLabel(main: { from: Date; to: Date }, other: { from: Date; to: Date }, zone: string): string {
  const length = main.to.getTime() - main.from.getTime();
  const otherLength = other.to.getTime() - other.from.getTime();
  const shift = main.from.getTime() - other.from.getTime();
  // Lengths compared within an hour, for days and weeks across a clock change.
  const near = (a: number, b: number) => Math.abs(a - b) <= HOUR;
  // Whole calendar months or years, one right after the other.
  if (other.to.getTime() === main.from.getTime()) {
    const whole = (kind: CalendarPeriod, p: { from: Date; to: Date }) => {
      const calendar = calendarPeriod(kind, p.from, zone);
      return calendar.from.getTime() === p.from.getTime() && calendar.to.getTime() === p.to.getTime();
    };
    for (const kind of ["month", "year"] as const) if (whole(kind, main) && whole(kind, other)) return `the ${kind} before`;
  }
  if (near(length, otherLength)) {
    if (near(shift, length) && other.to.getTime() === main.from.getTime()) {
      if (near(length, DAY)) return "the day before";
      if (near(length, 7 * DAY)) return "the week before";
      return "the period before";
    }
    if (near(shift, 7 * DAY)) return "the same time a week earlier";
    if (near(shift, 365 * DAY) || near(shift, 366 * DAY)) return "the same time a year earlier";
  }
  return defaultLabel(other.from, other.to, zone);
}

/** A label as it reads after a verb: "yesterday", "last week", "in March 2026", "on 14 March". */
function asPhrase(label: string): string {
  if (
    /^(yesterday|today|tonight|this|last|next|past|the|since|between|from|over|on|in|during|so far|until|before|after|a |an )/i.test(label)
  )
    return label;
  if (/^(\d{1,2}(st|nd|rd|th)? [a-z]|mon|tue|wed|thu|fri|sat|sun|\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2})/i.test(label)) return `on ${label}`;
  return `in ${label}`;
}

function sayKw(kw: number): string {
  return `${kw.toLocaleString("en-GB", { maximumFractionDigits: Math.abs(kw) < 10 ? 2 : 1 })} kW`;
}

/** When a peak or minimum happened: "Tue 18:30" within a week, "3 Mar 18:30" beyond. */
function sayWhen(at: string, zone: string, spanMs: number): string {
  const options: Intl.DateTimeFormatOptions =
    spanMs <= 7 * 24 * HOUR
      ? { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return localFormat(zone, options).format(new Date(at)).replace(",", "");
}

function sayValue(quantity: Quantity, value: number, unit: string): string {
  if (quantity === "energy") return formatEnergy(value);
  if (quantity === "cost") return formatMoney(value, unit);
  return sayKw(value);
}

/** The sentence a person reads: the number with its unit and period, then the comparison. */
export function describeMeasurement(m: Measurement, zone: string): string {
  const period = asPhrase(m.label);
  const spanMs = Date.parse(m.to) - Date.parse(m.from);
  let sentence: string;
  if (m.value === null) {
    sentence =
      m.quantity === "cost" && (m.note?.startsWith("no price") || m.note === NO_TARIFF_NOTE)
        ? `The cost of ${m.name} ${period} is unknown: ${m.note}`
        : `${m.name} has no readings ${period}`;
  } else {
    const said = sayValue(m.quantity, m.value, m.unit);
    const when = m.at ? ` on ${sayWhen(m.at, zone, spanMs)}` : "";
    switch (m.quantity) {
      case "energy":
        sentence = `${m.name} used ${said} ${period}`;
        break;
      case "cost":
        sentence = `${m.name} cost ${said} ${period}`;
        break;
      case "peak":
        sentence = `Peak of ${m.name} ${period}: ${said}${when}`;
        break;
      case "average":
        sentence = `Average power of ${m.name} ${period}: ${said}`;
        break;
      case "minimum":
        sentence = `Minimum power of ${m.name} ${period}: ${said}${when}`;
        break;
    }
  }
  if (m.compare) {
    const c = m.compare;
    const other = c.value === null ? "no readings" : sayValue(m.quantity, c.value, m.unit);
    const [up, down] = m.quantity === "energy" || m.quantity === "cost" ? ["more", "less"] : ["higher", "lower"];
    if (m.value !== null && c.changePct !== null) {
      const pct = Math.round(Math.abs(c.changePct));
      const change = pct === 0 ? "about the same as" : `${pct}% ${c.changePct > 0 ? up : down} than`;
      sentence += `, ${change} ${c.label.startsWith("between ") ? `the period ${c.label}` : c.label} (${other})`;
    } else sentence += `; ${c.label}: ${other}`;
  }
  // Notes as sentences after the answer, each said once.
  const notes: string[] = [];
  if (m.note && m.value !== null) notes.push(m.note);
  if (m.compare?.note && m.compare.note !== m.note) notes.push(`${m.compare.label}: ${m.compare.note}`);
  const said = notes.map((n) => `${n[0].toUpperCase()}${n.slice(1)}.`);
  return [`${sentence}.`, ...said].join(" ");
}

/**
 * One number about a meter over a period, and optionally the same number over another period:
 * the `measure` chat tool. The meter is the person's, by id or name (another user's reads as missing).
 */
export async function measure(actor: Actor, question: MeasureQuestion): Promise<{ result: Measurement; summary: string }> {
  const meter = await meterByIdOrName(actor, question.meter);
  const zone = meter.timezone;
  const tariff = question.quantity === "cost" ? await meterTariff(actor.db, actor.homeId, meter) : undefined;
  const unit = tariff ? tariff.currency : question.quantity === "energy" ? "kWh" : "kW";
  const read = (from: Date, to: Date) =>
    figure(actor, meter, question.quantity, from, to, {
      grid: tariff ? priceGrid(tariff.tariff, from.getTime(), to.getTime()) : undefined,
    });

  const from = new Date(question.from);
  const to = new Date(question.to);
  const main = await read(from, to);
  const result: Measurement = {
    meterId: meter.id,
    name: meter.name,
    quantity: question.quantity,
    unit,
    value: main.value,
    ...(main.at !== undefined ? { at: main.at } : {}),
    from: from.toISOString(),
    to: to.toISOString(),
    label: question.label ?? defaultLabel(from, to, zone),
    ...(main.note ? { note: main.note } : {}),
  };
  if (question.compare) {
    const cFrom = new Date(question.compare.from);
    const cTo = new Date(question.compare.to);
    const other = await read(cFrom, cTo);
    result.compare = {
      value: other.value,
      ...(other.at !== undefined ? { at: other.at } : {}),
      from: cFrom.toISOString(),
      to: cTo.toISOString(),
      label: question.compare.label ?? defaultCompareLabel({ from, to }, { from: cFrom, to: cTo }, zone),
      changePct: changePct(main.value, other.value),
      ...(other.note ? { note: other.note } : {}),
    };
  }
  return { result, summary: describeMeasurement(result, zone) };
}

import { Currency } from "../meters/energy-contract";
import { parseTimestamp, splitCsvLine, type ZoneClock, zoneClock } from "../readings/csv-formats";
import type { PriceUnit } from "./contract";

/**
 * The price files a tariff is made from, detected from the header line, checked whole: the
 * result is one price per slot of equal length with no gap, or the first line that is wrong and
 * why (nothing is stored then). Pure, so the rules are tested in Node (tests/node/price-csv.test.ts).
 *
 * Formats, as their exports write them:
 * - generic `timestamp,price_per_kwh`: the start of each slot with its offset (Z or +01:00); a slot
 *   lasts until the next timestamp, the last one as long as the others; unit from ?unit= (per kWh).
 * - Octopus Agile from agile.octopushome.net: `Period from,Period to,Agile Import price (p/kWh),…`,
 *   day-first UK wall-clock times (dd/mm/yyyy HH:MM), pence per kWh.
 * - Octopus API unit rates saved as CSV: `value_exc_vat,value_inc_vat,valid_from,valid_to` (any
 *   order), UTC times, pence per kWh inc. VAT, newest first as the API lists them.
 * - Nord Pool data portal: `Delivery Start (CET);Delivery End (CET);SE3 (EUR)`, semicolons,
 *   dd.mm.yyyy HH:MM:SS in Central European wall-clock time, one area's price per MWh.
 * - ENTSO-E transparency platform day-ahead prices: `"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]",…`
 *   (newer exports: `Day-ahead Price (EUR/MWh)`, an Area and a Sequence column), each row an interval
 *   "01.01.2023 00:00 - 01.01.2023 01:00" in Central European wall-clock time, sometimes followed by
 *   "(CET)" or "(CEST)"; "n/e" or "-" where no price is published.
 * In an hour that repeats when clocks go back, file order decides (the first 02:00 is summer time).
 * Rows without a price at the end of a file (a year's export before the year is over) are left out;
 * one in the middle is a gap.
 */

export type PriceFormat = "generic" | "octopus_agile" | "octopus_api" | "nord_pool" | "entsoe";

export interface ParsedPrices {
  format: PriceFormat;
  /** Start of the first slot (ms since the epoch). */
  startsAt: number;
  slotMinutes: number;
  /** Per kWh in `currency`, one per slot. */
  prices: number[];
  /** The currency the file states, or null when it states none. */
  currency: string | null;
}

export class PriceCsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The range a tariff's price may take, per kWh, after converting the file's unit. */
export const MIN_PRICE_PER_KWH = -10;
export const MAX_PRICE_PER_KWH = 100;
/** A year of 5-minute slots fits. */
export const MAX_SLOTS = 110_000;

const CENTRAL_EUROPE = "Europe/Brussels";
const UK = "Europe/London";
const MINUTE = 60_000;

interface Layout {
  format: PriceFormat;
  separator: "," | ";";
  start: number;
  /** The column with the slot's end; the start column itself when it holds an interval "start - end". */
  end?: number;
  price: number;
  currencyColumn?: number;
  /** Stated by the file; null: the caller's ?unit= decides. */
  unit: PriceUnit | null;
  currency: string | null;
  /** A time cell as a clock reading (ms as if UTC), or a string saying what is wrong. */
  read: (text: string) => number | string;
  /** The zone of the clock readings; null when they are instants already (UTC or with an offset). */
  zone: string | null;
}

export interface PriceCsvOptions {
  /** The unit the person says the prices are in; must agree with a unit the file states. */
  unit?: PriceUnit;
  currency?: string;
}

/** A price file's slots and prices, or a PriceCsvError naming the first bad line. */
export function parsePriceCsv(text: string, options: PriceCsvOptions = {}): ParsedPrices {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const headerLine = (lines[0] ?? "").replace(/\r$/, "");
  if (headerLine.trim() === "")
    throw new PriceCsvError(1, "The file is empty: its first line must be a header such as timestamp,price_per_kwh");
  const layout = detectLayout(headerLine);
  const unit = agreedUnit(layout, options.unit);
  const currency = layout.currency ?? null;
  if (currency && options.currency && options.currency !== currency)
    throw new PriceCsvError(
      1,
      `The file's prices are in ${currency}, not ${options.currency}: leave currency out or set it to ${currency}`,
    );
  if (layout.format === "nord_pool" && !currency && !options.currency)
    throw new PriceCsvError(1, "The price column does not name its currency (as in SE3 (EUR)): give the currency");
  const perKwh = unitFactor(unit, currency ?? options.currency ?? "GBP");

  const readSlot = slotReader(layout);
  const slots: Slot[] = [];
  let missing: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line.trim() === "") continue;
    const number = i + 1;
    const cells = fields(line, layout.separator);
    const slot = readSlot(cells);
    if (typeof slot === "string") throw new PriceCsvError(number, slot);
    if (layout.currencyColumn !== undefined && currency) {
      const stated = (cells[layout.currencyColumn] ?? "").trim().toUpperCase();
      if (stated !== "" && stated !== currency) {
        const known = Currency.safeParse(stated).success;
        throw new PriceCsvError(
          number,
          known ? `currency ${stated} differs from the header's ${currency}` : `unknown currency "${stated.slice(0, 10)}"`,
        );
      }
    }
    const priceText = (cells[layout.price] ?? "").trim();
    if (NO_PRICE.has(priceText.toLowerCase())) {
      missing ??= number;
      continue;
    }
    if (missing !== undefined)
      throw new PriceCsvError(missing, "no price for this slot: a gap (only the last rows of a file may lack a price)");
    const value = parseNumber(priceText, layout.separator);
    if (value === undefined) throw new PriceCsvError(number, `price "${priceText.slice(0, 40)}" is not a number`);
    // Converted units carry float noise (22.26 / 100 = 0.22260000000000002): a nano-unit is plenty.
    const price = Math.round(value * perKwh * 1e9) / 1e9;
    if (price < MIN_PRICE_PER_KWH || price > MAX_PRICE_PER_KWH)
      throw new PriceCsvError(
        number,
        `price ${roundForMessage(price)} per kWh${unit === "per_kwh" ? "" : ` (${priceText} ${UNIT_LABELS[unit]})`} is outside ${MIN_PRICE_PER_KWH} to ${MAX_PRICE_PER_KWH} per kWh`,
      );
    if (slots.length >= MAX_SLOTS) throw new PriceCsvError(number, `more than ${MAX_SLOTS} slots: split the file`);
    slots.push({ ...slot, price, line: number });
  }
  if (slots.length === 0) throw new PriceCsvError(Math.min(2, lines.length), "The file has a header but no prices");
  return { format: layout.format, ...checkedSlots(slots), currency };
}

interface Slot {
  start: number;
  ends?: number[];
  price: number;
  line: number;
}

const NO_PRICE = new Set(["", "-", "n/e", "n/a", "null"]);

const UNIT_LABELS: Record<PriceUnit, string> = {
  per_kwh: "per kWh",
  per_mwh: "per MWh",
  minor_per_kwh: "minor units (pence, cents) per kWh",
};

function agreedUnit(layout: Layout, asked: PriceUnit | undefined): PriceUnit {
  if (layout.unit && asked && asked !== layout.unit)
    throw new PriceCsvError(1, `This file states its prices ${UNIT_LABELS[layout.unit]}, not ${UNIT_LABELS[asked]}: leave unit out`);
  return layout.unit ?? asked ?? "per_kwh";
}

/** What one price in `unit` is per kWh of the currency's main unit (pence: 1/100 pound; yen have no minor unit). */
function unitFactor(unit: PriceUnit, currency: string): number {
  if (unit === "per_kwh") return 1;
  if (unit === "per_mwh") return 1 / 1000;
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return 1 / 10 ** digits;
}

const roundForMessage = (n: number) => Math.round(n * 10_000) / 10_000;

/** The slots in time order, each as long as the first, with no gap or overlap; else the line that breaks it. */
function checkedSlots(fileOrder: Slot[]): Omit<ParsedPrices, "format" | "currency"> {
  // The Octopus API lists rates newest first: a file wholly in reverse order is read backwards.
  const descending = fileOrder.length > 1 && fileOrder[1].start < fileOrder[0].start;
  const slots = descending ? [...fileOrder].reverse() : fileOrder;
  const [first, second] = slots;
  const step = second ? second.start - first.start : Number.NaN;
  const slotMs = first.ends ? (first.ends.includes(first.start + step) ? step : first.ends[0] - first.start) : step;
  if (Number.isNaN(slotMs))
    throw new PriceCsvError(first.line, "one row without an end time: give at least two slots so their length is known");
  if (!(slotMs > 0) || slotMs % MINUTE !== 0 || slotMs > 24 * 60 * MINUTE)
    throw new PriceCsvError(first.line, `a slot of ${slotMs / MINUTE} minutes: slots must be whole minutes, at most a day`);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    if (slot.ends && !slot.ends.includes(slot.start + slotMs))
      throw new PriceCsvError(
        slot.line,
        `the slot is ${(slot.ends[0] - slot.start) / MINUTE} minutes long, the first is ${slotMs / MINUTE}: slots must be of equal length`,
      );
    if (i === 0) continue;
    const previous = slots[i - 1];
    // The row that breaks the sequence is the later one in the file.
    const [earlier, later] = descending ? [slot, previous] : [previous, slot];
    const expected = previous.start + slotMs;
    if (slot.start === expected) continue;
    if (slot.start === previous.start)
      throw new PriceCsvError(later.line, `the same slot as line ${earlier.line} (${iso(slot.start)}): a duplicate`);
    if (slot.start < previous.start)
      throw new PriceCsvError(
        later.line,
        `${iso(later.start)} comes after ${iso(earlier.start)} on line ${earlier.line}: slots must be sorted by time`,
      );
    if (slot.start > expected) throw new PriceCsvError(later.line, `a gap: no price from ${iso(expected)} to ${iso(slot.start)}`);
    throw new PriceCsvError(
      later.line,
      slot.ends
        ? `overlaps the slot on line ${earlier.line}, which ends at ${iso(expected)}`
        : `${(slot.start - previous.start) / MINUTE} minutes after the previous slot, the others are ${slotMs / MINUTE}: slots must be of equal length`,
    );
  }
  return { startsAt: first.start, slotMinutes: slotMs / MINUTE, prices: slots.map((s) => s.price) };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(":00.000Z", "Z");

/**
 * A slot's start and the instants its end may be. The start of a wall-clock time is the reading's
 * first instant after the previous row's (file order settles the repeated autumn hour). An end is
 * only checked against the slot length, and its reading is ambiguous around a clock change (the
 * first "02:00 - 03:00" of an autumn night ends at 03:00 summer time, which the clock shows as
 * 02:00 winter time), so both the start's offset and the end's own are kept as candidates.
 */
type SlotReader = (cells: string[]) => { start: number; ends?: number[] } | string;

function slotReader(layout: Layout): SlotReader {
  const clock: ZoneClock | undefined = layout.zone ? zoneClock(layout.zone) : undefined;
  const zone = layout.zone;
  let previous = Number.NEGATIVE_INFINITY;
  const startOf = (text: string, fixedOffset?: number): { wall: number; at: number } | string => {
    const wall = layout.read(text);
    if (typeof wall === "string") return wall;
    const at = fixedOffset !== undefined ? wall - fixedOffset : clock ? clock.toInstant(wall, previous) : wall;
    if (at === undefined) return `time "${text.slice(0, 40)}" does not exist in ${zone} (the clocks went forward)`;
    previous = at;
    return { wall, at };
  };
  const endsOf = (text: string, start: { wall: number; at: number }, fixedOffset?: number): number[] | string => {
    const wall = layout.read(text);
    if (typeof wall === "string") return wall;
    if (fixedOffset !== undefined) return [wall - fixedOffset];
    if (!clock) return [wall];
    const own = clock.toInstant(wall, start.at);
    return [...new Set([wall - (start.wall - start.at), ...(own === undefined ? [] : [own])])];
  };
  return (cells) => {
    const startText = (cells[layout.start] ?? "").trim();
    if (layout.end === layout.start) {
      // ENTSO-E: "01.01.2023 00:00 - 01.01.2023 01:00", perhaps followed by "(CET)", "(CEST)" or "(CET/CEST)".
      const match = /^(.+?)\s+-\s+(.+?)(?:\s*\(([A-Z/]+)\))?$/.exec(startText);
      if (!match)
        return startText === ""
          ? "no time interval"
          : `"${startText.slice(0, 60)}" is not an interval like 01.01.2023 00:00 - 01.01.2023 01:00`;
      const fixedOffset = match[3] === "CET" ? 60 * MINUTE : match[3] === "CEST" ? 120 * MINUTE : undefined;
      const start = startOf(match[1], zone ? fixedOffset : undefined);
      if (typeof start === "string") return start;
      const ends = endsOf(match[2], start, zone ? fixedOffset : undefined);
      return typeof ends === "string" ? ends : { start: start.at, ends };
    }
    const start = startOf(startText);
    if (typeof start === "string") return start;
    if (layout.end === undefined) return { start: start.at };
    const ends = endsOf((cells[layout.end] ?? "").trim(), start);
    return typeof ends === "string" ? ends : { start: start.at, ends };
  };
}

/** The header's columns, or a PriceCsvError listing the formats understood. */
function detectLayout(headerLine: string): Layout {
  const separator = headerLine.includes(";") && !headerLine.includes(",") ? ";" : ",";
  const names = fields(headerLine, separator).map((name) => name.trim().toLowerCase());
  const at = (name: string) => names.indexOf(name);

  if (names.length >= 2 && ["timestamp", "time", "datetime", "ts"].includes(names[0]) && ["price_per_kwh", "price"].includes(names[1]))
    return { format: "generic", separator, start: 0, price: 1, unit: null, currency: null, read: isoWithOffset, zone: null };

  if (names[0] === "period from" && names[1] === "period to" && names[2]?.startsWith("agile import price (p/kwh)"))
    return {
      format: "octopus_agile",
      separator,
      start: 0,
      end: 1,
      price: 2,
      unit: "minor_per_kwh",
      currency: "GBP",
      read: dayFirst,
      zone: UK,
    };

  if (at("value_inc_vat") >= 0 && at("valid_from") >= 0 && at("valid_to") >= 0)
    return {
      format: "octopus_api",
      separator,
      start: at("valid_from"),
      end: at("valid_to"),
      price: at("value_inc_vat"),
      unit: "minor_per_kwh",
      currency: "GBP",
      read: isoWithOffset,
      zone: null,
    };

  const nordPool = /^delivery start(?: \(([a-z/]+)\))?$/.exec(names[0] ?? "");
  if (nordPool && names[1]?.startsWith("delivery end")) {
    const prices = names.map((name, i) => ({ name, i })).filter(({ name, i }) => i >= 2 && name !== "");
    if (prices.length !== 1)
      throw new PriceCsvError(
        1,
        prices.length === 0
          ? "The file has no price column after Delivery Start and Delivery End"
          : `The file has ${prices.length} price columns: export one area`,
      );
    const currency = /\(([a-z]{3})\)/.exec(prices[0].name)?.[1]?.toUpperCase() ?? null;
    return {
      format: "nord_pool",
      separator,
      start: 0,
      end: 1,
      price: prices[0].i,
      unit: "per_mwh",
      currency: knownCurrency(currency),
      read: dayFirst,
      zone: zoneOf(nordPool[1]),
    };
  }

  const entsoe = /^(?:mtu|time)(?: \(([a-z/]+)\))?$/.exec(names[0] ?? "");
  const priceColumn = names.findIndex((name) => /^day-ahead price\s*[[(][a-z]{3}\/mwh[\])]$/.test(name));
  if (entsoe && priceColumn >= 0) {
    const currency = /[[(]([a-z]{3})\//.exec(names[priceColumn])?.[1]?.toUpperCase() ?? null;
    const currencyColumn = at("currency");
    return {
      format: "entsoe",
      separator,
      start: 0,
      end: 0,
      price: priceColumn,
      currencyColumn: currencyColumn >= 0 ? currencyColumn : undefined,
      unit: "per_mwh",
      currency: knownCurrency(currency),
      read: dayFirst,
      zone: zoneOf(entsoe[1]),
    };
  }

  const shown = headerLine.replace(/^\uFEFF/, "").slice(0, 120);
  throw new PriceCsvError(
    1,
    `The first line ("${shown}") is not a header of a price file understood here: timestamp,price_per_kwh; Octopus Agile ("Period from,Period to,Agile Import price (p/kWh)"); the Octopus API's rates ("value_exc_vat,value_inc_vat,valid_from,valid_to"); Nord Pool ("Delivery Start (CET);Delivery End (CET);<area> (EUR)"); ENTSO-E day-ahead prices ("MTU (CET/CEST)","Day-ahead Price [EUR/MWh]")`,
  );
}

function knownCurrency(code: string | null): string | null {
  if (code === null) return null;
  if (!Currency.safeParse(code).success) throw new PriceCsvError(1, `unknown currency "${code}" in the header`);
  return code;
}

/** The zone a header's label names: Central European wall-clock time unless it says UTC. */
function zoneOf(label: string | undefined): string | null {
  if (label === undefined || label === "cet" || label === "cet/cest") return CENTRAL_EUROPE;
  if (label === "utc") return null;
  throw new PriceCsvError(1, `times in "${label.toUpperCase()}" are not understood: export them in CET/CEST or UTC`);
}

const DAY_FIRST = /^(\d{1,2})[./](\d{1,2})[./](\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** "31/12/2023 23:30" or "31.12.2023 23:30:00" as a clock reading (ms, as if UTC). */
function dayFirst(text: string): number | string {
  const match = DAY_FIRST.exec(text.trim());
  if (!match) return text === "" ? "no time" : `time "${text.slice(0, 40)}" is not a date and time like 31.12.2023 23:00`;
  const [d, mo, y, h, mi, s = 0] = match.slice(1).map((part) => Number(part ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 24 || mi > 59 || s > 59)
    return `time "${text.slice(0, 40)}" is not a valid date and time`;
  // ENTSO-E ends a day's last interval at "24:00" in some exports.
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function isoWithOffset(text: string): number | string {
  const parsed = parseTimestamp(text);
  if (!parsed) return text === "" ? "no time" : `time "${text.slice(0, 40)}" is not a date and time like 2024-01-31T13:30:00Z`;
  if (parsed.offsetMs === undefined) return `time "${text.slice(0, 40)}" has no offset: add Z (UTC) or one such as +01:00`;
  return parsed.wallMs - parsed.offsetMs;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number; with semicolons between fields, a decimal comma too (European spreadsheets). */
function parseNumber(text: string, separator: "," | ";"): number | undefined {
  const normalised = separator === ";" ? text.replace(",", ".") : text;
  if (!NUMBER.test(normalised)) return undefined;
  const value = Number(normalised);
  return Number.isFinite(value) ? value : undefined;
}

function fields(line: string, separator: "," | ";"): string[] {
  if (separator === ",") return splitCsvLine(line);
  return line.split(";").map((field) => field.replace(/^\s*"(.*)"\s*$/, "$1"));
}

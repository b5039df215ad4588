import { wallClock } from "../series/wall-clock-contract";
import { Reading } from "./contract";
import { registerEnergyWh } from "./cumulative-energy";
import type { ImportFormat, ImportUnit } from "./import-contract";

/**
 * The CSV formats of a history import, detected from the header line, and how each row becomes a
 * reading for the one ingest path (readings/ingest.ts). Pure: no I/O, so the rules are tested in
 * Node (tests/node/csv-formats.test.ts).
 *
 * Time conventions. A stored `energy_wh` is the energy of the interval that ENDS at `ts` (as on the
 * webhook), and `power_w` is the power at `ts` (an average over the interval ending there when the
 * file gives one). So:
 * - generic: the timestamp is the end of the interval its value covers;
 * - Octopus: each row names its Start and End; the reading is stored at End;
 * - Low Carbon London: DateTime is taken as the END of its half hour (each household's first reading
 *   in the trial files is at 00:30, not 00:00), in GMT all year (the files hold 01:00 and 01:30 on the
 *   night clocks go forward, which do not exist in London time);
 * - Home Assistant: a state holds from last_changed on; a power state is stored as power_w at
 *   last_changed, and a cumulative kWh state as the energy since the previous state, at last_changed.
 * A time without an offset (generic files) is wall-clock time in the meter's time zone. In the hour
 * that repeats when clocks go back, the file's order decides (the first 01:30 is the earlier one); a
 * time in the hour skipped when clocks go forward does not exist and the row is reported.
 */

export interface FormatDefinition {
  format: ImportFormat;
  label: string;
  /** The header as the person's file has it, for the message that lists what is understood. */
  header: string;
  /** The units a person may choose; empty when the file states its own (then `unit` is it). */
  units: ImportUnit[];
  unit: ImportUnit | null;
}

export const FORMATS: Record<ImportFormat, FormatDefinition> = {
  generic: {
    format: "generic",
    label: "Generic timestamp,value",
    header: "timestamp,value",
    units: ["kwh_per_interval", "average_w", "cumulative_kwh"],
    unit: null,
  },
  octopus: {
    format: "octopus",
    label: "Octopus Energy consumption export",
    header: "Consumption (kWh), Start, End",
    units: [],
    unit: "kwh_per_interval",
  },
  home_assistant: {
    format: "home_assistant",
    label: "Home Assistant history export",
    header: "entity_id,state,last_changed",
    units: ["average_w", "cumulative_kwh"],
    unit: null,
  },
  low_carbon_london: {
    format: "low_carbon_london",
    label: "Low Carbon London smart-meter trial",
    header: "LCLid,stdorToU,DateTime,KWH/hh (per half hour)",
    units: [],
    unit: "kwh_per_interval",
  },
};

/** Where a format's fields are in a row. */
interface Columns {
  time: number;
  value: number;
  /** The column naming the series (entity_id, LCLid), when the file can hold several. */
  series?: number;
}

export interface DetectedFormat {
  definition: FormatDefinition;
  columns: Columns;
}

const GENERIC_TIME_NAMES = new Set(["timestamp", "time", "datetime", "ts", "date"]);

/** The format a header line announces, or undefined. Case, spaces around names and a byte-order mark do not matter. */
export function detectFormat(headerLine: string): DetectedFormat | undefined {
  const names = splitCsvLine(headerLine.replace(/^\uFEFF/, "")).map((name) => name.trim().toLowerCase());
  const starts = (...expected: string[]) => expected.every((name, i) => names[i] === name);
  if (starts("consumption (kwh)", "start", "end")) return { definition: FORMATS.octopus, columns: { time: 2, value: 0 } };
  if (starts("entity_id", "state", "last_changed"))
    return { definition: FORMATS.home_assistant, columns: { time: 2, value: 1, series: 0 } };
  // The London Datastore's full file, and the per-household files derived from it (Kaggle "smart meters in London").
  if (starts("lclid", "stdortou", "datetime", "kwh/hh (per half hour)"))
    return { definition: FORMATS.low_carbon_london, columns: { time: 2, value: 3, series: 0 } };
  if (starts("lclid", "tstp", "energy(kwh/hh)"))
    return { definition: FORMATS.low_carbon_london, columns: { time: 1, value: 2, series: 0 } };
  if (names.length === 2 && GENERIC_TIME_NAMES.has(names[0]) && names[1] !== "")
    return { definition: FORMATS.generic, columns: { time: 0, value: 1 } };
  return undefined;
}

/** What the import says when a header is none of the above. */
export function unknownHeaderMessage(headerLine: string): string {
  const shown = headerLine.replace(/^\uFEFF/, "").slice(0, 120);
  const understood = Object.values(FORMATS)
    .map((f) => `${f.label} ("${f.header}")`)
    .join("; ");
  return `The first line ("${shown}") is not a header this import understands. Understood: ${understood}.`;
}

/** In words, how a format's columns become readings with the unit used. */
export function describeMapping(format: ImportFormat, unit: ImportUnit): string {
  switch (format) {
    case "octopus":
      return "Consumption (kWh) × 1000 → energy_wh, stored at End (the end of the half hour)";
    case "low_carbon_london":
      return 'KWH/hh × 1000 → energy_wh, stored at DateTime (the end of the half hour, GMT); "Null" rows are reported and skipped';
    case "home_assistant":
      return unit === "cumulative_kwh"
        ? "state (a kWh register) → energy_wh = the rise since the previous state × 1000 (a drop below 90 % is a reset: the new state counts from 0), at last_changed; unavailable/unknown states are reported and skipped"
        : "state (W) → power_w at last_changed; unavailable/unknown states are reported and skipped";
    case "generic":
      return {
        kwh_per_interval: "value (kWh of the interval ending at timestamp) × 1000 → energy_wh at timestamp",
        average_w: "value (average W over the interval ending at timestamp) → power_w at timestamp",
        cumulative_kwh:
          "value (a kWh register) → energy_wh = the rise since the previous row × 1000 (a drop below 90 % is a reset: the new value counts from 0), at timestamp; the first row is the starting point",
      }[unit];
  }
}

export type RowResult = { reading: Reading } | { error: string } | { skipped: true };

export interface RowParserOptions {
  /** Required when the format has no unit of its own. */
  unit: ImportUnit;
  /** The meter's IANA zone, for times without an offset. */
  timeZone: string;
  /** The entity_id or LCLid to import; default: the first one met. */
  series?: string;
}

/**
 * Turns the data rows of one file into readings, in file order. Stateful: a cumulative register
 * needs the previous row, the repeated autumn hour needs the previous instant, and the series to
 * import is the first one met unless named.
 */
export class RowParser {
  private series: string | undefined;
  private previousInstant = Number.NEGATIVE_INFINITY;
  private previousRegister: { at: number; kwh: number } | undefined;
  private readonly zone: ZoneClock;
  /** Series seen, in order of first appearance (for the preview). */
  readonly seriesSeen: string[] = [];

  constructor(
    private readonly detected: DetectedFormat,
    private readonly options: RowParserOptions,
  ) {
    this.series = options.series;
    this.zone = zoneClock(options.timeZone);
  }

  parse(line: string): RowResult {
    if (line.trim() === "") return { skipped: true };
    const cells = splitCsvLine(line);
    const { columns, definition } = this.detected;
    if (columns.series !== undefined) {
      const series = (cells[columns.series] ?? "").trim();
      if (!this.seriesSeen.includes(series) && this.seriesSeen.length < 50) this.seriesSeen.push(series);
      this.series ??= series;
      if (series !== this.series) return { error: `${series} is another series than ${this.series}: import it into its own meter` };
    }
    const timeText = (cells[columns.time] ?? "").trim();
    const at = this.instant(timeText);
    if (typeof at === "string") return { error: at };
    const valueText = (cells[columns.value] ?? "").trim();
    const value = parseNumber(valueText);
    if (value === undefined) {
      const what = definition.format === "home_assistant" ? "state" : "value";
      return { error: valueText === "" ? `no ${what}` : `${what} "${valueText.slice(0, 40)}" is not a number: skipped` };
    }
    const reading = this.reading(at, value);
    if (typeof reading === "string") return { error: reading };
    if (!reading) return { skipped: true };
    const checked = Reading.safeParse(reading);
    if (!checked.success) return { error: checked.error.issues.map((i) => `${i.path.join(".") || "reading"} ${i.message}`).join("; ") };
    return { reading: checked.data };
  }

  private instant(text: string): number | string {
    const parsed = parseTimestamp(text);
    if (!parsed) return text === "" ? "no time" : `time "${text.slice(0, 40)}" is not a date and time (e.g. 2024-01-31T13:30:00Z)`;
    // Low Carbon London's clock is GMT all year; the other formats without an offset are wall-clock time.
    const at =
      parsed.offsetMs !== undefined
        ? parsed.wallMs - parsed.offsetMs
        : this.detected.definition.format === "low_carbon_london"
          ? parsed.wallMs
          : this.zone.toInstant(parsed.wallMs, this.previousInstant);
    if (at === undefined) return `time "${text}" does not exist in ${this.options.timeZone} (the clocks went forward)`;
    this.previousInstant = at;
    return at;
  }

  /** The reading of a row; undefined for a register's first row (its starting point); a string says what is wrong. */
  private reading(at: number, value: number): Reading | undefined | string {
    const ts = new Date(at).toISOString();
    switch (this.options.unit) {
      case "kwh_per_interval":
        return { ts, energy_wh: value * 1000 };
      case "average_w":
        return { ts, power_w: value };
      case "cumulative_kwh": {
        const previous = this.previousRegister;
        if (previous && at <= previous.at) return "not later than the previous row: a cumulative register must be in time order";
        this.previousRegister = { at, kwh: value };
        if (!previous) return undefined;
        // The same reset rule as registers written over line protocol; no gap limit here: a file's
        // rows may be hours apart (Home Assistant records a state only when it changes).
        return { ts, energy_wh: roundWh(registerEnergyWh(previous.kwh * 1000, value * 1000)) };
      }
    }
  }
}

/** Differences of decimal kWh carry float noise (0.30000000000000004): a milliwatt-hour is plenty. */
const roundWh = (wh: number) => Math.round(wh * 1e6) / 1e6;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** An ISO-like date and time: the clock reading as if it were UTC, and the offset when the text has one. */
export function parseTimestamp(text: string): { wallMs: number; offsetMs?: number } | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = "0", fraction = "", offset] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59) return undefined;
  const wallMs = Date.UTC(y, mo - 1, d, h, mi, s, Math.round(Number(`0.${fraction || "0"}`) * 1000));
  if (!offset) return { wallMs };
  if (offset.toUpperCase() === "Z") return { wallMs, offsetMs: 0 };
  const digits = offset.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
  return { wallMs, offsetMs: (offset[0] === "-" ? -1 : 1) * minutes * 60_000 };
}

export interface ZoneClock {
  /** The instant a wall-clock reading names, or undefined in a skipped hour; in a repeated hour, the first after `previous`. */
  toInstant(wallMs: number, previous: number): number | undefined;
}

const HOUR_MS = 3_600_000;

/** Wall-clock time in an IANA zone, with the zone's offset cached per UTC hour (an import converts many rows of the same hours). */
export function zoneClock(timeZone: string): ZoneClock {
  const offsets = new Map<number, number>();
  const offsetAt = (instant: number): number => {
    const hour = Math.floor(instant / HOUR_MS);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const clock = wallClock(hour * HOUR_MS, timeZone);
      offset = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute) - hour * HOUR_MS;
      offsets.set(hour, offset);
    }
    return offset;
  };
  return {
    toInstant(wallMs, previous) {
      // The offsets a day either side cover any transition near this time; a candidate is real when
      // its own offset agrees with it.
      const candidates = [...new Set([wallMs - offsetAt(wallMs - 24 * HOUR_MS), wallMs - offsetAt(wallMs + 24 * HOUR_MS)])]
        .filter((instant) => instant + offsetAt(instant) === wallMs)
        .sort((a, b) => a - b);
      return candidates.find((instant) => instant > previous) ?? candidates[0];
    },
  };
}

/** One CSV line's fields; double quotes may wrap a field (and "" is a quote inside one). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Cuts decoded text, arriving in pieces of any size, into lines (LF or CRLF), numbered from 1, so a
 * file is never held whole: only the unfinished last line waits for the next piece.
 */
export class LineSplitter {
  private rest = "";
  private lineNumber = 0;

  /** The complete lines in `text` (and in what was left over before it). */
  push(text: string): { line: string; number: number }[] {
    const pieces = (this.rest + text).split("\n");
    this.rest = pieces.pop() ?? "";
    return pieces.map((piece) => this.numbered(piece));
  }

  /** The last line, when the file does not end with a newline. */
  end(): { line: string; number: number }[] {
    if (this.rest === "") return [];
    const last = this.numbered(this.rest);
    this.rest = "";
    return [last];
  }

  private numbered(piece: string) {
    this.lineNumber++;
    return { line: piece.endsWith("\r") ? piece.slice(0, -1) : piece, number: this.lineNumber };
  }
}

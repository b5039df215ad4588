// Pure TypeScript (no Node imports): CSV parsing of meter series / tariffs and hourly resampling.
// Used by the Node tools (data loading, backtest) and importable by the Worker.

export const HOUR_MS = 3_600_000;

export interface Point {
  /** Unix epoch milliseconds of the start of the interval. */
  t: number;
  /** Value for the interval (kWh, or a price). NaN when the reading is missing. */
  v: number;
}

/** An hourly series: values[i] covers [start + i h, start + (i+1) h). NaN = missing hour. */
export interface HourlySeries {
  start: number;
  values: number[];
}

/**
 * Parses a timestamp. ISO-8601 with an offset or "Z" is honoured; a timestamp without an offset
 * ("2013-01-01 00:30:00", "2013-01-01T00:30") is read as UTC so results never depend on the
 * machine's time zone. Returns NaN when it cannot be parsed.
 */
export function parseTimestamp(raw: string): number {
  let s = raw.trim().replace(/^"|"$/g, "").trim();
  if (s === "") return NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    // Unix seconds (10 digits) or milliseconds (13 digits).
    const n = Number(s);
    return n > 1e11 ? n : n * 1000;
  }
  s = s.replace(" ", "T");
  // Date only.
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += "T00:00:00";
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  const t = Date.parse(hasZone ? s : `${s}Z`);
  return Number.isFinite(t) ? t : NaN;
}

/** Splits one CSV line, honouring double quotes. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function parseNumber(raw: string | undefined): number {
  if (raw === undefined) return NaN;
  const s = raw.trim().replace(/^"|"$/g, "").trim();
  if (s === "" || /^(null|nan|na|n\/a|-)$/i.test(s)) return NaN;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

export interface ParseOptions {
  /** Column holding the timestamp (default "timestamp"). */
  timeColumn?: string;
  /** Column holding the value (default "kwh"). */
  valueColumn?: string;
}

/**
 * Parses a two-column CSV such as `timestamp,kwh` or `timestamp,price_per_kwh`.
 * Header names are matched case-insensitively; blank lines, a BOM and CRLF are tolerated.
 * Rows whose timestamp cannot be parsed are rejected with an error naming the line; an empty or
 * non-numeric value ("", "Null", "NaN") becomes a missing value (NaN).
 * Output is sorted by time; for duplicate timestamps the last row wins.
 */
export function parseCsvSeries(text: string, opts: ParseOptions = {}): Point[] {
  const timeCol = (opts.timeColumn ?? "timestamp").toLowerCase();
  const valueCol = (opts.valueColumn ?? "kwh").toLowerCase();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let headerIdx = 0;
  while (headerIdx < lines.length && lines[headerIdx].trim() === "") headerIdx++;
  if (headerIdx >= lines.length) throw new Error("CSV is empty");
  const header = splitCsvLine(lines[headerIdx]).map((h) => h.trim().toLowerCase());
  const ti = header.indexOf(timeCol);
  const vi = header.indexOf(valueCol);
  if (ti < 0 || vi < 0) {
    throw new Error(`CSV header must contain "${timeCol}" and "${valueCol}", got: ${header.join(",")}`);
  }
  const byTime = new Map<number, number>();
  for (let i = headerIdx + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const cells = splitCsvLine(line);
    const t = parseTimestamp(cells[ti] ?? "");
    if (!Number.isFinite(t)) throw new Error(`line ${i + 1}: cannot parse timestamp "${cells[ti] ?? ""}"`);
    byTime.set(t, parseNumber(cells[vi]));
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}

/** The most common positive spacing between consecutive timestamps (ms); HOUR_MS if unknown. */
export function detectInterval(points: Point[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < points.length; i++) {
    const d = points[i].t - points[i - 1].t;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = HOUR_MS;
  let bestN = 0;
  for (const [d, n] of counts) if (n > bestN || (n === bestN && d < best)) [best, bestN] = [d, n];
  return best;
}

export interface ResampleOptions {
  /** "sum" for energy per interval (kWh), "mean" for prices. */
  how: "sum" | "mean";
  /**
   * Minimum share of an hour's expected intervals that must be present for the hour to get a
   * value (default 0.5). For "sum", a partly covered hour is scaled up to the full hour.
   */
  minCoverage?: number;
  /** Interval length in ms (default: detected). */
  intervalMs?: number;
}

/**
 * Resamples an interval series (interval of one hour or less; timestamps are interval starts) to
 * hourly buckets aligned on UTC hours. Missing intervals and NaN readings reduce coverage; hours
 * under `minCoverage` are NaN. Intervals not aligned to the hour are assigned to the hour in which
 * they start.
 */
export function resampleHourly(points: Point[], opts: ResampleOptions): HourlySeries {
  if (points.length === 0) return { start: 0, values: [] };
  const interval = opts.intervalMs ?? detectInterval(points);
  if (interval > HOUR_MS) throw new Error(`interval ${interval / 60000} min is longer than one hour`);
  const perHour = Math.max(1, Math.round(HOUR_MS / interval));
  const minCov = opts.minCoverage ?? 0.5;
  const start = Math.floor(points[0].t / HOUR_MS) * HOUR_MS;
  const end = Math.floor(points[points.length - 1].t / HOUR_MS) * HOUR_MS;
  const n = (end - start) / HOUR_MS + 1;
  const sum = new Float64Array(n);
  const cnt = new Float64Array(n);
  for (const p of points) {
    if (!Number.isFinite(p.v)) continue;
    const i = Math.floor((p.t - start) / HOUR_MS);
    sum[i] += p.v;
    cnt[i] += 1;
  }
  const values: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.min(cnt[i], perHour);
    if (c === 0 || c / perHour < minCov) values[i] = NaN;
    else if (opts.how === "mean") values[i] = sum[i] / cnt[i];
    else values[i] = cnt[i] >= perHour ? sum[i] : (sum[i] * perHour) / cnt[i];
  }
  return { start, values };
}

/** Value of an hourly series at an absolute hour (NaN outside). */
export function valueAt(s: HourlySeries, t: number): number {
  const i = Math.round((t - s.start) / HOUR_MS);
  return i >= 0 && i < s.values.length ? s.values[i] : NaN;
}

/** Slice [from, from + hours) of an hourly series as an array (NaN outside its span). */
export function sliceHours(s: HourlySeries, from: number, hours: number): number[] {
  const out = new Array<number>(hours);
  const i0 = Math.round((from - s.start) / HOUR_MS);
  for (let k = 0; k < hours; k++) {
    const i = i0 + k;
    out[k] = i >= 0 && i < s.values.length ? s.values[i] : NaN;
  }
  return out;
}

/** Serialises an hourly series as `timestamp,kwh` CSV (compact ISO timestamps, 3 decimals). */
export function hourlyToCsv(s: HourlySeries, valueHeader = "kwh", decimals = 3): string {
  const rows = [`timestamp,${valueHeader}`];
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v)) continue;
    const iso = `${new Date(s.start + i * HOUR_MS).toISOString().slice(0, 16)}Z`;
    rows.push(`${iso},${v.toFixed(decimals)}`);
  }
  return `${rows.join("\n")}\n`;
}

/**
 * InfluxDB line protocol, parsed the way InfluxDB 2.x's write API parses it (models.ParsePointsWithPrecision in
 * influxdata/influxdb, branch main-2.x, models/points.go; its test vectors are ported in
 * tests/node/line-protocol.test.ts):
 *
 *   measurement[,tag_key=tag_value...] field_key=field_value[,field_key=field_value...] [timestamp]
 *
 * - Escapes: a backslash before a delimiter makes it literal. Measurement: `\,` and `\ `. Tag keys, tag values and
 *   field keys: `\,`, `\ ` and `\=` (field keys also `\"`). A backslash before anything else stays a backslash
 *   (`eas\t` is `eas\t`). As in InfluxDB 2.x, a delimiter counts as escaped whenever the character before it is a
 *   backslash, so `a\\,b` is the one tag value `a\,b` (Telegraf trims trailing backslashes for that reason).
 * - String field values are in double quotes; inside, `\"` is a quote and `\\` a backslash, any other backslash
 *   stays. They may contain commas, spaces, equals signs and raw newlines.
 * - Field values: float (`1`, `-1.5`, `.5`, `1e3`), integer (`1i`, 64-bit), unsigned (`1u`, 64-bit), string,
 *   boolean (`t`, `T`, `true`, `True`, `TRUE`, `f`, `F`, `false`, `False`, `FALSE`). NaN and infinities are refused.
 * - Blank lines and lines whose first non-blank character is `#` are skipped; `\r\n` ends a line like `\n`.
 * - The timestamp is an integer in the request's precision (ns by default) within InfluxDB's range
 *   (1677-09-21 to 2262-04-11); without one, the point takes the time the request was received, truncated to the
 *   precision. Timestamps become epoch milliseconds (floor), computed with BigInt so that 19-digit nanoseconds keep
 *   their exact millisecond.
 * - Reserved tag keys (`_field`, `_measurement`, `time`) and a tag key given twice reject the line; a field key given
 *   twice keeps the last value.
 *
 * Unlike InfluxDB, which reports every bad line, parsing stops at the first one: Wattboard stores nothing of a body
 * with a bad line, so the sender fixes that line and resends. Pure: no Worker or Node API.
 */

export const LINE_PROTOCOL_PRECISIONS = ["ns", "us", "ms", "s"] as const;
export type LineProtocolPrecision = (typeof LINE_PROTOCOL_PRECISIONS)[number];

/** InfluxDB 1.x clients spell the precision `n` and `u` too (the v1 `/write?precision=`). */
const PRECISION_SPELLINGS: Record<string, LineProtocolPrecision> = { ns: "ns", n: "ns", us: "us", u: "us", ms: "ms", s: "s" };

/** The precision named by a `precision` query parameter (v2 `ns|us|ms|s`, v1 also `n|u`); ns when absent, undefined when unknown. */
export function parsePrecision(value: string | null | undefined): LineProtocolPrecision | undefined {
  if (value === null || value === undefined || value === "") return "ns";
  return Object.hasOwn(PRECISION_SPELLINGS, value) ? PRECISION_SPELLINGS[value] : undefined;
}

/** Integers and unsigned integers are range-checked as 64-bit, then held as numbers (exact up to 2^53). */
export type LineProtocolFieldValue =
  | { type: "float"; value: number }
  | { type: "integer"; value: number }
  | { type: "unsigned"; value: number }
  | { type: "string"; value: string }
  | { type: "boolean"; value: boolean };

export interface LineProtocolPoint {
  /** The 1-based line of the body the point starts on. */
  line: number;
  measurement: string;
  tags: Map<string, string>;
  fields: Map<string, LineProtocolFieldValue>;
  /** Epoch milliseconds (the line's timestamp, or the receive time when it has none). */
  timestampMs: number;
}

export interface ParseLineProtocolOptions {
  /** The unit of the timestamps; ns by default, as InfluxDB. */
  precision?: LineProtocolPrecision;
  /** The time given to points without a timestamp (epoch ms); now by default. */
  receivedAtMs?: number;
}

/** The first bad line of a body: its 1-based number and the reason in words. */
export class LineProtocolError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "LineProtocolError";
  }
}

/** Parses a line-protocol body into points, or throws a LineProtocolError naming the first bad line. */
export function parseLineProtocol(text: string, options: ParseLineProtocolOptions = {}): LineProtocolPoint[] {
  const precision = options.precision ?? "ns";
  const receivedAtMs = options.receivedAtMs ?? Date.now();
  const defaultTimestampMs = precision === "s" ? Math.floor(receivedAtMs / 1000) * 1000 : Math.floor(receivedAtMs);
  return new LineProtocolParser(text, TIMESTAMP_UNITS[precision], defaultTimestampMs).parse();
}

const NANOSECONDS_PER_MS = 1_000_000n;
/** models.MinNanoTime and MaxNanoTime: int64's extremes are sentinels inside InfluxDB, so they are refused. */
const MIN_NANO_TIME = -(2n ** 63n) + 2n;
const MAX_NANO_TIME = 2n ** 63n - 2n;

interface TimestampUnit {
  nanoseconds: bigint;
  /** Digits below the millisecond (-3 for seconds: three zeros to add). */
  subMillisecondDigits: number;
  /** The largest timestamp of this unit within InfluxDB's range, as text. */
  largest: string;
}
const TIMESTAMP_UNITS: Record<LineProtocolPrecision, TimestampUnit> = Object.fromEntries(
  Object.entries({ ns: [1n, 6], us: [1_000n, 3], ms: [1_000_000n, 0], s: [1_000_000_000n, -3] } as const).map(
    ([precision, [nanoseconds, digits]]) => [
      precision,
      { nanoseconds, subMillisecondDigits: digits, largest: String(MAX_NANO_TIME / nanoseconds) },
    ],
  ),
) as Record<LineProtocolPrecision, TimestampUnit>;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;

const RESERVED_TAG_KEYS = new Set(["_field", "_measurement", "time"]);
const BOOLEANS = new Map([
  ["t", true],
  ["T", true],
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["f", false],
  ["F", false],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);

const INTEGER = /^-?\d+i$/;
const UNSIGNED = /^\d+u$/;
const FLOAT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TIMESTAMP = /^-?\d+$/;

const TAB = 9;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const MINUS = 45;
const EQUALS = 61;
const BACKSLASH = 92;
const LOWER_I = 105;
const LOWER_U = 117;

const MEASUREMENT_ESCAPES = ", ";
const TAG_ESCAPES = ", =";
const FIELD_KEY_ESCAPES = ', ="';
const STRING_ESCAPES = '"\\';

class LineProtocolParser {
  private pos = 0;
  /** The line the cursor is on (string values may span lines). */
  private line = 1;
  /** The line the current point started on: every error names it. */
  private pointLine = 1;

  constructor(
    private readonly text: string,
    private readonly unit: TimestampUnit,
    private readonly defaultTimestampMs: number,
  ) {}

  parse(): LineProtocolPoint[] {
    const points: LineProtocolPoint[] = [];
    while (this.pos < this.text.length) {
      this.skipBlanks();
      if (this.text.charCodeAt(this.pos) === HASH) this.skipToLineEnd();
      else if (!this.atLineEnd(this.pos)) points.push(this.point());
      this.consumeLineEnd();
    }
    return points;
  }

  private point(): LineProtocolPoint {
    this.pointLine = this.line;
    const measurement = this.measurement();
    const tags = new Map<string, string>();
    while (this.text.charCodeAt(this.pos) === COMMA) {
      this.pos++;
      this.tag(tags);
    }
    this.skipBlanks();
    if (this.atLineEnd(this.pos)) this.fail("missing fields: a point needs at least one field after the measurement and tags");
    const fields = this.fields();
    const timestampMs = this.timestamp();
    return { line: this.pointLine, measurement, tags, fields, timestampMs };
  }

  /** Up to the first unescaped comma (tags follow) or space (fields follow). */
  private measurement(): string {
    const start = this.pos;
    if (this.text.charCodeAt(start) === COMMA) this.fail("missing measurement before ','");
    let i = start + 1;
    for (; ; i++) {
      if (this.atLineEnd(i)) this.fail("missing fields: a point needs at least one field after the measurement and tags");
      const c = this.text.charCodeAt(i);
      if ((c === COMMA || c === SPACE) && !this.escaped(i)) break;
    }
    this.pos = i;
    return unescapeAll(this.text.slice(start, i), MEASUREMENT_ESCAPES);
  }

  private tag(tags: Map<string, string>): void {
    const keyStart = this.pos;
    const keyEnd = this.keyEnd("missing tag key after ','", (raw) => `missing tag value: tag '${raw}' has no '='`);
    const key = unescapeAll(this.text.slice(keyStart, keyEnd), TAG_ESCAPES);
    const valueStart = keyEnd + 1;
    const firstOfValue = this.text.charCodeAt(valueStart);
    if (this.atLineEnd(valueStart) || firstOfValue === SPACE || firstOfValue === COMMA) this.fail(`missing tag value for tag '${key}'`);
    let i = valueStart;
    for (; ; i++) {
      if (this.atLineEnd(i)) this.fail("missing fields: a point needs at least one field after the measurement and tags");
      const c = this.text.charCodeAt(i);
      if (this.escaped(i)) continue;
      if (c === EQUALS) this.fail(`invalid tag format: the value of tag '${key}' has an unescaped '=' (write it as '\\=')`);
      if (c === COMMA || c === SPACE) break;
    }
    if (RESERVED_TAG_KEYS.has(key)) this.fail(`tag key '${key}' is reserved`);
    if (tags.has(key)) this.fail(`duplicate tag '${key}'`);
    tags.set(key, unescapeAll(this.text.slice(valueStart, i), TAG_ESCAPES));
    this.pos = i;
  }

  /** The index of the unescaped `=` ending the tag or field key at the cursor; an unescaped space or comma first means no value. */
  private keyEnd(missingKey: string, missingValue: (raw: string) => string): number {
    const start = this.pos;
    const first = this.text.charCodeAt(start);
    if (this.atLineEnd(start) || first === SPACE || first === COMMA || first === EQUALS) this.fail(missingKey);
    for (let i = start + 1; ; i++) {
      const c = this.text.charCodeAt(i);
      if (this.atLineEnd(i) || ((c === SPACE || c === COMMA) && !this.escaped(i))) this.fail(missingValue(this.text.slice(start, i)));
      if (c === EQUALS && !this.escaped(i)) return i;
    }
  }

  private fields(): Map<string, LineProtocolFieldValue> {
    const fields = new Map<string, LineProtocolFieldValue>();
    for (;;) {
      const key = this.fieldKey();
      fields.set(key, this.fieldValue(key));
      if (this.text.charCodeAt(this.pos) !== COMMA) return fields;
      this.pos++;
    }
  }

  private fieldKey(): string {
    const start = this.pos;
    const end = this.keyEnd("missing field key", (raw) => `missing field value: field '${raw}' has no '=' and value`);
    this.pos = end + 1;
    return unescapeAll(this.text.slice(start, end), FIELD_KEY_ESCAPES);
  }

  private fieldValue(key: string): LineProtocolFieldValue {
    const start = this.pos;
    const first = this.text.charCodeAt(start);
    if (this.atLineEnd(start) || first === SPACE || first === COMMA) this.fail(`missing field value for field '${key}'`);
    if (first === QUOTE) return { type: "string", value: this.stringValue(key) };
    let end = start + 1;
    while (!this.atLineEnd(end) && this.text.charCodeAt(end) !== SPACE && this.text.charCodeAt(end) !== COMMA) end++;
    this.pos = end;
    return this.scalarValue(key, this.text.slice(start, end));
  }

  private stringValue(key: string): string {
    const start = this.pos + 1;
    let i = start;
    for (; ; i++) {
      if (i >= this.text.length) this.fail(`unbalanced quotes: the string value of field '${key}' has no closing quote`);
      const c = this.text.charCodeAt(i);
      if (c === BACKSLASH) {
        const next = this.text.charCodeAt(i + 1);
        if (next === QUOTE || next === BACKSLASH) i++;
      } else if (c === QUOTE) break;
      else if (c === NEWLINE) this.line++;
    }
    this.pos = i + 1;
    const after = this.text.charCodeAt(this.pos);
    if (!this.atLineEnd(this.pos) && after !== SPACE && after !== COMMA) {
      this.fail(`unexpected '${this.text[this.pos]}' after the closing quote of field '${key}'`);
    }
    return unescapeAll(this.text.slice(start, i), STRING_ESCAPES);
  }

  private scalarValue(key: string, token: string): LineProtocolFieldValue {
    const last = token.charCodeAt(token.length - 1);
    if (last === LOWER_I && INTEGER.test(token))
      return { type: "integer", value: this.integer(key, token, MIN_INT64, MAX_INT64, "integer") };
    if (last === LOWER_U && UNSIGNED.test(token))
      return { type: "unsigned", value: this.integer(key, token, 0n, MAX_UINT64, "unsigned integer") };
    if (FLOAT.test(token)) {
      const value = Number(token);
      if (!Number.isFinite(value)) this.fail(`float ${token} of field '${key}' is out of the 64-bit range`);
      return { type: "float", value };
    }
    const boolean = BOOLEANS.get(token);
    if (boolean !== undefined) return { type: "boolean", value: boolean };
    return this.fail(`field value '${token}' is not a number, a string in quotes or a boolean (field '${key}')`);
  }

  /** The digits before the `i` or `u` suffix, checked against the 64-bit range. */
  private integer(key: string, token: string, min: bigint, max: bigint, kind: string): number {
    const digits = token.slice(0, -1);
    const value = BigInt(digits);
    if (value < min || value > max) this.fail(`${kind} ${digits} of field '${key}' is out of the 64-bit range`);
    return Number(value);
  }

  /** After the fields: nothing, or blanks, an integer timestamp and blanks. */
  private timestamp(): number {
    this.skipBlanks();
    if (this.atLineEnd(this.pos)) return this.defaultTimestampMs;
    const start = this.pos;
    let end = start;
    while (!this.atLineEnd(end) && !isBlank(this.text.charCodeAt(end))) end++;
    const token = this.text.slice(start, end);
    this.pos = end;
    this.skipBlanks();
    if (!this.atLineEnd(this.pos)) this.fail(`unexpected text after the timestamp: '${this.restOfLine()}'`);
    if (!TIMESTAMP.test(token)) this.fail(`timestamp '${token}' is not an integer`);
    const { subMillisecondDigits, largest } = this.unit;
    // Fast and exact: a non-negative timestamp surely in range loses its sub-millisecond digits as text.
    if (token.charCodeAt(0) !== MINUS && (token.length < largest.length || (token.length === largest.length && token <= largest))) {
      if (subMillisecondDigits < 0) return Number(token) * 1000;
      return Number(token.slice(0, token.length - subMillisecondDigits) || "0");
    }
    const nanoseconds = BigInt(token) * this.unit.nanoseconds;
    if (nanoseconds < MIN_NANO_TIME || nanoseconds > MAX_NANO_TIME) {
      this.fail(`timestamp ${token} is outside the range InfluxDB accepts (1677-09-21 to 2262-04-11)`);
    }
    return Number(floorDivide(nanoseconds, NANOSECONDS_PER_MS));
  }

  /** InfluxDB's rule: a character right after a backslash is escaped. */
  private escaped(i: number): boolean {
    return this.text.charCodeAt(i - 1) === BACKSLASH;
  }

  /** The end of the body, `\n`, or a `\r` that ends the body or precedes `\n`. */
  private atLineEnd(i: number): boolean {
    if (i >= this.text.length) return true;
    const c = this.text.charCodeAt(i);
    return c === NEWLINE || (c === CARRIAGE_RETURN && (i + 1 >= this.text.length || this.text.charCodeAt(i + 1) === NEWLINE));
  }

  private skipBlanks(): void {
    while (this.pos < this.text.length && isBlank(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private skipToLineEnd(): void {
    while (!this.atLineEnd(this.pos)) this.pos++;
  }

  private consumeLineEnd(): void {
    if (this.text.charCodeAt(this.pos) === CARRIAGE_RETURN) this.pos++;
    if (this.text.charCodeAt(this.pos) === NEWLINE) {
      this.pos++;
      this.line++;
    }
  }

  private restOfLine(): string {
    const start = this.pos;
    this.skipToLineEnd();
    return this.text.slice(start, this.pos);
  }

  private fail(reason: string): never {
    throw new LineProtocolError(this.pointLine, reason);
  }
}

/** Space, tab and NUL separate sections, as InfluxDB's skipWhitespace. */
function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === 0;
}

/** Drops the backslash of each `\x` where x is one of `escapable`; any other backslash stays. */
function unescapeAll(raw: string, escapable: string): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\" && i + 1 < raw.length && escapable.includes(raw[i + 1])) i++;
    out += raw[i];
  }
  return out;
}

function floorDivide(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor < 0n ? quotient - 1n : quotient;
}

import type { Database } from "../db/client";
import { ApiError, unauthorized } from "../errors";
import { findOrCreateDevice, type MeterRow } from "../meters/queries";
import { metersOfGrant, requireWriteGrant } from "../meters/write-tokens";
import { MAX_INGEST_BODY_BYTES, type Reading } from "./contract";
import { type EnergyInterval, type EnergyRegister, registerIntervals } from "./cumulative-energy";
import { recordIgnoredFields } from "./ignored-field-queries";
import type { InfluxWriteError } from "./influx-contract";
import { type MeterTarget, mapInfluxPoints, readingsToStore } from "./influx-mapping";
import { type IngestContext, ingestReadings, limitMeterWrites, payloadTooLarge } from "./ingest";
import { LineProtocolError, type LineProtocolPoint, type LineProtocolPrecision, parseLineProtocol, parsePrecision } from "./line-protocol";
import { insertRegisters, previousRegister } from "./register-queries";

/**
 * The InfluxDB write API (v2 `/api/v2/write`, v1 `/write`): line protocol from Home Assistant,
 * Telegraf and the official clients, authenticated with a write token of a site. The whole body
 * is parsed, mapped and validated before anything is written, so a bad line stores nothing; then
 * each meter's readings go through `ingestReadings` like the webhook's (same ranges, duplicates
 * skipped, model trigger), which makes a repeated batch store nothing twice.
 */

export interface LineProtocolWrite {
  /** As sent: `Token <write token>` (v2), `Basic base64(user:<write token>)` (v1), or none. */
  authorization: string | undefined;
  /** v1's `p` query parameter: the write token when there is no Authorization header. */
  password: string | undefined;
  precision: string | undefined;
  contentEncoding: string | undefined;
  /** Read only once the token and the rate limit are in order. */
  body: ReadableStream<Uint8Array> | null;
}

/** A gzip body this large or larger is refused before it is inflated; inflated, the webhook's limit applies. */
const MAX_COMPRESSED_BODY_BYTES = MAX_INGEST_BODY_BYTES;

/** The longest external id (meter tag, entity_id) and ignored field label stored. */
const MAX_LABEL_LENGTH = 200;
const MAX_IGNORED_FIELDS_PER_WRITE = 100;

const invalid = (message: string, line?: number) => new ApiError(400, "invalid", message, line === undefined ? undefined : { line });

export async function receiveLineProtocol(context: IngestContext, write: LineProtocolWrite): Promise<void> {
  const grant = await requireWriteGrant(context.db, writeTokenOf(write));
  const precision = parsePrecision(write.precision);
  if (!precision) throw invalid(`precision '${write.precision}' is not one of ns, us, ms, s`);
  await limitMeterWrites(context.env, grant.siteId);
  const meters = await metersOfGrant(context.db, grant);
  if (!meters) throw unauthorized("Unknown or revoked write token");
  const text = await bodyText(write);
  const receivedAt = Date.now();
  const writes = await planWrites(context.db, meters, text, precision, receivedAt);
  for (const planned of writes) await storeWrite(context, meters.site, planned, new Date(receivedAt));
}

/** The token from the Authorization header (Token, Bearer or Basic's password), else from `p`. */
function writeTokenOf(write: LineProtocolWrite): string {
  const [, scheme = "", credentials = ""] = /^(\w+)\s+(\S+)\s*$/.exec(write.authorization ?? "") ?? [];
  const fromHeader = /^(token|bearer)$/i.test(scheme) ? credentials : /^basic$/i.test(scheme) ? basicPassword(credentials) : undefined;
  const token = fromHeader ?? write.password;
  if (!token)
    throw unauthorized("Send the write token: Authorization: Token <write token> (v1: the p= parameter or the Basic auth password)");
  return token;
}

function basicPassword(credentials: string): string | undefined {
  try {
    const decoded = atob(credentials);
    return decoded.includes(":") ? decoded.slice(decoded.indexOf(":") + 1) : undefined;
  } catch {
    return undefined;
  }
}

/** The body as text, inflated when gzip; over the limits, 413 (counted as it streams, whatever Content-Length says). */
async function bodyText(write: LineProtocolWrite): Promise<string> {
  const encoding = (write.contentEncoding ?? "identity").trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "identity")
    throw new ApiError(415, "unsupported_encoding", `Content-Encoding '${encoding}' is not supported: send gzip or nothing`);
  const raw = write.body ?? new Blob([]).stream();
  const bytes =
    encoding === "gzip"
      ? await readAtMost(
          new Blob([await readAtMost(raw, MAX_COMPRESSED_BODY_BYTES)]).stream().pipeThrough(new DecompressionStream("gzip")),
          MAX_INGEST_BODY_BYTES,
        )
      : await readAtMost(raw, MAX_INGEST_BODY_BYTES);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalid("The body is not UTF-8 text");
  }
}

/** Names and tags become meters and ignored fields: Postgres text cannot hold NUL. */
function holdsNul(point: LineProtocolPoint): boolean {
  const strings = [point.measurement, ...point.tags.keys(), ...point.tags.values(), ...point.fields.keys()];
  for (const field of point.fields.values()) if (field.type === "string") strings.push(field.value);
  return strings.some((text) => text.includes("\u0000"));
}

async function readAtMost(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // Only decompression fails while reading: the request's own stream is already in memory.
      throw invalid("The body is not valid gzip: send it as Content-Encoding: gzip only when it is compressed");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge();
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** What one meter gets from the body, everything checked; a new device meter is named and created when stored. */
interface PlannedWrite {
  /** Undefined: a device meter to create under the site, known to the sender as `externalId`. */
  meter: MeterRow | undefined;
  externalId: string;
  name: string;
  readings: Reading[];
  registers: EnergyRegister[];
  ignoredFields: string[];
}

/**
 * Parses, maps and validates the whole body before anything is written: a bad line is a 400
 * naming the first one (whichever meter it is for). Registers are differenced against the last
 * value stored before them.
 */
async function planWrites(
  db: Database,
  { site, devices }: { site: MeterRow; devices: MeterRow[] },
  text: string,
  precision: LineProtocolPrecision,
  receivedAt: number,
): Promise<PlannedWrite[]> {
  try {
    const points = parseLineProtocol(text, { precision, receivedAtMs: receivedAt });
    if (points.length === 0) throw invalid("The body holds no points: send line protocol, one point a line");
    const withNul = points.find(holdsNul);
    if (withNul) throw new LineProtocolError(withNul.line, "a name, tag or string field holds a NUL character (\\u0000)");
    const targets = mapInfluxPoints(points).map((target) => ({ target, meter: matchMeter(target.target, site, devices) }));
    const intervals = new Map<string, EnergyInterval[]>();
    for (const { target, meter } of targets) {
      const previous = meter && target.registers.length > 0 ? await previousRegister(db, meter.id, target.registers[0].ts) : undefined;
      intervals.set(target.key, registerIntervals(target.registers, previous));
    }
    const readings = readingsToStore(
      targets.map(({ target }) => target),
      intervals,
      receivedAt,
    );
    const writes = targets.map(({ target, meter }) => {
      const externalId = externalIdOf(target.target);
      if (!meter && externalId.length > MAX_LABEL_LENGTH) {
        const line = Math.min(...[...target.readings, ...target.registers].map((located) => located.line));
        throw new LineProtocolError(line, `the meter tag or entity_id is longer than ${MAX_LABEL_LENGTH} characters`);
      }
      const { name, registers, ignoredFields } = target;
      return { meter, externalId, name, readings: readings.get(target.key) ?? [], registers, ignoredFields };
    });
    return oneWritePerMeter(writes);
  } catch (error) {
    if (error instanceof LineProtocolError) throw invalid(error.message, error.line);
    throw error;
  }
}

/** A `meter` tag names the site or a device by id, by the sender's name for it, or by its name; an entity by its id. */
function matchMeter(target: MeterTarget, site: MeterRow, devices: MeterRow[]): MeterRow | undefined {
  if (target.kind === "site") return site;
  if (target.kind === "entity") return devices.find((device) => device.externalId === target.entityId);
  const ref = target.ref;
  const meters = [site, ...devices];
  return (
    meters.find((meter) => meter.id === ref.toLowerCase()) ??
    devices.find((device) => device.externalId === ref) ??
    meters.find((meter) => meter.name === ref)
  );
}

function externalIdOf(target: MeterTarget): string {
  return target.kind === "entity" ? target.entityId : target.kind === "meter" ? target.ref : "";
}

/**
 * Two targets may name one meter (the site untagged and by a `meter` tag, say): their readings
 * are merged per instant, the first value of a metric winning, as within one target, so the
 * second is not dropped as a duplicate of the first.
 */
function oneWritePerMeter(writes: PlannedWrite[]): PlannedWrite[] {
  const byMeter = new Map<string, PlannedWrite>();
  for (const write of writes) {
    const key = write.meter ? write.meter.id : `new:${write.externalId}`;
    const first = byMeter.get(key);
    byMeter.set(
      key,
      first
        ? {
            ...first,
            readings: mergedByInstant(first.readings, write.readings),
            registers: [...first.registers, ...write.registers],
            ignoredFields: [...first.ignoredFields, ...write.ignoredFields],
          }
        : write,
    );
  }
  return [...byMeter.values()];
}

function mergedByInstant(first: Reading[], second: Reading[]): Reading[] {
  const byInstant = new Map(first.map((reading) => [Date.parse(reading.ts), reading]));
  for (const reading of second) {
    const instant = Date.parse(reading.ts);
    byInstant.set(instant, { ...reading, ...byInstant.get(instant) });
  }
  return [...byInstant.entries()].sort(([a], [b]) => a - b).map(([, reading]) => reading);
}

async function storeWrite(context: IngestContext, site: MeterRow, planned: PlannedWrite, receivedAt: Date): Promise<void> {
  const meter = planned.meter ?? (await findOrCreateDevice(context.db, site, planned.externalId, deviceName(planned.name)));
  await insertRegisters(context.db, meter.id, planned.registers);
  await recordIgnoredFields(context.db, meter.id, ignoredLabels(planned.ignoredFields), receivedAt);
  if (planned.readings.length > 0) await ingestReadings(context, meter, planned.readings);
}

/**
 * What a write may add to the ignored fields: a label is shown to a person, and a sender's keys
 * are unbounded (an index entry is not), so each is cut and a write lists at most so many.
 */
function ignoredLabels(fields: readonly string[]): string[] {
  return [...new Set(fields.map((field) => field.slice(0, MAX_LABEL_LENGTH)))].slice(0, MAX_IGNORED_FIELDS_PER_WRITE);
}

/** Meter names are at most 100 characters (meters/contract.ts). */
const deviceName = (name: string) => name.trim().slice(0, 100) || "Device";

/** InfluxDB's error shape, with the app's envelope beside it. */
export function influxErrorBody(error: ApiError): InfluxWriteError {
  const line = (error.details as { line?: number } | undefined)?.line;
  return { code: error.code, message: error.message, ...(line === undefined ? {} : { line }), ...error.toBody() };
}

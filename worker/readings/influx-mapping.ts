import { MAX_FUTURE_SKEW_MS, OLDEST_READING, Reading } from "./contract";
import type { EnergyInterval } from "./cumulative-energy";
import { LineProtocolError, type LineProtocolFieldValue, type LineProtocolPoint } from "./line-protocol";

/**
 * Line-protocol points (line-protocol.ts) to Wattboard readings, per meter. Pure: the caller resolves targets to
 * meters, converts registers to energy per interval (cumulative-energy.ts, with the register stored before) and
 * stores. What senders really write, and what this reads from it:
 *
 * - Telegraf (influxdata/telegraf, plugins/serializers/influx/influx.go) writes the measurement and fields its input
 *   plugins produce, floats as `1.5`, integers as `1i` (`1u` with influx_uint_support), strings quoted, a `host`
 *   tag by default and ns timestamps. Wattboard reads a field named after a metric as that metric:
 *   `power_w`, `energy_wh` (energy of the interval ending at the timestamp, as the JSON webhook's), `voltage_v`,
 *   `current_a`, `power_factor`, `thd_pct`; and a meter's register, which only grows, as `energy_total_wh` or
 *   `energy_total_kwh` (cumulative: see below).
 * - Home Assistant's influxdb integration (home-assistant/core, homeassistant/components/influxdb/__init__.py,
 *   `_generate_event_to_json`/`event_to_json`) writes one point per state change: measurement = the entity's
 *   unit_of_measurement (the default `measurement_attr`; with `override_measurement`, `default_measurement` or
 *   `measurement_attr: domain__device_class` the measurement is something else and the unit comes as the
 *   `unit_of_measurement_str` field instead), tags `domain` and `entity_id` (the object id, without the domain), the
 *   numeric state as field `value` (a non-numeric state goes to a `state` string field), and every attribute not in
 *   `ignore_attributes` as a field: a number as is, anything else as a string under `<name>_str`, plus a number
 *   `<name>` when that string has digits (RE_DIGIT_TAIL). Unknown and unavailable states are not written.
 *   Wattboard reads `value` by its unit: W and kW as power_w (kW x1000), Wh, kWh and MWh as the entity's register
 *   (x1000, x1e6 to Wh), V as voltage_v, A and mA as current_a, % as power_factor (/100) when `device_class_str` is
 *   power_factor and as thd_pct when the entity's id or name says THD or harmonic. A unitless power_factor entity is
 *   read as power_factor as is.
 *
 * Cumulative or per interval: the name decides, never the data. HA's Wh/kWh/MWh sensors are registers: the energy
 * device class allows only the total and total_increasing state classes, and `state_class_str` is an attribute that
 * `ignore_attributes` may drop, so it is not required. Telegraf's fields are what the person names them: `energy_wh`
 * is per interval (the same meaning as in the JSON webhook and the readings table), `energy_total_wh`/`_kwh` a
 * register. Registers become energy per interval in cumulative-energy.ts.
 *
 * Which meter: a `meter` tag (a meter's id or name, matched by the caller) first, else HA's entity (`domain.entity_id`,
 * stored as the device meter's external id), else the site meter the write token belongs to. A device meter created
 * for an entity is named from its friendly name, else its id.
 *
 * Ignored fields: numbers and booleans that map to no metric, listed as `measurement.field` on their meter so nothing
 * is dropped silently. Strings are labels, never measurements, and HA's attribute fields read above (friendly name,
 * device and state class, unit) or digit twins of a string attribute are metadata: none of them is listed. A point
 * that maps to nothing creates no device meter: its fields are listed on the site as `entity: measurement.field`.
 *
 * A write then goes: parseLineProtocol; mapInfluxPoints; per target, its meter (found, or created as a device of the
 * site) and the register stored just before its first register value; registerIntervals (cumulative-energy.ts);
 * readingsToStore for all targets at once, before anything is stored, so a bad line stores nothing; then the
 * registers, the readings (ingest.ts) and the ignored fields.
 */

export type MeterTarget =
  /** The site meter the write token belongs to. */
  | { kind: "site" }
  /** A `meter` tag: the id or the name of the site or one of its devices, else the external id of a new device. */
  | { kind: "meter"; ref: string }
  /** A Home Assistant entity, `domain.object_id`: a device meter's external id. */
  | { kind: "entity"; entityId: string };

export interface LocatedReading {
  /** The body line the reading comes from (the first one, when several points share its meter and instant). */
  line: number;
  reading: Reading;
}

/** A cumulative energy register value, in Wh, at an instant (epoch ms). */
export interface LocatedRegister {
  line: number;
  ts: number;
  totalWh: number;
}

export interface MappedTarget {
  /** Unique per target: `site`, `meter:<ref>` or `entity:<entity id>`. */
  key: string;
  target: MeterTarget;
  /** The name for a device meter created for this target: the sender's friendly name, else its id. */
  name: string;
  /** One reading per instant, oldest first; energy from registers is not in them yet (withRegisterEnergy). */
  readings: LocatedReading[];
  /** Register values, oldest first, one per instant. */
  registers: LocatedRegister[];
  /** Field labels that mapped to no metric, sorted. */
  ignoredFields: string[];
}

/** What a reading measures: every field of a reading but its instant. */
type Metric = Exclude<keyof Reading, "ts">;

/** Fields named after a metric. */
const METRIC_FIELDS: ReadonlySet<string> = new Set<Metric>(["power_w", "energy_wh", "voltage_v", "current_a", "power_factor", "thd_pct"]);
/** Fields holding a register, with the factor to Wh. */
const REGISTER_FIELDS: ReadonlyMap<string, number> = new Map([
  ["energy_total_wh", 1],
  ["energy_total_kwh", 1000],
]);

type UnitReading = { metric: Metric; factor: number } | { register: true; factor: number } | "percent";
/** Home Assistant's units of the metrics Wattboard keeps (homeassistant/const.py UnitOfPower, UnitOfEnergy, ...). */
const UNITS: ReadonlyMap<string, UnitReading> = new Map<string, UnitReading>([
  ["W", { metric: "power_w", factor: 1 }],
  ["kW", { metric: "power_w", factor: 1000 }],
  ["Wh", { register: true, factor: 1 }],
  ["kWh", { register: true, factor: 1000 }],
  ["MWh", { register: true, factor: 1e6 }],
  ["V", { metric: "voltage_v", factor: 1 }],
  ["A", { metric: "current_a", factor: 1 }],
  ["mA", { metric: "current_a", factor: 0.001 }],
  ["%", "percent"],
]);

const HA_VALUE = "value";
const HA_METADATA: ReadonlySet<string> = new Set(["friendly_name_str", "device_class_str", "state_class_str", "unit_of_measurement_str"]);
const HARMONICS = /(^|[^a-z])thd([^a-z]|$)|harmonic/i;

/** Groups points by meter and reads their metrics; throws a LineProtocolError for a metric field that is not a number. */
export function mapInfluxPoints(points: LineProtocolPoint[]): MappedTarget[] {
  const builders = new Map<string, TargetBuilder>();
  const unmapped: { key: string; label: string; ignored: string[] }[] = [];
  for (const point of points) {
    const { key, target, label } = targetOf(point);
    const friendlyName = stringField(point, "friendly_name_str");
    let builder = builders.get(key);
    const { values, registerWh, ignored } = readPoint(point);
    if (Object.keys(values).length === 0 && registerWh === undefined) {
      unmapped.push({ key, label, ignored });
      continue;
    }
    if (!builder) {
      builder = new TargetBuilder(key, target, label);
      builders.set(key, builder);
    }
    builder.add(point, values, registerWh, ignored);
    if (friendlyName !== undefined) builder.nameIfUnnamed(friendlyName);
  }
  for (const { key, label, ignored } of unmapped) {
    const owner = builders.get(key);
    if (owner) owner.ignore(ignored);
    else if (ignored.length > 0) siteBuilder(builders).ignore(key === SITE.key ? ignored : ignored.map((field) => `${label}: ${field}`));
  }
  return [...builders.values()].map((builder) => builder.build());
}

/**
 * The readings of a target with the energy derived from its registers: an interval's energy goes into the reading
 * at its instant unless that reading already has energy_wh (a sender's own per-interval figure wins); an interval
 * at an instant with no reading becomes a reading of its own, located at its register's line.
 */
export function withRegisterEnergy(target: MappedTarget, intervals: readonly EnergyInterval[]): LocatedReading[] {
  const byInstant = new Map(target.readings.map((located) => [Date.parse(located.reading.ts), { ...located }]));
  const registerLines = new Map(target.registers.map((register) => [register.ts, register.line]));
  for (const interval of intervals) {
    const existing = byInstant.get(interval.ts);
    if (existing) {
      if (existing.reading.energy_wh === undefined) existing.reading = { ...existing.reading, energy_wh: interval.energyWh };
    } else {
      const line = registerLines.get(interval.ts) ?? 0;
      byInstant.set(interval.ts, { line, reading: { ts: new Date(interval.ts).toISOString(), energy_wh: interval.energyWh } });
    }
  }
  return [...byInstant.entries()].sort(([a], [b]) => a - b).map(([, located]) => located);
}

/**
 * Validates readings against the webhook's contract (ranges, the accepted time window), throwing a LineProtocolError
 * naming the line of the first invalid one, so a line-protocol sender learns which line to fix.
 */
export function validateLocatedReadings(readings: readonly LocatedReading[]): Reading[] {
  throwFirst(readings.map(readingProblem));
  return readings.map((located) => located.reading);
}

/**
 * What a write stores, per target key: each target's readings with the energy of its register intervals
 * (`intervals` by target key, from registerIntervals), all validated first. A reading out of the contract's ranges,
 * or a reading or register value outside the accepted time window, throws a LineProtocolError naming the lowest bad
 * line of the whole body, so a bad request stores nothing.
 */
export function readingsToStore(
  targets: readonly MappedTarget[],
  intervals: ReadonlyMap<string, readonly EnergyInterval[]>,
  nowMs: number = Date.now(),
): Map<string, Reading[]> {
  const merged = targets.map((target) => ({ key: target.key, readings: withRegisterEnergy(target, intervals.get(target.key) ?? []) }));
  throwFirst([
    ...targets.flatMap((target) => target.registers.map((register) => registerProblem(register, nowMs))),
    ...merged.flatMap(({ readings }) => readings.map(readingProblem)),
  ]);
  return new Map(merged.map(({ key, readings }) => [key, readings.map((located) => located.reading)]));
}

type Problem = { line: number; reason: string } | undefined;

function readingProblem(located: LocatedReading): Problem {
  const parsed = Reading.safeParse(located.reading);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join(".");
  return { line: located.line, reason: `${path === "ts" ? "timestamp" : path || "reading"} ${issue.message}` };
}

/** The contract's time window (readings/contract.ts), for register values that become no reading of their own. */
function registerProblem(register: LocatedRegister, nowMs: number): Problem {
  if (register.ts >= OLDEST_READING && register.ts <= nowMs + MAX_FUTURE_SKEW_MS) return undefined;
  return { line: register.line, reason: "timestamp must be between 2000-01-01 and 5 minutes from now" };
}

function throwFirst(problems: Problem[]): void {
  let first: Problem;
  for (const problem of problems) if (problem && (!first || problem.line < first.line)) first = problem;
  if (first) throw new LineProtocolError(first.line, first.reason);
}

const SITE = { key: "site", target: { kind: "site" } as MeterTarget, label: "site" };

function targetOf(point: LineProtocolPoint): { key: string; target: MeterTarget; label: string } {
  const meter = point.tags.get("meter");
  if (meter !== undefined) return { key: `meter:${meter}`, target: { kind: "meter", ref: meter }, label: meter };
  const objectId = point.tags.get("entity_id");
  if (objectId !== undefined) {
    const domain = point.tags.get("domain");
    const entityId = domain !== undefined && !objectId.includes(".") ? `${domain}.${objectId}` : objectId;
    return { key: `entity:${entityId}`, target: { kind: "entity", entityId }, label: entityId };
  }
  return SITE;
}

function siteBuilder(builders: Map<string, TargetBuilder>): TargetBuilder {
  let site = builders.get(SITE.key);
  if (!site) {
    site = new TargetBuilder(SITE.key, SITE.target, SITE.label);
    builders.set(SITE.key, site);
  }
  return site;
}

type MetricValues = Partial<Record<Metric, number>>;

/** The metrics, the register and the ignored field labels of one point. */
function readPoint(point: LineProtocolPoint): { values: MetricValues; registerWh: number | undefined; ignored: string[] } {
  const values: MetricValues = {};
  let registerWh: number | undefined;
  const ignored: string[] = [];
  for (const [key, field] of point.fields) {
    if (METRIC_FIELDS.has(key)) {
      values[key as Metric] = numberOf(point, key, field);
    } else if (REGISTER_FIELDS.has(key)) {
      registerWh = registerOf(point, key, numberOf(point, key, field) * REGISTER_FIELDS.get(key)!);
    } else if (key === HA_VALUE && field.type !== "string" && field.type !== "boolean") {
      const read = readHomeAssistantValue(point, field.value);
      if (read === undefined) ignored.push(`${point.measurement}.${key}`);
      else if ("metric" in read) values[read.metric] = read.value;
      else registerWh = registerOf(point, key, read.registerWh);
    } else if (field.type !== "string" && !HA_METADATA.has(key) && !point.fields.has(`${key}_str`)) {
      ignored.push(`${point.measurement}.${key}`);
    }
  }
  return { values, registerWh, ignored };
}

/** Home Assistant's `value` field read by the entity's unit. */
function readHomeAssistantValue(
  point: LineProtocolPoint,
  value: number,
): { metric: Metric; value: number } | { registerWh: number } | undefined {
  const unit = UNITS.get(point.measurement) ?? UNITS.get(stringField(point, "unit_of_measurement_str") ?? "");
  const deviceClass = stringField(point, "device_class_str");
  if (unit === undefined) return deviceClass === "power_factor" ? { metric: "power_factor", value } : undefined;
  if (unit === "percent") {
    if (deviceClass === "power_factor") return { metric: "power_factor", value: value / 100 };
    const names = `${point.tags.get("entity_id") ?? ""} ${stringField(point, "friendly_name_str") ?? ""}`;
    return HARMONICS.test(names) ? { metric: "thd_pct", value } : undefined;
  }
  if ("register" in unit) return { registerWh: value * unit.factor };
  return { metric: unit.metric, value: value * unit.factor };
}

function numberOf(point: LineProtocolPoint, key: string, field: LineProtocolFieldValue): number {
  if (field.type === "string" || field.type === "boolean") {
    throw new LineProtocolError(point.line, `field '${key}' must be a number, not a ${field.type}`);
  }
  return field.value;
}

function registerOf(point: LineProtocolPoint, key: string, totalWh: number): number {
  if (totalWh < 0) throw new LineProtocolError(point.line, `field '${key}' is a cumulative energy register and must not be negative`);
  return totalWh;
}

function stringField(point: LineProtocolPoint, key: string): string | undefined {
  const field = point.fields.get(key);
  return field?.type === "string" && field.value !== "" ? field.value : undefined;
}

class TargetBuilder {
  private readonly readings = new Map<number, LocatedReading>();
  private readonly registers = new Map<number, LocatedRegister>();
  private readonly ignored = new Set<string>();

  private friendlyName: string | undefined;

  constructor(
    private readonly key: string,
    private readonly target: MeterTarget,
    /** The sender's id for the target, the name when no point gives a friendly one. */
    private readonly label: string,
  ) {}

  /** The first friendly name of the target's points names it. */
  nameIfUnnamed(friendlyName: string): void {
    this.friendlyName ??= friendlyName;
  }

  /** The first value of a metric at an instant wins, as in ingest (readings/ingest.ts keeps the first reading of an instant). */
  add(point: LineProtocolPoint, values: MetricValues, registerWh: number | undefined, ignored: string[]): void {
    const ts = point.timestampMs;
    if (Object.keys(values).length > 0) {
      const existing = this.readings.get(ts);
      if (existing) existing.reading = { ...values, ...existing.reading };
      else this.readings.set(ts, { line: point.line, reading: { ts: new Date(ts).toISOString(), ...values } });
    }
    if (registerWh !== undefined && !this.registers.has(ts)) this.registers.set(ts, { line: point.line, ts, totalWh: registerWh });
    this.ignore(ignored);
  }

  ignore(fields: string[]): void {
    for (const field of fields) this.ignored.add(field);
  }

  build(): MappedTarget {
    return {
      key: this.key,
      target: this.target,
      name: this.friendlyName ?? this.label,
      readings: [...this.readings.entries()].sort(([a], [b]) => a - b).map(([, located]) => located),
      registers: [...this.registers.values()].sort((a, b) => a.ts - b.ts),
      ignoredFields: [...this.ignored].sort(),
    };
  }
}

import { describe, expect, it } from "vitest";
import {
  type DetectedFormat,
  detectFormat,
  LineSplitter,
  RowParser,
  type RowParserOptions,
  unknownHeaderMessage,
} from "../../worker/readings/csv-formats";

function parserFor(header: string, options: Partial<RowParserOptions> = {}) {
  const detected = detectFormat(header) as DetectedFormat;
  expect(detected).toBeDefined();
  return new RowParser(detected, { unit: detected.definition.unit ?? "kwh_per_interval", timeZone: "UTC", ...options });
}

describe("detectFormat", () => {
  it("recognises each format by its header, whatever the case, spaces and byte-order mark", () => {
    expect(detectFormat("Consumption (kWh), Start, End")?.definition.format).toBe("octopus");
    expect(detectFormat(" Consumption (kwh), Start, End, Estimated Cost Inc. Tax (p)")?.definition.format).toBe("octopus");
    expect(detectFormat("entity_id,state,last_changed")?.definition.format).toBe("home_assistant");
    expect(detectFormat("LCLid,stdorToU,DateTime,KWH/hh (per half hour) ")?.definition.format).toBe("low_carbon_london");
    expect(detectFormat("LCLid,tstp,energy(kWh/hh)")?.definition.format).toBe("low_carbon_london");
    expect(detectFormat("\uFEFFtimestamp,value")?.definition.format).toBe("generic");
    expect(detectFormat("Timestamp,kWh")?.definition.format).toBe("generic");
  });

  it("answers undefined for anything else, and the message lists what is understood", () => {
    expect(detectFormat("date,hour,energy_kWh")).toBeUndefined();
    expect(detectFormat("2024-01-01T00:00:00Z,1.5")).toBeUndefined();
    const message = unknownHeaderMessage("date,hour,energy_kWh");
    for (const header of ["timestamp,value", "Consumption (kWh), Start, End", "entity_id,state,last_changed", "LCLid,stdorToU"])
      expect(message).toContain(header);
  });
});

describe("rows to readings", () => {
  it("Octopus: kWh of the half hour, stored at its End, offsets honoured", () => {
    const rows = parserFor("Consumption (kWh), Start, End");
    expect(rows.parse("0.579000, 2025-10-09T12:00:00+01:00, 2025-10-09T12:30:00+01:00")).toEqual({
      reading: { ts: "2025-10-09T11:30:00.000Z", energy_wh: 579 },
    });
    expect(rows.parse("0E-20, 2025-10-26T01:00:00Z, 2025-10-26T01:30:00Z")).toEqual({
      reading: { ts: "2025-10-26T01:30:00.000Z", energy_wh: 0 },
    });
  });

  it("Low Carbon London: stray spaces trimmed, GMT all year, Null reported", () => {
    const rows = parserFor("LCLid,tstp,energy(kWh/hh)");
    // 01:30 on 2013-03-31 does not exist in London time: the trial's clock is GMT.
    expect(rows.parse("MAC000002,2013-03-31 01:30:00, 0.083 ")).toEqual({ reading: { ts: "2013-03-31T01:30:00.000Z", energy_wh: 83 } });
    expect(rows.parse("MAC000002,2013-03-31 02:00:00,Null")).toEqual({ error: 'value "Null" is not a number: skipped' });
    const original = parserFor("LCLid,stdorToU,DateTime,KWH/hh (per half hour) ");
    expect(original.parse("MAC000002,Std,2012-10-12 00:30:00.0000000, 0 ")).toEqual({
      reading: { ts: "2012-10-12T00:30:00.000Z", energy_wh: 0 },
    });
  });

  it("imports one series: the first met, or the one named", () => {
    const rows = parserFor("entity_id,state,last_changed", { unit: "average_w" });
    expect(rows.parse("sensor.house_power,1200.5,2024-07-15T10:00:00.000Z")).toEqual({
      reading: { ts: "2024-07-15T10:00:00.000Z", power_w: 1200.5 },
    });
    expect(rows.parse("sensor.solar_power,300,2024-07-15T10:00:00.000Z")).toHaveProperty("error");
    expect(rows.seriesSeen).toEqual(["sensor.house_power", "sensor.solar_power"]);
    const named = parserFor("entity_id,state,last_changed", { unit: "average_w", series: "sensor.solar_power" });
    expect(named.parse("sensor.house_power,1200.5,2024-07-15T10:00:00.000Z")).toHaveProperty("error");
    expect(named.parse("sensor.solar_power,300,2024-07-15T10:00:00.000Z")).toEqual({
      reading: { ts: "2024-07-15T10:00:00.000Z", power_w: 300 },
    });
  });

  it("Home Assistant: unavailable and unknown states are reported; a cumulative register becomes energy per interval, surviving a reset", () => {
    const rows = parserFor("entity_id,state,last_changed", { unit: "cumulative_kwh" });
    expect(rows.parse("sensor.energy,100.5,2024-07-15T10:00:00.000Z")).toEqual({ skipped: true });
    expect(rows.parse("sensor.energy,100.75,2024-07-15T10:05:00.000Z")).toEqual({
      reading: { ts: "2024-07-15T10:05:00.000Z", energy_wh: 250 },
    });
    expect(rows.parse("sensor.energy,unavailable,2024-07-15T10:06:00.000Z")).toEqual({
      error: 'state "unavailable" is not a number: skipped',
    });
    expect(rows.parse("sensor.energy,unknown,2024-07-15T10:07:00.000Z")).toEqual({ error: 'state "unknown" is not a number: skipped' });
    expect(rows.parse("sensor.energy,100.95,2024-07-15T10:10:00.000Z")).toEqual({
      reading: { ts: "2024-07-15T10:10:00.000Z", energy_wh: 200 },
    });
    expect(rows.parse("sensor.energy,0.1,2024-07-15T10:15:00.000Z")).toEqual({
      reading: { ts: "2024-07-15T10:15:00.000Z", energy_wh: 100 },
    });
    expect(rows.parse("sensor.energy,0.2,2024-07-15T10:12:00.000Z")).toHaveProperty("error");
  });

  it("generic: times without an offset are the meter's wall clock, across both clock changes", () => {
    const rows = parserFor("timestamp,value", { unit: "kwh_per_interval", timeZone: "Europe/London" });
    expect(rows.parse("2024-07-01 12:00,0.5")).toEqual({ reading: { ts: "2024-07-01T11:00:00.000Z", energy_wh: 500 } });
    expect(rows.parse("2024-03-31 01:30:00,0.5")).toEqual({
      error: 'time "2024-03-31 01:30:00" does not exist in Europe/London (the clocks went forward)',
    });
    // The repeated hour: file order decides, so both 01:30s are kept.
    expect(rows.parse("2024-10-27 01:30:00,0.4")).toEqual({ reading: { ts: "2024-10-27T00:30:00.000Z", energy_wh: 400 } });
    expect(rows.parse("2024-10-27 01:30:00,0.3")).toEqual({ reading: { ts: "2024-10-27T01:30:00.000Z", energy_wh: 300 } });
    expect(rows.parse("2024-10-27T02:30:00+00:00,0.2")).toEqual({ reading: { ts: "2024-10-27T02:30:00.000Z", energy_wh: 200 } });
  });

  it("generic: units, and the webhook's ranges", () => {
    const power = parserFor("timestamp,value", { unit: "average_w" });
    expect(power.parse("2024-01-01T00:00:00Z,-350")).toEqual({ reading: { ts: "2024-01-01T00:00:00.000Z", power_w: -350 } });
    const energy = parserFor("timestamp,value", { unit: "kwh_per_interval" });
    expect(energy.parse("2024-01-01T00:00:00Z,-1")).toEqual({ error: "energy_wh must not be negative" });
    expect(energy.parse("1999-12-31T23:00:00Z,1")).toEqual({ error: "ts must be between 2000-01-01 and 5 minutes from now" });
    expect(energy.parse("2024-02-30T00:00:00Z,1")).toHaveProperty("error");
    expect(energy.parse("yesterday,1")).toHaveProperty("error");
    expect(energy.parse("2024-01-01T00:00:00Z,")).toEqual({ error: "no value" });
    expect(energy.parse("")).toEqual({ skipped: true });
    const register = parserFor("timestamp,value", { unit: "cumulative_kwh" });
    expect(register.parse("2024-01-01T00:00:00Z,10.1")).toEqual({ skipped: true });
    expect(register.parse("2024-01-01T01:00:00Z,10.3")).toEqual({ reading: { ts: "2024-01-01T01:00:00.000Z", energy_wh: 200 } });
  });
});

describe("LineSplitter", () => {
  it("numbers lines across pieces cut anywhere, CRLF or LF, with or without a final newline", () => {
    const splitter = new LineSplitter();
    const text = "a,b\r\n1,2\r\n3,4\n5,6";
    const lines = [];
    for (let i = 0; i < text.length; i += 3) lines.push(...splitter.push(text.slice(i, i + 3)));
    lines.push(...splitter.end());
    expect(lines).toEqual([
      { line: "a,b", number: 1 },
      { line: "1,2", number: 2 },
      { line: "3,4", number: 3 },
      { line: "5,6", number: 4 },
    ]);
  });
});

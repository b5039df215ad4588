import { describe, expect, it } from "vitest";
import { type ParsedPrices, PriceCsvError, parsePriceCsv } from "../../worker/tariffs/price-csv";

/*
 * Samples in each export's published layout (header, separators, time format, unit, missing-price
 * markers), with illustrative prices: Octopus Agile's historical-data download
 * (agile.octopushome.net), the Octopus API's standard-unit-rates saved as CSV (newest first),
 * Nord Pool's data portal download (semicolons, dd.mm.yyyy HH:MM:SS, decimal comma), and ENTSO-E's
 * transparency platform day-ahead prices (older "[EUR/MWh]" with Currency and BZN columns, newer
 * "(EUR/MWh)" with Area and Sequence columns and "(CET)"/"(CEST)" after each interval).
 */

function parsed(text: string, options = {}): ParsedPrices {
  return parsePriceCsv(text, options);
}

function failure(text: string, options = {}): { line: number; message: string } {
  try {
    parsePriceCsv(text, options);
  } catch (error) {
    if (error instanceof PriceCsvError) return { line: error.line, message: error.message };
    throw error;
  }
  throw new Error("expected the file to be refused");
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("price files in their real layouts", () => {
  it("Octopus Agile download: UK wall clock, pence per kWh become pounds", () => {
    const agile = [
      "Period from,Period to,Agile Import price (p/kWh),Agile Export price (p/kWh)",
      "01/07/2024 00:00,01/07/2024 00:30,18.9,8.32",
      "01/07/2024 00:30,01/07/2024 01:00,17.85,7.79",
      "01/07/2024 01:00,01/07/2024 01:30,-1.05,0.2",
    ].join("\r\n");
    const result = parsed(agile);
    expect(result).toMatchObject({ format: "octopus_agile", currency: "GBP", slotMinutes: 30, prices: [0.189, 0.1785, -0.0105] });
    // 00:00 in British Summer Time is 23:00 UTC the day before.
    expect(iso(result.startsAt)).toBe("2024-06-30T23:00:00.000Z");
  });

  it("Octopus API rates, newest first as the API lists them, VAT-inclusive column used", () => {
    const api = [
      "value_exc_vat,value_inc_vat,valid_from,valid_to,payment_method",
      "15.96,16.758,2021-06-25T22:00:00Z,2021-06-25T22:30:00Z,",
      "15.2,15.96,2021-06-25T21:30:00Z,2021-06-25T22:00:00Z,",
      "16,16.8,2021-06-25T21:00:00Z,2021-06-25T21:30:00Z,",
    ].join("\n");
    const result = parsed(api);
    expect(result).toMatchObject({ format: "octopus_api", currency: "GBP", slotMinutes: 30, prices: [0.168, 0.1596, 0.16758] });
    expect(iso(result.startsAt)).toBe("2021-06-25T21:00:00.000Z");
  });

  it("Nord Pool data portal: semicolons, decimal commas, Central European time, EUR per MWh", () => {
    const nordPool = [
      "Delivery Start (CET);Delivery End (CET);SE3 (EUR)",
      "01.01.2024 00:00:00;01.01.2024 01:00:00;38,56",
      "01.01.2024 01:00:00;01.01.2024 02:00:00;37,1",
      "01.01.2024 02:00:00;01.01.2024 03:00:00;-0,5",
    ].join("\n");
    const result = parsed(nordPool);
    expect(result).toMatchObject({ format: "nord_pool", currency: "EUR", slotMinutes: 60, prices: [0.03856, 0.0371, -0.0005] });
    expect(iso(result.startsAt)).toBe("2023-12-31T23:00:00.000Z");
  });

  it("ENTSO-E older export: the autumn night's repeated 02:00 hour in file order, unpublished prices at the end left out", () => {
    const entsoe = [
      '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|DE-LU"',
      '"29.10.2023 01:00 - 29.10.2023 02:00","83.01","EUR","BZN|DE-LU"',
      '"29.10.2023 02:00 - 29.10.2023 03:00","80.16","EUR","BZN|DE-LU"',
      '"29.10.2023 02:00 - 29.10.2023 03:00","79.5","EUR","BZN|DE-LU"',
      '"29.10.2023 03:00 - 29.10.2023 04:00","77","EUR","BZN|DE-LU"',
      '"29.10.2023 04:00 - 29.10.2023 05:00","n/e","EUR","BZN|DE-LU"',
      '"29.10.2023 05:00 - 29.10.2023 06:00","","EUR","BZN|DE-LU"',
    ].join("\n");
    const result = parsed(entsoe);
    expect(result).toMatchObject({ format: "entsoe", currency: "EUR", slotMinutes: 60, prices: [0.08301, 0.08016, 0.0795, 0.077] });
    // 01:00 summer time (UTC+2) is 23:00 UTC; four one-hour slots follow without a gap.
    expect(iso(result.startsAt)).toBe("2023-10-28T23:00:00.000Z");
  });

  it("ENTSO-E newer export: (CET)/(CEST) after each interval, and the spring night's 02:00 that does not exist", () => {
    const autumn = [
      '"MTU (CET/CEST)","Area","Sequence","Day-ahead Price (EUR/MWh)"',
      '"26.10.2025 02:00 - 26.10.2025 03:00 (CEST)","BZN|FR","","61.2"',
      '"26.10.2025 02:00 - 26.10.2025 03:00 (CET)","BZN|FR","","58"',
    ].join("\n");
    expect(iso(parsed(autumn).startsAt)).toBe("2025-10-26T00:00:00.000Z");
    expect(parsed(autumn).slotMinutes).toBe(60);
    const spring = [
      '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"',
      '"26.03.2023 01:00 - 26.03.2023 03:00","90"',
      '"26.03.2023 03:00 - 26.03.2023 04:00","88"',
    ].join("\n");
    expect(parsed(spring)).toMatchObject({ slotMinutes: 60, prices: [0.09, 0.088] });
    expect(iso(parsed(spring).startsAt)).toBe("2023-03-26T00:00:00.000Z");
  });

  it("generic timestamp,price_per_kwh: slot starts with offsets, unit and currency from the caller", () => {
    const generic = "timestamp,price_per_kwh\n2024-03-01T00:00:00+01:00,25\n2024-03-01T00:15:00+01:00,26.5\n";
    expect(parsed(generic)).toMatchObject({ format: "generic", currency: null, slotMinutes: 15, prices: [25, 26.5] });
    expect(parsed(generic, { unit: "minor_per_kwh", currency: "EUR" }).prices).toEqual([0.25, 0.265]);
    // Yen have no minor unit.
    expect(parsed(generic, { unit: "minor_per_kwh", currency: "JPY" }).prices).toEqual([25, 26.5]);
    expect(parsed(generic, { unit: "per_mwh" }).prices).toEqual([0.025, 0.0265]);
  });
});

describe("what is refused, by line", () => {
  const generic = (rows: string[]) => ["timestamp,price_per_kwh", ...rows].join("\n");
  it("gaps, duplicates, unsorted and unequal slots", () => {
    expect(failure(generic(["2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,1", "2024-01-01T01:30:00Z,1"]))).toEqual({
      line: 4,
      message: "a gap: no price from 2024-01-01T01:00Z to 2024-01-01T01:30Z",
    });
    expect(failure(generic(["2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,1", "2024-01-01T00:30:00Z,1"])).message).toContain("duplicate");
    expect(
      failure(generic(["2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,1", "2024-01-01T01:00:00Z,1", "2024-01-01T00:00:00Z,1"])),
    ).toMatchObject({
      line: 5,
      message: expect.stringContaining("sorted by time"),
    });
    expect(failure(generic(["2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,1", "2024-01-01T00:40:00Z,1"]))).toMatchObject({
      line: 4,
      message: expect.stringContaining("equal length"),
    });
    const agile =
      "Period from,Period to,Agile Import price (p/kWh)\n01/07/2024 00:00,01/07/2024 00:30,18\n01/07/2024 00:30,01/07/2024 01:30,17";
    expect(failure(agile)).toMatchObject({ line: 3, message: expect.stringContaining("60 minutes long, the first is 30") });
  });

  it("a missing price between two prices is a gap at its own line", () => {
    expect(failure(generic(["2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,", "2024-01-01T01:00:00Z,1"])).line).toBe(3);
  });

  it("prices out of range after conversion, and a unit the file contradicts", () => {
    expect(failure(generic(["2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,-11"]))).toMatchObject({ line: 3 });
    const nordPool = "Delivery Start (CET);Delivery End (CET);SE3 (EUR)\n01.01.2024 00:00:00;01.01.2024 01:00:00;100001";
    expect(failure(nordPool)).toEqual({ line: 2, message: "price 100.001 per kWh (100001 per MWh) is outside -10 to 100 per kWh" });
    expect(failure(nordPool, { unit: "per_kwh" })).toMatchObject({ line: 1, message: expect.stringContaining("per MWh, not per kWh") });
  });

  it("a Nord Pool price column that names no currency needs one from the caller", () => {
    const nordPool = "Delivery Start (CET);Delivery End (CET);SE3\n01.01.2024 00:00:00;01.01.2024 01:00:00;38,56\n";
    expect(failure(nordPool)).toMatchObject({ line: 1, message: expect.stringContaining("give the currency") });
    expect(parsed(nordPool, { currency: "SEK" }).prices).toEqual([0.03856]);
  });

  it("unknown currencies and several areas in one file", () => {
    expect(failure('"MTU (CET/CEST)","Day-ahead Price [ZZZ/MWh]"\n')).toMatchObject({
      line: 1,
      message: 'unknown currency "ZZZ" in the header',
    });
    expect(failure("Delivery Start (CET);Delivery End (CET);SE3 (EUR);SE4 (EUR)\n")).toMatchObject({
      line: 1,
      message: expect.stringContaining("export one area"),
    });
  });

  it("a one-row file without an end, an empty file, and only a header", () => {
    expect(failure(generic(["2024-01-01T00:00:00Z,1"])).message).toContain("at least two slots");
    expect(failure("")).toMatchObject({ line: 1 });
    expect(failure("timestamp,price_per_kwh\n")).toMatchObject({ line: 2, message: "The file has a header but no prices" });
  });
});

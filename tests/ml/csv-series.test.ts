import { describe, expect, it } from "vitest";
import { priceLookup } from "../../ml/training/backtest-core.ts";
import { detectInterval, HOUR_MS, hourlyToCsv, parseCsvSeries, parseTimestamp, resampleHourly } from "../../ml/training/csv-series.ts";

const T0 = Date.UTC(2024, 0, 1);

describe("parseTimestamp", () => {
  it("reads timestamps without an offset as UTC and honours explicit offsets", () => {
    expect(parseTimestamp("2024-01-01 00:30:00")).toBe(T0 + 30 * 60_000);
    expect(parseTimestamp("2024-01-01T00:30")).toBe(T0 + 30 * 60_000);
    expect(parseTimestamp("2024-01-01T01:00:00+01:00")).toBe(T0);
    expect(parseTimestamp("2024-01-01T00:00Z")).toBe(T0);
    expect(parseTimestamp('"2024-01-01"')).toBe(T0);
    expect(parseTimestamp(String(T0 / 1000))).toBe(T0);
    expect(parseTimestamp(String(T0))).toBe(T0);
    expect(parseTimestamp("yesterday")).toBeNaN();
  });
});

describe("parseCsvSeries", () => {
  it("tolerates BOM, CRLF, blank lines, quotes, stray spaces and case in the header", () => {
    const csv = '\uFEFFTimestamp,KWh\r\n"2024-01-01 00:00:00", 0.5 \r\n\r\n2024-01-01T01:00:00Z,"0.25"\r\n';
    expect(parseCsvSeries(csv)).toEqual([
      { t: T0, v: 0.5 },
      { t: T0 + HOUR_MS, v: 0.25 },
    ]);
  });

  it("turns Null/empty/non-numeric values into missing values, sorts, and keeps the last duplicate", () => {
    const csv = ["timestamp,kwh", "2024-01-01T02:00Z,3", "2024-01-01T00:00Z,Null", "2024-01-01T01:00Z,", "2024-01-01T02:00Z,4"].join("\n");
    const pts = parseCsvSeries(csv);
    expect(pts.map((p) => p.t)).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
    expect(pts[0].v).toBeNaN();
    expect(pts[1].v).toBeNaN();
    expect(pts[2].v).toBe(4);
  });

  it("reads other column names (the London trial files) and extra columns", () => {
    const csv = "LCLid,tstp,energy(kWh/hh)\nMAC1,2024-01-01 00:00:00, 0.219 \nMAC1,2024-01-01 00:30:00, 0.241 \n";
    const pts = parseCsvSeries(csv, { timeColumn: "tstp", valueColumn: "energy(kwh/hh)" });
    expect(pts).toEqual([
      { t: T0, v: 0.219 },
      { t: T0 + HOUR_MS / 2, v: 0.241 },
    ]);
  });

  it("rejects a missing header column and an unparseable timestamp with the line number", () => {
    expect(() => parseCsvSeries("time,value\n2024-01-01,1\n")).toThrow(/timestamp.*kwh/);
    expect(() => parseCsvSeries("timestamp,kwh\n2024-01-01,1\nnot-a-date,2\n")).toThrow(/line 3/);
    expect(() => parseCsvSeries("")).toThrow(/empty/);
  });
});

describe("resampleHourly", () => {
  it("sums 15-minute kWh into hours", () => {
    const pts = Array.from({ length: 8 }, (_, i) => ({ t: T0 + i * 15 * 60_000, v: 0.1 * (i + 1) }));
    expect(detectInterval(pts)).toBe(15 * 60_000);
    const s = resampleHourly(pts, { how: "sum" });
    expect(s.start).toBe(T0);
    expect(s.values).toHaveLength(2);
    expect(s.values[0]).toBeCloseTo(0.1 + 0.2 + 0.3 + 0.4, 12);
    expect(s.values[1]).toBeCloseTo(0.5 + 0.6 + 0.7 + 0.8, 12);
  });

  it("scales partly covered hours, leaves poorly covered or absent hours missing", () => {
    // Half-hourly: hour 0 complete, hour 1 has one of two readings, hour 2 absent, hour 3 has a NaN and a value.
    const h = HOUR_MS / 2;
    const pts = [
      { t: T0, v: 1 },
      { t: T0 + h, v: 2 },
      { t: T0 + 2 * h, v: 0.4 },
      { t: T0 + 6 * h, v: NaN },
      { t: T0 + 7 * h, v: 0.3 },
    ];
    const s = resampleHourly(pts, { how: "sum" });
    expect(s.values).toHaveLength(4);
    expect(s.values[0]).toBe(3);
    expect(s.values[1]).toBeCloseTo(0.8, 12); // 1 of 2 present: scaled to the full hour
    expect(s.values[2]).toBeNaN();
    expect(s.values[3]).toBeCloseTo(0.6, 12);
    const strict = resampleHourly(pts, { how: "sum", minCoverage: 1 });
    expect(strict.values[1]).toBeNaN();
    expect(strict.values[0]).toBe(3);
  });

  it("aligns an unaligned start on the UTC hour and keeps hourly input unchanged", () => {
    const pts = [
      { t: T0 + 30 * 60_000, v: 1 },
      { t: T0 + 90 * 60_000, v: 2 },
    ];
    const s = resampleHourly(pts, { how: "sum", intervalMs: HOUR_MS });
    expect(s.start).toBe(T0);
    expect(s.values).toEqual([1, 2]);
  });

  it("averages prices with how=mean and refuses intervals longer than an hour", () => {
    const pts = [
      { t: T0, v: 0.1 },
      { t: T0 + HOUR_MS / 2, v: 0.3 },
    ];
    expect(resampleHourly(pts, { how: "mean" }).values[0]).toBeCloseTo(0.2, 12);
    expect(() =>
      resampleHourly(
        [
          { t: T0, v: 1 },
          { t: T0 + 2 * HOUR_MS, v: 1 },
          { t: T0 + 4 * HOUR_MS, v: 1 },
        ],
        { how: "sum" },
      ),
    ).toThrow(/longer than one hour/);
  });

  it("round-trips through hourlyToCsv (missing hours are omitted)", () => {
    const s = { start: T0, values: [0.1234, NaN, 2] };
    const csv = hourlyToCsv(s);
    expect(csv).toBe("timestamp,kwh\n2024-01-01T00:00Z,0.123\n2024-01-01T02:00Z,2.000\n");
    const back = resampleHourly(parseCsvSeries(csv), { how: "sum", intervalMs: HOUR_MS });
    expect(back.values[0]).toBeCloseTo(0.123, 12);
    expect(back.values[1]).toBeNaN();
    expect(back.values[2]).toBe(2);
  });
});

describe("priceLookup (tariff CSV to hourly prices)", () => {
  it("averages half-hourly prices over the hour and holds the last price", () => {
    const f = priceLookup([
      { t: T0, v: 0.1 },
      { t: T0 + HOUR_MS / 2, v: 0.5 },
      { t: T0 + HOUR_MS, v: 0.2 },
    ]);
    expect(f(T0)).toBeCloseTo(0.3, 12);
    expect(f(T0 + HOUR_MS)).toBeCloseTo(0.2, 12);
    expect(f(T0 + 10 * HOUR_MS)).toBeCloseTo(0.2, 12);
    expect(f(T0 - HOUR_MS)).toBeCloseTo(0.1, 12);
  });
});

import { describe, expect, it } from "vitest";
import type { Tariff } from "../../ml/runtime/planner";
import { horizonPrices } from "../../worker/runs/horizon-prices";

const HOUR = 3_600_000;
const start = Date.parse("2024-01-10T00:00:00Z");

describe("the planner's hourly prices", () => {
  it("an hour's price is the mean of the half-hour slots in it", () => {
    const tariff: Tariff = { kind: "slots", start, slotMinutes: 30, prices: [0.1, 0.3, 0.2, 0.2] };
    expect(horizonPrices(tariff, start, 2)).toEqual({ prices: [0.2, 0.2], filledHours: 0 });
  });

  it("a price change inside an hour counts for the minutes it applies (slots not on the hour)", () => {
    const tariff: Tariff = { kind: "slots", start: start - 15 * 60_000, slotMinutes: 60, prices: [0.4, 0.8] };
    // 00:00–01:00 holds 45 minutes at 0.4 and 15 at 0.8.
    expect(horizonPrices(tariff, start, 1).prices[0]).toBeCloseTo(0.4 * 0.75 + 0.8 * 0.25, 12);
  });

  it("hours after an imported series ends take the same hour of its last known day, and are counted", () => {
    // Two days of hourly prices: day one 1..24 (÷100), day two 101..124 (÷100); the horizon starts 12 h into day two.
    const prices = [...Array.from({ length: 24 }, (_, h) => (1 + h) / 100), ...Array.from({ length: 24 }, (_, h) => (101 + h) / 100)];
    const tariff: Tariff = { kind: "slots", start: start - 36 * HOUR, slotMinutes: 60, prices };
    const result = horizonPrices(tariff, start, 24);
    expect(result.filledHours).toBe(12);
    // Covered: day two's hours 12..23; then hours 0..11 of the next day from day two's 0..11.
    expect(result.prices.slice(0, 12)).toEqual(prices.slice(36, 48));
    expect(result.prices.slice(12)).toEqual(prices.slice(24, 36));
  });

  it("hours before an imported series starts take the same hour of its first day", () => {
    const prices = Array.from({ length: 48 }, (_, h) => h / 100);
    const tariff: Tariff = { kind: "slots", start: start + 2 * HOUR, slotMinutes: 60, prices };
    const result = horizonPrices(tariff, start, 3);
    expect(result).toEqual({ prices: [prices[22], prices[23], prices[0]], filledHours: 2 });
  });

  it("flat and time-of-use tariffs cover every hour", () => {
    expect(horizonPrices({ kind: "flat", price: 0.25 }, start, 3)).toEqual({ prices: [0.25, 0.25, 0.25], filledHours: 0 });
    const tou: Tariff = { kind: "tou", defaultPrice: 0.2, periods: [{ from: "00:30", to: "02:00", price: 0.1 }], timeZone: "UTC" };
    expect(horizonPrices(tou, start, 3).prices).toEqual([0.15, 0.1, 0.2]);
  });
});

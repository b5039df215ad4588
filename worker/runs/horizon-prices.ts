import type { Tariff } from "../../ml/runtime/planner";
import { priceGrid } from "../costs/pricing";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface HorizonPrices {
  /** The mean price of each hour from `start`. */
  prices: number[];
  /** Hours an imported series does not cover, priced as the same hour of its nearest known day. */
  filledHours: number;
}

/**
 * The planner's hourly prices, from the same price grid as every cost (costs/pricing.ts): each
 * hour's price is the mean over the hour of the prices in force, split at the tariff's own
 * boundaries. An imported series that ends inside the horizon (day-ahead prices are published
 * once a day) lends its last known day: a missing hour takes the price of the same hour on the
 * latest day that has one (or, before the series starts, the first day that has one).
 */
export function horizonPrices(tariff: Tariff, start: number, hours: number): HorizonPrices {
  const prices = Array.from({ length: hours }, (_, h) => hourMean(tariff, start + h * HOUR));
  let filledHours = 0;
  for (let h = 0; h < hours; h++) {
    if (Number.isFinite(prices[h])) continue;
    prices[h] = knownDayPrice(tariff, start + h * HOUR);
    filledHours++;
  }
  return { prices, filledHours };
}

function hourMean(tariff: Tariff, from: number): number {
  const grid = priceGrid(tariff, from, from + HOUR);
  let sum = 0;
  for (let i = 0; i < grid.prices.length; i++) {
    const slotStart = grid.origin + i * grid.slotMs;
    const overlap = Math.min(from + HOUR, slotStart + grid.slotMs) - Math.max(from, slotStart);
    if (overlap > 0) sum += grid.prices[i] * overlap;
  }
  return sum / HOUR;
}

/** The same hour on the nearest day the series covers; its mean price when no whole day shifts onto it. */
function knownDayPrice(tariff: Tariff, hour: number): number {
  if (tariff.kind !== "slots") return Number.NaN;
  const first = typeof tariff.start === "number" ? tariff.start : Date.parse(tariff.start);
  const end = first + tariff.prices.length * tariff.slotMinutes * 60_000;
  const days = hour + HOUR > end ? -Math.ceil((hour + HOUR - end) / DAY) : Math.ceil((first - hour) / DAY);
  const shifted = hourMean(tariff, hour + days * DAY);
  if (Number.isFinite(shifted)) return shifted;
  return tariff.prices.reduce((a, b) => a + b, 0) / tariff.prices.length;
}

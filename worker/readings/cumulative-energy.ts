/**
 * Cumulative energy (a register that only grows, as Home Assistant's total_increasing sensors and most meters report
 * it) to energy per interval, the figure the readings table holds: the Wh of the interval that ends at each register
 * value's instant. Pure.
 *
 * Every interval depends only on two consecutive register values, the one at its end and the one before it, so the
 * result is the same whether a batch comes once, twice (the caller passes the register stored just before its
 * first value both times) or in consecutive pieces (the second piece's previous value is the first piece's last).
 * A value that arrives out of order, between two already stored, is not recomputed against them.
 *
 * - The first value with nothing before it starts the register: it has no interval.
 * - Growth is the interval's energy.
 * - A drop below 90 % of the previous value is a reset (a new meter cycle, a replaced meter, a daily counter at
 *   midnight): the new value counts from 0, so it is the interval's energy. This is Home Assistant's own test
 *   (homeassistant/components/sensor/recorder.py, reset_detected: `fstate < 0.9 * previous_fstate`).
 * - A smaller drop is noise (rounding, a float32 database, a meter correcting itself): the interval has 0 Wh, never a
 *   negative energy, and the next interval counts from the lower value.
 * - Two values further apart than maxIntervalMs (one hour by default) give no interval: the energy of a long outage
 *   would all land on the first reading after it, a spike in one hourly bucket that never happened. The later value
 *   starts the register again. One hour keeps each interval within the hour buckets charts and forecasts use; a
 *   slow register that grows by less than one step an hour (a small standby load on a 0.01 kWh counter) loses those
 *   steps, which is at most a few Wh an hour.
 */

export interface EnergyRegister {
  /** Epoch milliseconds. */
  ts: number;
  /** The register's value in Wh. */
  totalWh: number;
}

export interface EnergyInterval {
  /** The end of the interval, epoch milliseconds: the instant of the register value. */
  ts: number;
  energyWh: number;
}

/** Longest interval between two register values that still gives an interval. */
export const MAX_REGISTER_INTERVAL_MS = 60 * 60_000;
/** A value below this fraction of the previous one is a reset; above it (and below the previous), noise. */
export const REGISTER_RESET_FRACTION = 0.9;

export interface RegisterIntervalOptions {
  maxIntervalMs?: number;
}

/**
 * The energy of each interval ending at one of `registers` (in any order; the first of two values at one instant is
 * kept, as ingest keeps the first reading of an instant). `previous` is the value stored just before the first of
 * them, if any; values not after it are skipped.
 */
export function registerIntervals(
  registers: readonly EnergyRegister[],
  previous: EnergyRegister | undefined,
  options: RegisterIntervalOptions = {},
): EnergyInterval[] {
  const maxIntervalMs = options.maxIntervalMs ?? MAX_REGISTER_INTERVAL_MS;
  const intervals: EnergyInterval[] = [];
  let before = previous;
  for (const register of inTimeOrder(registers)) {
    if (before && register.ts <= before.ts) continue;
    if (before && register.ts - before.ts <= maxIntervalMs) {
      intervals.push({ ts: register.ts, energyWh: registerEnergyWh(before.totalWh, register.totalWh) });
    }
    before = register;
  }
  return intervals;
}

/** The energy between two consecutive register values: growth, or after a reset the new value, never negative. */
export function registerEnergyWh(previousWh: number, totalWh: number): number {
  if (totalWh >= previousWh) return totalWh - previousWh;
  return totalWh < REGISTER_RESET_FRACTION * previousWh ? totalWh : 0;
}

/** Oldest first, one value per instant (the first given). */
function inTimeOrder(registers: readonly EnergyRegister[]): EnergyRegister[] {
  const seen = new Set<number>();
  return registers
    .filter((register) => {
      if (seen.has(register.ts)) return false;
      seen.add(register.ts);
      return true;
    })
    .sort((a, b) => a.ts - b.ts);
}

// Pure TS: forecast windows over an hourly series (shared by training, backtest and eval).
import { HISTORY_HOURS, HORIZON_HOURS } from "../runtime/features.ts";
import { HOUR_MS, type HourlySeries, sliceHours } from "./csv-series.ts";

export interface Window {
  /** Forecast start (epoch ms). */
  start: number;
  history: number[];
  actual: number[];
}

function validCount(xs: number[]): number {
  let n = 0;
  for (const x of xs) if (Number.isFinite(x)) n++;
  return n;
}

/**
 * Windows whose start is a multiple of `strideHours` after UTC midnight (stride 24 = each
 * midnight), with the full 168 h history and 24 h horizon inside the series. Windows are skipped
 * when under half the history is present or no hour of the horizon is.
 */
export function makeWindows(s: HourlySeries, strideHours: number): Window[] {
  const out: Window[] = [];
  const stride = strideHours * HOUR_MS;
  const first = s.start + HISTORY_HOURS * HOUR_MS;
  const end = s.start + s.values.length * HOUR_MS;
  let t = Math.ceil(first / stride) * stride;
  for (; t + HORIZON_HOURS * HOUR_MS <= end; t += stride) {
    const history = sliceHours(s, t - HISTORY_HOURS * HOUR_MS, HISTORY_HOURS);
    const actual = sliceHours(s, t, HORIZON_HOURS);
    if (validCount(history) < HISTORY_HOURS / 2 || validCount(actual) === 0) continue;
    out.push({ start: t, history, actual });
  }
  return out;
}

// Pure TypeScript (no Node imports). THE feature module: imported by training (Node) and by
// inference (the Worker, via ml/runtime/forecast.ts). Never duplicate this logic elsewhere.
//
// Input: the 168 hourly kWh values before the forecast start (oldest first, NaN = missing) and
// the forecast start instant. Output: a fixed-length Float32Array of features in the order of
// FEATURE_NAMES, plus the per-meter scale used to normalise (and later de-normalise) the values.

import { isClockChangeDay, isUkBankHoliday, LONDON, localTime, sunElevation, sunsetInstant, utcOffsetHours } from "./calendar.ts";

export const FEATURE_VERSION = 4;
export const HISTORY_HOURS = 168;
export const HORIZON_HOURS = 24;
/** Scale floor (kWh per hour): avoids dividing by ~0 on meters that were almost idle. */
export const MIN_SCALE = 1e-3;

const HOUR_MS = 3_600_000;

export const FEATURE_NAMES: readonly string[] = [
  // history / scale, oldest first: lag_167 is 168 h before the start, lag_0 the last hour.
  ...Array.from({ length: HISTORY_HOURS }, (_, i) => `lag_${HISTORY_HOURS - 1 - i}`),
  // mean over the 7 past days of the hour with the same hour of day as target hour h, / scale.
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `profile_${h}`),
  "start_hour_sin",
  "start_hour_cos",
  // local weekday of the forecast start, Monday = dow_0.
  ...Array.from({ length: 7 }, (_, d) => `dow_${d}`),
  // clamp(ln(scale) + 1, -3, 3): the meter's absolute level (homes ~ 0.1 to 1 kWh/h).
  "log_scale",
  // Robust versions of profile_h over the 7 past days at the same hour of day, / scale (feature
  // version 2): the median, the mean without the lowest and highest day, and the lowest day.
  // Single homes are spiky; these tell a one-off spike apart from a habit.
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `median_profile_${h}`),
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `trimmed_profile_${h}`),
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `min_profile_${h}`),
  // Feature version 3. Mean of the past days at target hour h that share the target's local day
  // type (weekday or weekend), / scale: the weekday one-hot alone cannot make ridge pick the
  // matching days. Then the highest day and the standard deviation of the 7 days at hour h, / scale.
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `daytype_profile_${h}`),
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `max_profile_${h}`),
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `std_profile_${h}`),
  // Feature version 4 (rolling forecasts issued at any hour). One-hot local hour of issue: how far the
  // latest lags carry depends on the time of day, which sin/cos alone cannot express to ridge.
  ...Array.from({ length: 24 }, (_, h) => `issue_hour_${h}`),
  // Mean kWh/h since local midnight and the mean of the 6 previous days over the same hours, / scale (0 at midnight):
  // whether today runs above or below habit.
  "today_so_far",
  "today_profile_so_far",
  // The last 3 hours seen nonlinearly (for the first leads): their highest and lowest, and ln(lag + 0.05) of each
  // (/ scale): an appliance running now says more than the linear lags can.
  "recent_max_3",
  "recent_min_3",
  "log_lag_0",
  "log_lag_1",
  "log_lag_2",
  // Target hour h falls on a UK bank holiday / on a clock-change day (local date of that hour).
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `bank_holiday_${h}`),
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `clock_change_${h}`),
  // Sunset of the issue day in local clock hours, (hours - 18) / 3; then how dark target hour h is
  // (0 in daylight, 1 with the sun 3 degrees or more below the horizon): lighting follows the sun, not the clock.
  "sunset_local",
  ...Array.from({ length: HORIZON_HOURS }, (_, h) => `dark_${h}`),
];
export const N_FEATURES = FEATURE_NAMES.length;

export interface FeatureOptions {
  /** IANA time zone for the calendar features (default "UTC"). */
  timeZone?: string;
  /** The meter's location for the sun features (default London). */
  latitude?: number;
  longitude?: number;
}

export interface Features {
  x: Float32Array;
  /** kWh per hour; forecast = model output * scale. */
  scale: number;
  /** The history after imputation of missing hours (kWh). */
  filled: number[];
}

/** Local hour (0-23) and weekday (Monday = 0) of an instant in a time zone. */
export function localCalendar(t: number, timeZone = "UTC"): { hour: number; dow: number } {
  const { hour, dow } = localTime(t, timeZone);
  return { hour, dow };
}

/**
 * The history with every hour that overlaps one of `ranges` (epoch ms, [from, to)) made missing
 * (NaN), so the features impute it like a gap: hours someone marked as untypical (away) teach the
 * forecast nothing. `historyStart` is the instant of history[0]. Also says how many hours went.
 */
export function leaveOutHours(
  history: ArrayLike<number>,
  historyStart: number,
  ranges: readonly { from: number; to: number }[],
): { history: number[]; hoursLeftOut: number } {
  let hoursLeftOut = 0;
  const out = Array.from(history, (kwh, i) => {
    const hour = historyStart + i * HOUR_MS;
    if (!ranges.some((range) => range.from < hour + HOUR_MS && hour < range.to)) return kwh;
    hoursLeftOut++;
    return NaN;
  });
  return { history: out, hoursLeftOut };
}

/**
 * Fills missing hours: each NaN gets the mean of the present values at the same hour of day in
 * the window; if that hour is missing every day, the mean of all present values.
 * Throws when fewer than 24 hours are present.
 */
export function imputeHistory(history: ArrayLike<number>): number[] {
  const n = history.length;
  const out = Array.from(history, (v) => (Number.isFinite(v) && v >= 0 ? v : NaN));
  let present = 0;
  let total = 0;
  const hs = new Float64Array(24);
  const hc = new Float64Array(24);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(out[i])) continue;
    present++;
    total += out[i];
    hs[(n - i) % 24] += out[i];
    hc[(n - i) % 24] += 1;
  }
  if (present < 24) throw new Error(`history has only ${present} valid hours, need at least 24`);
  if (present === n) return out;
  const mean = total / present;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(out[i])) continue;
    const k = (n - i) % 24;
    out[i] = hc[k] > 0 ? hs[k] / hc[k] : mean;
  }
  return out;
}

/** Builds the feature vector for a forecast of the 24 h starting at `start` (epoch ms). */
export function buildFeatures(history: ArrayLike<number>, start: number, opts: FeatureOptions = {}): Features {
  if (history.length !== HISTORY_HOURS) {
    throw new Error(`history must have ${HISTORY_HOURS} hourly values, got ${history.length}`);
  }
  if (!Number.isFinite(start) || start % HOUR_MS !== 0) throw new Error("start must be a whole hour (epoch ms)");
  const filled = imputeHistory(history);
  let sum = 0;
  for (const v of filled) sum += v;
  const scale = Math.max(sum / HISTORY_HOURS, MIN_SCALE);
  const x = new Float32Array(N_FEATURES);
  let j = 0;
  for (let i = 0; i < HISTORY_HOURS; i++) x[j++] = filled[i] / scale;
  const days = HISTORY_HOURS / 24;
  for (let h = 0; h < HORIZON_HOURS; h++) {
    let s = 0;
    for (let d = 0; d < days; d++) s += filled[d * 24 + h];
    x[j++] = s / days / scale;
  }
  const { hour, dow } = localCalendar(start, opts.timeZone);
  x[j++] = Math.sin((2 * Math.PI * hour) / 24);
  x[j++] = Math.cos((2 * Math.PI * hour) / 24);
  for (let d = 0; d < 7; d++) x[j++] = d === dow ? 1 : 0;
  x[j++] = Math.min(3, Math.max(-3, Math.log(scale) + 1));
  const med = j;
  const trim = med + HORIZON_HOURS;
  const min = trim + HORIZON_HOURS;
  const day = new Float64Array(days);
  for (let h = 0; h < HORIZON_HOURS; h++) {
    for (let d = 0; d < days; d++) day[d] = filled[d * 24 + h];
    day.sort();
    let s = 0;
    for (let d = 1; d < days - 1; d++) s += day[d];
    x[med + h] = day[days >> 1] / scale;
    x[trim + h] = s / (days - 2) / scale;
    x[min + h] = day[0] / scale;
  }
  const dtype = min + HORIZON_HOURS;
  const max = dtype + HORIZON_HOURS;
  const std = max + HORIZON_HOURS;
  // The 24 target hours span at most one local midnight (a local day lasts 23 h or more): find it
  // with a few time-zone lookups rather than one per hour (each costs ~10 us with a time zone).
  const dowAt = (h: number) => localCalendar(start + h * HOUR_MS, opts.timeZone).dow;
  let firstNextDay = HORIZON_HOURS;
  const lastDow = dowAt(HORIZON_HOURS - 1);
  if (lastDow !== dow) {
    let lo = 1;
    firstNextDay = HORIZON_HOURS - 1;
    while (lo < firstNextDay) {
      const mid = (lo + firstNextDay) >> 1;
      if (dowAt(mid) === dow) lo = mid + 1;
      else firstNextDay = mid;
    }
  }
  for (let h = 0; h < HORIZON_HOURS; h++) {
    // Past day d (0 = 7 days back) at target hour h falls (7 - d) days before it: weekday + d mod 7.
    // Day 0 shares the target's weekday, so at least one day matches.
    const targetDow = h < firstNextDay ? dow : lastDow;
    const weekend = targetDow >= 5;
    let s = 0;
    let c = 0;
    let all = 0;
    let s2 = 0;
    let hi = 0;
    for (let d = 0; d < days; d++) {
      const v = filled[d * 24 + h];
      all += v;
      s2 += v * v;
      hi = Math.max(hi, v);
      if ((targetDow + d) % 7 >= 5 === weekend) {
        s += v;
        c++;
      }
    }
    const mean = all / days;
    x[dtype + h] = s / c / scale;
    x[max + h] = hi / scale;
    x[std + h] = Math.sqrt(Math.max(0, s2 / days - mean * mean)) / scale;
  }
  j = std + HORIZON_HOURS;
  x[j + hour] = 1;
  j += 24;
  let todaySum = 0;
  let todayProfile = 0;
  for (let k = 1; k <= hour; k++) {
    todaySum += filled[HISTORY_HOURS - k];
    // The same hour on the 6 previous days (the 7th is beyond the history).
    for (let d = 1; d < days; d++) todayProfile += filled[HISTORY_HOURS - k - d * 24] / (days - 1);
  }
  x[j++] = hour ? todaySum / hour / scale : 0;
  x[j++] = hour ? todayProfile / hour / scale : 0;
  const recent = [1, 2, 3].map((k) => filled[HISTORY_HOURS - k] / scale);
  x[j++] = Math.max(...recent);
  x[j++] = Math.min(...recent);
  for (const v of recent) x[j++] = Math.log(v + 0.05);
  const timeZone = opts.timeZone ?? "UTC";
  const latitude = opts.latitude ?? LONDON.latitude;
  const longitude = opts.longitude ?? LONDON.longitude;
  const holiday = j;
  const clock = holiday + HORIZON_HOURS;
  // The target hours span two local dates at most: look each up once.
  const dayFlags = (t: number) => {
    const l = localTime(t, timeZone);
    return { holiday: isUkBankHoliday(l.year, l.month, l.day) ? 1 : 0, clock: isClockChangeDay(t, timeZone) ? 1 : 0 };
  };
  const first = dayFlags(start);
  const next = firstNextDay < HORIZON_HOURS ? dayFlags(start + firstNextDay * HOUR_MS) : first;
  for (let h = 0; h < HORIZON_HOURS; h++) {
    const f = h < firstNextDay ? first : next;
    x[holiday + h] = f.holiday;
    x[clock + h] = f.clock;
  }
  j = clock + HORIZON_HOURS;
  const sunsetHoursAfterUtcMidnight = (sunsetInstant(start, latitude, longitude) % (24 * HOUR_MS)) / HOUR_MS;
  x[j++] = (sunsetHoursAfterUtcMidnight + utcOffsetHours(start, timeZone) - 18) / 3;
  for (let h = 0; h < HORIZON_HOURS; h++) {
    const elevation = sunElevation(start + (h + 0.5) * HOUR_MS, latitude, longitude);
    x[j++] = Math.min(1, Math.max(0, (3 - elevation) / 6));
  }
  return { x, scale, filled };
}

/** Normalised training target for the 24 h that follow (NaN stays NaN: masked in the loss). */
export function buildTarget(future: ArrayLike<number>, scale: number): Float32Array {
  const y = new Float32Array(HORIZON_HOURS);
  for (let h = 0; h < HORIZON_HOURS; h++) y[h] = Number.isFinite(future[h]) ? future[h] / scale : NaN;
  return y;
}

/** Model output (normalised) back to kWh; negative outputs are clipped to 0. */
export function denormalize(out: ArrayLike<number>, scale: number): number[] {
  return Array.from({ length: HORIZON_HOURS }, (_, h) => Math.max(0, out[h] * scale));
}

// Pure TypeScript (no Node imports): calendar facts for the forecast features (ml/runtime/features.ts):
// local time in a meter's time zone, UK bank holidays, clock-change days and the sun's position.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const DEG = Math.PI / 180;

/** Where a meter without a location is assumed to be (the training households are in London). */
export const LONDON = { latitude: 51.5074, longitude: -0.1278 };

export interface LocalTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  /** Monday = 0 */
  dow: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const localCache = new Map<string, LocalTime>();
/** Bounded cache: training asks for the same hours thousands of times; in a Worker isolate it stays a few hundred kB. */
const LOCAL_CACHE_MAX = 5_000;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Local calendar date, hour and weekday of an instant in an IANA time zone. */
export function localTime(t: number, timeZone = "UTC"): LocalTime {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") {
    const d = new Date(t);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      dow: (d.getUTCDay() + 6) % 7,
    };
  }
  const key = `${timeZone}|${t}`;
  const hit = localCache.get(key);
  if (hit) return hit;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      hourCycle: "h23",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, dow: 0 };
  for (const p of f.formatToParts(new Date(t))) {
    if (p.type === "year") out.year = Number(p.value);
    else if (p.type === "month") out.month = Number(p.value);
    else if (p.type === "day") out.day = Number(p.value);
    else if (p.type === "hour") out.hour = Number(p.value) % 24;
    else if (p.type === "weekday") out.dow = WEEKDAYS.indexOf(p.value);
  }
  if (localCache.size >= LOCAL_CACHE_MAX) localCache.clear();
  localCache.set(key, out);
  return out;
}

/** Hours the local clock is ahead of UTC at t (whole hours are enough for the zones that matter here). */
export function utcOffsetHours(t: number, timeZone = "UTC"): number {
  const local = localTime(t, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour);
  return Math.round((asUtc - Math.floor(t / HOUR_MS) * HOUR_MS) / HOUR_MS);
}

/** True when the local day containing t has a clock change (23 or 25 hours long). */
export function isClockChangeDay(t: number, timeZone = "UTC"): boolean {
  const local = localTime(t, timeZone);
  const midnight = Date.UTC(local.year, local.month - 1, local.day) - utcOffsetHours(t, timeZone) * HOUR_MS;
  return utcOffsetHours(midnight, timeZone) !== utcOffsetHours(midnight + DAY_MS - HOUR_MS, timeZone);
}

const dateKey = (y: number, m: number, d: number) => y * 10_000 + m * 100 + d;

function easterSunday(y: number): { month: number; day: number } {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { month, day: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** Years covered by the bank-holiday table. */
const BANK_HOLIDAY_YEARS = { first: 2012, last: 2030 };

/** Royal occasions and moved holidays of England and Wales that the rules below do not produce. */
const MOVED_HOLIDAYS: Record<number, { drop: number[]; add: number[] }> = {
  2012: { drop: [dateKey(2012, 5, 28)], add: [dateKey(2012, 6, 4), dateKey(2012, 6, 5)] },
  2020: { drop: [dateKey(2020, 5, 4)], add: [dateKey(2020, 5, 8)] },
  2022: { drop: [dateKey(2022, 5, 30)], add: [dateKey(2022, 6, 2), dateKey(2022, 6, 3), dateKey(2022, 9, 19)] },
  2023: { drop: [], add: [dateKey(2023, 5, 8)] },
};

/** England and Wales bank holidays of one year, as yyyymmdd numbers. */
function bankHolidaysOf(y: number): Set<number> {
  const weekday = (m: number, d: number) => (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  const out = new Set<number>();
  const add = (m: number, d: number) => out.add(dateKey(y, m, d));
  // A holiday on a weekend moves to the next weekday that is not already a holiday (Christmas and Boxing Day included).
  const substitute = (fixed: number[]) => {
    const moved = fixed.filter((d) => weekday(12, d) >= 5);
    for (const d of fixed) if (!moved.includes(d)) add(12, d);
    for (const d of moved) {
      let day = d + 1;
      while (weekday(12, day) >= 5 || out.has(dateKey(y, 12, day))) day++;
      add(12, day);
    }
  };
  let newYear = 1;
  while (weekday(1, newYear) >= 5) newYear++;
  add(1, newYear);
  const easter = easterSunday(y);
  const easterMs = Date.UTC(y, easter.month - 1, easter.day);
  for (const offset of [-2, 1]) {
    const d = new Date(easterMs + offset * DAY_MS);
    add(d.getUTCMonth() + 1, d.getUTCDate());
  }
  let firstMondayMay = 1;
  while (weekday(5, firstMondayMay) !== 0) firstMondayMay++;
  add(5, firstMondayMay);
  let lastMondayMay = 31;
  while (weekday(5, lastMondayMay) !== 0) lastMondayMay--;
  add(5, lastMondayMay);
  let lastMondayAug = 31;
  while (weekday(8, lastMondayAug) !== 0) lastMondayAug--;
  add(8, lastMondayAug);
  substitute([25, 26]);
  const moved = MOVED_HOLIDAYS[y];
  if (moved) {
    for (const k of moved.drop) out.delete(k);
    for (const k of moved.add) out.add(k);
  }
  return out;
}

const BANK_HOLIDAYS = new Set<number>();
for (let y = BANK_HOLIDAY_YEARS.first; y <= BANK_HOLIDAY_YEARS.last; y++) for (const k of bankHolidaysOf(y)) BANK_HOLIDAYS.add(k);

/** England and Wales bank holiday (2012-2030; false outside those years). */
export function isUkBankHoliday(year: number, month: number, day: number): boolean {
  return BANK_HOLIDAYS.has(dateKey(year, month, day));
}

/** Declination and equation of time (minutes) of the sun on a UTC day (NOAA's short approximations). */
function solarDay(t: number): { declination: number; equationOfTimeMin: number } {
  const start = Date.UTC(new Date(t).getUTCFullYear(), 0, 1);
  const n = Math.floor((t - start) / DAY_MS) + 1;
  const b = (2 * Math.PI * (n - 81)) / 364;
  return {
    declination: 23.44 * DEG * Math.sin((2 * Math.PI * (284 + n)) / 365),
    equationOfTimeMin: 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b),
  };
}

/** The sun's elevation (degrees) at instant t seen from latitude/longitude (degrees, east positive). */
export function sunElevation(t: number, latitude: number, longitude: number): number {
  const { declination, equationOfTimeMin } = solarDay(t);
  const utcHours = (t % DAY_MS) / HOUR_MS;
  const solarHours = utcHours + longitude / 15 + equationOfTimeMin / 60;
  const hourAngle = (solarHours - 12) * 15 * DEG;
  const lat = latitude * DEG;
  const s = Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, s))) / DEG;
}

/** Sunset of the UTC day containing t, as epoch ms (polar day: midnight after; polar night: noon). */
export function sunsetInstant(t: number, latitude: number, longitude: number): number {
  const { declination, equationOfTimeMin } = solarDay(t);
  const noonUtcHours = 12 - longitude / 15 - equationOfTimeMin / 60;
  const lat = latitude * DEG;
  // -0.833 degrees: refraction and the sun's radius.
  const cosH = (Math.sin(-0.833 * DEG) - Math.sin(lat) * Math.sin(declination)) / (Math.cos(lat) * Math.cos(declination));
  const halfDayHours = Math.acos(Math.max(-1, Math.min(1, cosH))) / DEG / 15;
  return Math.floor(t / DAY_MS) * DAY_MS + (noonUtcHours + halfDayHours) * HOUR_MS;
}

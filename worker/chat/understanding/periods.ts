/**
 * Periods named in chat text ("yesterday", "last week", "since 1 March"), as instants on the meter's clock.
 * Calendar arithmetic runs on local dates; Intl converts a local wall-clock time to an instant, so a day
 * across a clock change is 23 or 25 hours. Weeks start on Monday. Pure: no Worker imports.
 */
import * as chrono from "chrono-node/en";
import { wallClock } from "../../series/wall-clock-contract";
import { foldTracked } from "./normalize";
import { numberValue } from "./quantities";

export type PeriodGrain = "hour" | "day" | "week" | "month" | "year" | "span";

export interface Period {
  /** ISO instant (UTC, Z), inclusive. */
  from: string;
  /** ISO instant, exclusive; for a period in progress: min(end, now). */
  to: string;
  /** How to say it: "yesterday", "last week", "March 2026", "the past 3 days", "since Monday". */
  label: string;
  grain: PeriodGrain;
  /** True when the period contains now (today, this week, this month...). */
  inProgress: boolean;
  /** Where a period in progress ends (to stops at now), so the period before can be a whole one. */
  wholeTo?: string;
  /** A span that comes back every day, week or year ("this morning", "the weekend", "winter"): the one before is one cycle earlier. */
  recurs?: "day" | "week" | "year";
}

export interface PeriodMention extends Period {
  /** Position in the text. */
  index: number;
  end: number;
  /** "the week before", "a week earlier", "this time last year": from/to are relative to now; the engine re-bases them on an earlier mention. */
  relative?: "previous" | "week-earlier" | "year-earlier";
  /** Other readings of an ambiguous phrase ("March" in March: this March so far vs last March; "the weekend"). */
  alternatives?: Period[];
}

// ---------------------------------------------------------------- local calendar on a zone's clock

/** A date on the meter's calendar; month 1-12. */
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** How far the zone's clock is ahead of UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const clock = wallClock(instant, timeZone);
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) - (instant - (instant % 1000));
}

/** The instant a wall-clock time happens in the zone (a time skipped by the clock change moves forward by the jump). */
function instantOf(timeZone: string, date: LocalDate, hour = 0, minute = 0): number {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const guess = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(guess, timeZone);
}

function localDateOf(instant: number, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(instant, timeZone);
  return { year, month, day };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day n months later, the day clamped to the month's length (31 March - 1 month = 28/29 February). */
function addMonths(date: LocalDate, months: number): LocalDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** 1 = Monday ... 7 = Sunday. */
function weekdayOf(date: LocalDate): number {
  return ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
}

function mondayOf(date: LocalDate): LocalDate {
  return addDays(date, 1 - weekdayOf(date));
}

function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function dayLabel(date: LocalDate): string {
  return `${date.day} ${MONTH_NAMES[date.month - 1]} ${date.year}`;
}

function monthLabel(year: number, month: number): string {
  return `${MONTH_NAMES[month - 1]} ${year}`;
}

// ---------------------------------------------------------------- building periods

interface PeriodShape {
  label: string;
  grain: PeriodGrain;
  recurs?: Period["recurs"];
}

/** A period from start to end (ms); one that contains now stops at now, one that has not begun stays whole. */
function periodBetween(start: number, end: number, now: number, shape: PeriodShape): Period {
  const inProgress = start <= now && now < end;
  const period: Period = {
    from: new Date(start).toISOString(),
    to: new Date(inProgress ? now : end).toISOString(),
    label: shape.label,
    grain: shape.grain,
    inProgress,
  };
  if (inProgress) period.wholeTo = new Date(end).toISOString();
  if (shape.recurs) period.recurs = shape.recurs;
  return period;
}

/** The local days first..last, whole. */
function daysPeriod(first: LocalDate, last: LocalDate, now: number, timeZone: string, shape: PeriodShape): Period {
  return periodBetween(instantOf(timeZone, first), instantOf(timeZone, addDays(last, 1)), now, shape);
}

function dayPeriod(date: LocalDate, now: number, timeZone: string, label = dayLabel(date)): Period {
  return daysPeriod(date, date, now, timeZone, { label, grain: "day" });
}

function weekPeriod(monday: LocalDate, now: number, timeZone: string, label = `the week of ${dayLabel(monday)}`): Period {
  return daysPeriod(monday, addDays(monday, 6), now, timeZone, { label, grain: "week" });
}

function monthPeriod(year: number, month: number, now: number, timeZone: string, label = monthLabel(year, month)): Period {
  const first = { year, month, day: 1 };
  return periodBetween(instantOf(timeZone, first), instantOf(timeZone, addMonths(first, 1)), now, { label, grain: "month" });
}

function yearPeriod(year: number, now: number, timeZone: string, label = String(year)): Period {
  return periodBetween(instantOf(timeZone, { year, month: 1, day: 1 }), instantOf(timeZone, { year: year + 1, month: 1, day: 1 }), now, {
    label,
    grain: "year",
  });
}

/** From a local date's midnight until now. */
function sincePeriod(date: LocalDate, now: number, timeZone: string, label: string): Period {
  return periodBetween(instantOf(timeZone, date), now, now, { label, grain: "span" });
}

const DAY_PARTS = {
  morning: { start: 6, hours: 6 },
  afternoon: { start: 12, hours: 6 },
  evening: { start: 18, hours: 6 },
  night: { start: 18, hours: 12 },
} as const;

/** Part of a day: morning 06-12, afternoon 12-18, evening 18-24, night 18-06 the next day. */
function dayPartPeriod(date: LocalDate, part: keyof typeof DAY_PARTS, now: number, timeZone: string, label: string): Period {
  const { start, hours } = DAY_PARTS[part];
  const end = addDays(date, Math.floor((start + hours) / 24));
  return periodBetween(instantOf(timeZone, date, start), instantOf(timeZone, end, (start + hours) % 24), now, {
    label,
    grain: "span",
    recurs: "day",
  });
}

// ---------------------------------------------------------------- the period before, the period shifted

/** The end of the whole period (to stops at now while it is in progress). */
function wholeEnd(period: Period): number {
  return Date.parse(period.wholeTo ?? period.to);
}

function isLocalMidnight(instant: number, timeZone: string): boolean {
  const clock = wallClock(instant, timeZone);
  return clock.hour === 0 && clock.minute === 0 && clock.second === 0;
}

function localDaysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/** Both ends moved by the same number of local days (or months), keeping their wall-clock times. */
function shiftLocal(instant: number, timeZone: string, days: number, months = 0): number {
  const clock = wallClock(instant, timeZone);
  const date = addDays(addMonths(clock, months), days);
  return instantOf(timeZone, date, clock.hour, clock.minute);
}

function previousLabel(period: Period, earlier: LocalDate): string {
  switch (period.grain) {
    case "day":
      if (period.label === "today") return "yesterday";
      if (period.label === "yesterday") return "the day before yesterday";
      return dayLabel(earlier);
    case "week":
      if (period.label === "this week") return "last week";
      return period.label === "last week" ? "the week before last" : `the week of ${dayLabel(earlier)}`;
    case "month":
      if (period.label === "this month") return "last month";
      return period.label === "last month" ? "the month before last" : monthLabel(earlier.year, earlier.month);
    case "year":
      if (period.label === "this year") return "last year";
      return period.label === "last year" ? "the year before last" : String(earlier.year);
    case "hour":
      return "the hour before";
    default:
      return `the period before ${period.label}`;
  }
}

/** The calendar period of the same grain just before (day before, week before, month before...); span: same length before. */
export function previousPeriod(period: Period, timeZone: string): Period {
  const start = Date.parse(period.from);
  const end = wholeEnd(period);
  const startDate = localDateOf(start, timeZone);
  const whole = (from: number, to: number, label: string): Period =>
    periodBetween(from, to, Number.NEGATIVE_INFINITY, { ...period, label });
  switch (period.grain) {
    case "hour":
      return whole(start - (end - start), start, previousLabel(period, startDate));
    case "day": {
      const earlier = addDays(startDate, -1);
      return whole(instantOf(timeZone, earlier), start, previousLabel(period, earlier));
    }
    case "week": {
      const earlier = addDays(startDate, -7);
      return whole(instantOf(timeZone, earlier), start, previousLabel(period, earlier));
    }
    case "month": {
      const earlier = addMonths(startDate, -1);
      return whole(instantOf(timeZone, earlier), start, previousLabel(period, earlier));
    }
    case "year": {
      const earlier = { year: startDate.year - 1, month: 1, day: 1 };
      return whole(instantOf(timeZone, earlier), start, previousLabel(period, earlier));
    }
    case "span": {
      if (period.recurs) {
        const [days, months] = period.recurs === "day" ? [1, 0] : period.recurs === "week" ? [7, 0] : [0, 12];
        return whole(
          shiftLocal(start, timeZone, -days, -months),
          shiftLocal(end, timeZone, -days, -months),
          `a ${period.recurs} before ${period.label}`,
        );
      }
      const stop = Date.parse(period.to);
      if (!period.inProgress && isLocalMidnight(start, timeZone) && isLocalMidnight(stop, timeZone)) {
        const stopDate = localDateOf(stop, timeZone);
        // Whole months (a quarter, a winter, a month given by its dates): as many months before.
        if (startDate.day === 1 && stopDate.day === 1) {
          const months = (stopDate.year - startDate.year) * 12 + stopDate.month - startDate.month;
          const earlier = addMonths(startDate, -months);
          const last = addMonths(earlier, months - 1);
          const label =
            months === 1
              ? monthLabel(earlier.year, earlier.month)
              : `${monthLabel(earlier.year, earlier.month)} to ${monthLabel(last.year, last.month)}`;
          return whole(instantOf(timeZone, earlier), start, label);
        }
        // Whole local days: the same number of days before, each 23, 24 or 25 hours as the calendar says.
        const days = localDaysBetween(startDate, stopDate);
        const earlier = addDays(startDate, -days);
        const label = days === 1 ? dayLabel(earlier) : `${dayLabel(earlier)} to ${dayLabel(addDays(startDate, -1))}`;
        return whole(instantOf(timeZone, earlier), start, label);
      }
      return whole(start - (stop - start), start, previousLabel(period, startDate));
    }
  }
}

function shiftedLabel(period: Period, by: "week" | "year", shiftedStart: LocalDate): string {
  if (by === "year" && period.grain === "month") return monthLabel(shiftedStart.year, shiftedStart.month);
  if (by === "year" && period.grain === "year") return String(shiftedStart.year);
  const unit = period.grain === "day" || period.grain === "week" || period.grain === "month" ? period.grain : "time";
  return `the same ${unit} last ${by}`;
}

/**
 * The same period shifted back by a week or a year (for "this time last year", "same day last week"). A period in
 * progress is compared like for like: the shifted one stops at the same point. A week shifted by a year is the
 * week (Monday to Monday) holding the date a year earlier, so weekdays line up.
 */
export function shiftedPeriod(period: Period, by: "week" | "year", timeZone: string): Period {
  const start = Date.parse(period.from);
  const stop = Date.parse(period.to);
  let from: number;
  let to: number;
  if (by === "week") {
    from = shiftLocal(start, timeZone, -7);
    to = shiftLocal(stop, timeZone, -7);
  } else if (period.grain === "week") {
    const monday = mondayOf(addMonths(localDateOf(start, timeZone), -12));
    from = instantOf(timeZone, monday);
    to = shiftLocal(stop, timeZone, localDaysBetween(localDateOf(start, timeZone), monday));
  } else {
    from = shiftLocal(start, timeZone, 0, -12);
    to = shiftLocal(stop, timeZone, 0, -12);
  }
  return periodBetween(from, to, Number.NEGATIVE_INFINITY, { ...period, label: shiftedLabel(period, by, localDateOf(from, timeZone)) });
}

// ---------------------------------------------------------------- reading the text

/** Common typos and shorthands, folded before reading. */
const RESPELLINGS: Record<string, string> = {
  yesturday: "yesterday",
  yestarday: "yesterday",
  yesterdy: "yesterday",
  yesteday: "yesterday",
  yday: "yesterday",
  ystday: "yesterday",
  yest: "yesterday",
  tday: "today",
  tdy: "today",
  todya: "today",
  tonite: "tonight",
  lst: "last",
  lastt: "last",
  las: "last",
  thsi: "this",
  tihs: "this",
  wk: "week",
  wek: "week",
  weke: "week",
  wks: "weeks",
  mnth: "month",
  mth: "month",
  montth: "month",
  mnths: "months",
  yr: "year",
  yrs: "years",
  hr: "hour",
  hrs: "hours",
  tue: "tuesday",
  tues: "tuesday",
  weds: "wednesday",
  thu: "thursday",
  thur: "thursday",
  thurs: "thursday",
  fri: "friday",
  wkend: "weekend",
  "week-end": "weekend",
};

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const WEEKDAY = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const MONTH_WORDS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const MONTH =
  "(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";
const MONTH_NAMED = new RegExp(`\\b${MONTH}\\b`);
const COUNT =
  "(\\d{1,3}|(?:a )?couple of|(?:a )?few|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)";
const ORDINAL = "(\\d{1,2})(?:st|nd|rd|th)?";

/** Zones whose people write 3/4/2026 for 4 March (month first): the United States'. */
function writesMonthFirst(timeZone: string): boolean {
  return /^(US\/|America\/(New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Juneau|Sitka|Yakutat|Nome|Adak|Metlakatla|Boise|Detroit|Menominee|Indiana\/|Kentucky\/|North_Dakota\/)|Pacific\/Honolulu)/.test(
    timeZone,
  );
}

interface Reading {
  /** What the rule matched in the folded text, and where. */
  match: RegExpExecArray;
  today: LocalDate;
  now: number;
  timeZone: string;
}

type FoundPeriod = Omit<PeriodMention, "index" | "end">;

interface Rule {
  pattern: RegExp;
  read(reading: Reading): FoundPeriod | undefined;
}

/** The most recent local date with this month and day that is not after today. */
function latestDate(month: number, day: number, today: LocalDate): LocalDate {
  const thisYear = { year: today.year, month, day: Math.min(day, daysInMonth(today.year, month)) };
  return compareDates(thisYear, today) <= 0
    ? thisYear
    : { ...thisYear, year: today.year - 1, day: Math.min(day, daysInMonth(today.year - 1, month)) };
}

/** The most recent given weekday on or before `date` (strictly before when `before`). */
function latestWeekday(weekday: number, date: LocalDate, before = false): LocalDate {
  const back = (weekdayOf(date) - weekday + 7) % 7;
  return addDays(date, back === 0 && before ? -7 : -back);
}

function weekdayNumber(name: string): number {
  return WEEKDAYS.indexOf(name) + 1;
}

/** A month named without a year: the latest one that has begun; this month so far has last year's as the other reading. */
function namedMonth(month: number, reading: Reading, last: boolean): FoundPeriod {
  const { today, now, timeZone } = reading;
  const year = month < today.month || (month === today.month && !last) ? today.year : today.year - 1;
  const period: FoundPeriod = monthPeriod(year, month, now, timeZone);
  if (period.inProgress) period.alternatives = [monthPeriod(year - 1, month, now, timeZone)];
  return period;
}

function rolling(reading: Reading, count: number, unit: string, said: string): FoundPeriod {
  const { now, timeZone } = reading;
  const label = `the ${said}`;
  switch (unit) {
    case "hour":
      return periodBetween(now - count * HOUR_MS, now, now, { label, grain: "span" });
    case "week":
      return periodBetween(shiftLocal(now, timeZone, -7 * count), now, now, { label, grain: "span" });
    case "fortnight":
      return periodBetween(shiftLocal(now, timeZone, -14 * count), now, now, { label, grain: "span" });
    case "month":
      return periodBetween(shiftLocal(now, timeZone, 0, -count), now, now, { label, grain: "span" });
    case "year":
      return periodBetween(shiftLocal(now, timeZone, 0, -12 * count), now, now, { label, grain: "span" });
    default:
      return periodBetween(shiftLocal(now, timeZone, -count), now, now, { label, grain: "span" });
  }
}

function unitOf(word: string): string {
  return word
    .replace(/s$/, "")
    .replace(/^(h|hr)$/, "hour")
    .replace(/^d$/, "day")
    .replace(/^w$/, "week");
}

/** The weekend: Saturday and Sunday; while it is on, the other reading is the one before. */
function weekend(reading: Reading, last: boolean): FoundPeriod {
  const { today, now, timeZone } = reading;
  const inWeekend = weekdayOf(today) >= 6;
  const saturday = addDays(latestWeekday(6, today), last && inWeekend ? -7 : 0);
  const shape = { label: last ? "last weekend" : "the weekend", grain: "span" as const, recurs: "week" as const };
  const period: FoundPeriod = daysPeriod(saturday, addDays(saturday, 1), now, timeZone, shape);
  if (period.inProgress)
    period.alternatives = [daysPeriod(addDays(saturday, -7), addDays(saturday, -6), now, timeZone, { ...shape, label: "last weekend" })];
  return period;
}

function calendarUnit(unit: string, offset: number, label: string, reading: Reading): FoundPeriod {
  const { today, now, timeZone } = reading;
  switch (unit) {
    case "day":
      return dayPeriod(addDays(today, offset), now, timeZone, label);
    case "week":
      return weekPeriod(addDays(mondayOf(today), 7 * offset), now, timeZone, label);
    case "month": {
      const first = addMonths({ ...today, day: 1 }, offset);
      return monthPeriod(first.year, first.month, now, timeZone, label);
    }
    default:
      return yearPeriod(today.year + offset, now, timeZone, label);
  }
}

/** A numeric date: ISO (2026-03-14), or d/m/y by the zone's habit unless one part can only be the day. */
function numericDate(first: number, second: number, yearText: string | undefined, reading: Reading): LocalDate | undefined {
  const monthFirst = first <= 12 && (second > 12 || writesMonthFirst(reading.timeZone));
  const [month, day] = monthFirst ? [first, second] : [second, first];
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (!yearText) return day <= daysInMonth(reading.today.year, month) ? latestDate(month, day, reading.today) : undefined;
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  return day <= daysInMonth(year, month) ? { year, month, day } : undefined;
}

function validDate(year: number, month: number, day: number): LocalDate | undefined {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) ? { year, month, day } : undefined;
}

/** Seasons of the northern hemisphere by meteorological months: winter is December to February. */
const SEASONS: Record<string, number> = { spring: 3, summer: 6, autumn: 9, fall: 9, winter: 12 };

function season(name: string, reading: Reading, last: boolean): FoundPeriod {
  const { today, now, timeZone } = reading;
  const firstMonth = SEASONS[name];
  let start = { year: today.year, month: firstMonth, day: 1 };
  while (compareDates(start, today) > 0) start = { ...start, year: start.year - 1 };
  const current = compareDates(today, addMonths(start, 3)) < 0;
  if (last && current) start = { ...start, year: start.year - 1 };
  // A winter spans two years: "winter 2025/26".
  const year = firstMonth === 12 ? `${start.year}/${String(start.year + 1).slice(2)}` : String(start.year);
  const label = current && !last ? `this ${name}` : `${name} ${year}`;
  return periodBetween(instantOf(timeZone, start), instantOf(timeZone, addMonths(start, 3)), now, { label, grain: "span", recurs: "year" });
}

/** Phrases, most specific first; a later rule never reads text an earlier one took. */
const RULES: Rule[] = [
  {
    pattern:
      /\b(?:at )?(?:this|the same) time last year\b|\b(?:the )?same (day|week|month|time|period) last year\b|\ba year (?:earlier|before)\b/g,
    read: ({ today, now, timeZone, match }) => {
      const unit = match[1] ?? "day";
      const period: FoundPeriod =
        unit === "week" || unit === "month"
          ? calendarUnit(unit, 0, `this ${unit}`, { today, now, timeZone, match })
          : dayPeriod(today, now, timeZone, "today");
      return { ...shiftedPeriod(period, "year", timeZone), relative: "year-earlier", label: match[0].replace(/^at /, "") };
    },
  },
  {
    pattern: /\b(?:the )?same (day|time|period) last week\b|\ba week (?:earlier|before)\b|\b(?:at )?this time last week\b/g,
    read: ({ today, now, timeZone, match }) => ({
      ...shiftedPeriod(dayPeriod(today, now, timeZone, "today"), "week", timeZone),
      relative: "week-earlier",
      label: match[0].replace(/^at /, ""),
    }),
  },
  {
    pattern: /\bthe day before yesterday\b/g,
    read: ({ today, now, timeZone }) => dayPeriod(addDays(today, -2), now, timeZone, "the day before yesterday"),
  },
  {
    // "the previous month" is "last month" alone, and the month before the one just talked about in a follow-up.
    pattern:
      /\bthe (day|week|month|year|weekend) (?:before|prior)(?: that| it)?\b|\bthe (?:previous|prior|preceding) (day|week|month|year|weekend)\b|\bthe (?:period|one|time) before\b|\bbefore that\b/g,
    read: (reading) => {
      const unit = reading.match[1] ?? reading.match[2] ?? "day";
      const current = unit === "weekend" ? weekend(reading, false) : calendarUnit(unit, 0, `this ${unit}`, reading);
      return { ...previousPeriod(current, reading.timeZone), relative: "previous", label: reading.match[0] };
    },
  },
  {
    pattern: new RegExp(
      `\\b(?:the |in the |over the |for the )?(past|last|previous|prior) ${COUNT} (hours?|days?|weeks?|fortnights?|months?|years?)\\b`,
      "g",
    ),
    read: (reading) => {
      const [, word, count, unit] = reading.match;
      return rolling(reading, numberValue(count) ?? 1, unitOf(unit), `${word} ${count} ${unit}`);
    },
  },
  {
    pattern: /\b(?:the )?(past|last) (\d{1,3}) ?(h|d|w)\b/g,
    read: (reading) => {
      const [, word, count, unit] = reading.match;
      return rolling(reading, Number(count), unitOf(unit), `${word} ${count} ${unitOf(unit)}${count === "1" ? "" : "s"}`);
    },
  },
  {
    pattern:
      /\b(?:in |over |during |for )?(?:the|this) (past|last) (hour|day|week|month|year)\b|\b(?:the )?(past|last|previous) (fortnight)\b/g,
    read: (reading) => {
      const [, word, unit, fortnightWord, fortnight] = reading.match;
      return rolling(reading, 1, unit ?? fortnight, `${word ?? fortnightWord} ${unit ?? fortnight}`);
    },
  },
  {
    pattern: new RegExp(`\\b(?:${COUNT}|(an?)) (days?|weeks?|months?|years?) ago\\b`, "g"),
    read: (reading) => {
      const [said, count, , unit] = reading.match;
      return calendarUnit(unitOf(unit), -(count ? (numberValue(count) ?? 1) : 1), said, reading);
    },
  },
  {
    pattern: new RegExp(`\\b(?:in |over |for |during )?the (next|coming) ${COUNT} (hours?|days?)\\b`, "g"),
    read: ({ now, timeZone, match }) => {
      const [said, , count, unit] = match;
      const n = numberValue(count) ?? 1;
      const end = unitOf(unit) === "hour" ? now + n * HOUR_MS : shiftLocal(now, timeZone, n);
      // Ahead of now: nothing of it has happened yet, so it is whole and not in progress.
      return {
        from: new Date(now).toISOString(),
        to: new Date(end).toISOString(),
        label: said.replace(/^(in|over|for|during) /, ""),
        grain: "span",
        inProgress: false,
      };
    },
  },
  {
    pattern: /\b(on|since) the (\d{1,2})(?:st|nd|rd|th)\b(?! (?:of )?[a-z]{3})/g,
    read: ({ today, now, timeZone, match }) => {
      const day = Number(match[2]);
      // The latest such day that has begun: this month's, else the month before that has it.
      const date = [0, -1, -2]
        .map((back) => addMonths({ ...today, day: 1 }, back))
        .map((month) => validDate(month.year, month.month, day))
        .find((candidate) => candidate && compareDates(candidate, today) <= 0);
      if (!date) return undefined;
      return match[1] === "since" ? sincePeriod(date, now, timeZone, `since ${dayLabel(date)}`) : dayPeriod(date, now, timeZone);
    },
  },
  {
    pattern: /\b(week|month|year) to date\b|\b(wtd|mtd|ytd)\b/g,
    read: (reading) => {
      const unit = reading.match[1] ?? { wtd: "week", mtd: "month", ytd: "year" }[reading.match[2]] ?? "month";
      return calendarUnit(unit, 0, `this ${unit}`, reading);
    },
  },
  {
    pattern: /\b(yesterday|this|tomorrow) (morning|afternoon|evening|night)\b|\b(tonight|last night)\b/g,
    read: ({ today, now, timeZone, match }) => {
      if (match[3] === "tonight") return dayPartPeriod(today, "night", now, timeZone, "tonight");
      if (match[3] === "last night") return dayPartPeriod(addDays(today, -1), "night", now, timeZone, "last night");
      const offset = match[1] === "yesterday" ? -1 : match[1] === "tomorrow" ? 1 : 0;
      return dayPartPeriod(addDays(today, offset), match[2] as keyof typeof DAY_PARTS, now, timeZone, match[0]);
    },
  },
  {
    pattern: /\b(?:over |during |at |on |for )?(?:the |this |this past |(last))? ?weekend\b/g,
    read: (reading) => weekend(reading, Boolean(reading.match[1])),
  },
  {
    pattern:
      /\b(?:(this|last|previous) (spring|summer|autumn|fall|winter)|(?:in |during |over )(?:the )?(spring|summer|autumn|fall|winter))\b/g,
    read: (reading) => {
      const [, which, name, bare] = reading.match;
      return season(name ?? bare, reading, which === "last" || which === "previous");
    },
  },
  {
    pattern: new RegExp(`\\b(between |from )?(?:last )?${WEEKDAY} (and|to|till|until|-) ${WEEKDAY}\\b`, "g"),
    read: ({ today, now, timeZone, match }) => {
      const [, introduction, firstDay, joiner, lastDay] = match;
      // "Monday and Wednesday" alone are two days; "between Monday and Wednesday" and "Monday to Wednesday" one range.
      if (joiner === "and" && !introduction) return undefined;
      const last = latestWeekday(weekdayNumber(lastDay), today);
      const first = latestWeekday(weekdayNumber(firstDay), last);
      return daysPeriod(first, last, now, timeZone, {
        label: `${capital(firstDay)} to ${capital(lastDay)}`,
        grain: "span",
        recurs: "week",
      });
    },
  },
  {
    pattern: new RegExp(
      `\\b(?:between|from) (?:the )?${ORDINAL} (?:and|to|till|until|-) (?:the )?${ORDINAL} (?:of )?${MONTH}(?: (\\d{4}))?\\b`,
      "g",
    ),
    read: ({ today, now, timeZone, match }) => {
      const [, firstDay, lastDay, monthWord, year] = match;
      const month = MONTH_WORDS[monthWord];
      const endYear = year ? Number(year) : latestDate(month, Number(firstDay), today).year;
      const first = validDate(endYear, month, Number(firstDay));
      const last = validDate(endYear, month, Number(lastDay));
      if (!first || !last || compareDates(first, last) > 0) return undefined;
      return daysPeriod(first, last, now, timeZone, { label: `${first.day} to ${last.day} ${monthLabel(endYear, month)}`, grain: "span" });
    },
  },
  {
    pattern: new RegExp(`\\b(?:between|from) ${MONTH} ${ORDINAL} (?:and|to|till|until|-) (?:${MONTH} )?${ORDINAL}(?:,? (\\d{4}))?\\b`, "g"),
    read: ({ today, now, timeZone, match }) => {
      const [, firstMonthWord, firstDay, lastMonthWord, lastDay, year] = match;
      const lastMonth = MONTH_WORDS[lastMonthWord ?? firstMonthWord];
      const endYear = year ? Number(year) : latestDate(MONTH_WORDS[firstMonthWord], Number(firstDay), today).year;
      const first = validDate(endYear, MONTH_WORDS[firstMonthWord], Number(firstDay));
      const last = validDate(endYear, lastMonth, Number(lastDay));
      if (!first || !last || compareDates(first, last) > 0) return undefined;
      return daysPeriod(first, last, now, timeZone, { label: `${dayLabel(first)} to ${dayLabel(last)}`, grain: "span" });
    },
  },
  {
    // "from the 10th to the 17th" without a month: the latest month in which both days have begun.
    pattern: /\b(?:between|from) the (\d{1,2})(?:st|nd|rd|th) (?:and|to|till|until|-) the (\d{1,2})(?:st|nd|rd|th)\b/g,
    read: ({ today, now, timeZone, match }) => {
      const [firstDay, lastDay] = [Number(match[1]), Number(match[2])];
      const month = lastDay <= today.day ? today : addMonths({ ...today, day: 1 }, -1);
      const first = validDate(month.year, month.month, firstDay);
      const last = validDate(month.year, month.month, lastDay);
      if (!first || !last || compareDates(first, last) > 0) return undefined;
      return daysPeriod(first, last, now, timeZone, {
        label: `${first.day} to ${last.day} ${monthLabel(month.year, month.month)}`,
        grain: "span",
      });
    },
  },
  {
    pattern: new RegExp(`\\bsince (?:last )?${WEEKDAY}\\b`, "g"),
    read: ({ today, now, timeZone, match }) =>
      sincePeriod(latestWeekday(weekdayNumber(match[1]), today), now, timeZone, `since ${capital(match[1])}`),
  },
  {
    pattern: /\bsince (yesterday|last week|last month|last year|the (?:start|beginning|first) of (?:the |this )?(week|month|year))\b/g,
    read: ({ today, now, timeZone, match }) => {
      const [, what, startOf] = match;
      if (what === "yesterday") return sincePeriod(addDays(today, -1), now, timeZone, "since yesterday");
      const unit = startOf ?? what.replace("last ", "");
      const start = calendarUnit(unit, startOf ? 0 : -1, "", { today, now, timeZone, match });
      return periodBetween(Date.parse(start.from), now, now, { label: match[0], grain: "span" });
    },
  },
  {
    pattern: /\b(this|last|previous|next) (hour|week|month|year)\b/g,
    read: (reading) => {
      const [, which, unit] = reading.match;
      const offset = which === "this" ? 0 : which === "next" ? 1 : -1;
      const label = `${which === "previous" ? "last" : which} ${unit}`;
      if (unit === "hour") {
        const clock = wallClock(reading.now, reading.timeZone);
        const hourStart = reading.now - (clock.minute * 60 + clock.second) * 1000 - (reading.now % 1000) + offset * HOUR_MS;
        return periodBetween(hourStart, hourStart + HOUR_MS, reading.now, { label, grain: "hour" });
      }
      return calendarUnit(unit, offset, label, reading);
    },
  },
  {
    pattern: /\b(yesterday|today|tomorrow)\b/g,
    read: (reading) => {
      const word = reading.match[1];
      return calendarUnit("day", word === "yesterday" ? -1 : word === "today" ? 0 : 1, word, reading);
    },
  },
  {
    pattern: new RegExp(`\\b(?:(last|on|this past) )?${WEEKDAY}\\b`, "g"),
    read: ({ today, now, timeZone, match }) => {
      const date = latestWeekday(weekdayNumber(match[2]), today, match[1] === "last");
      if (compareDates(date, today) !== 0)
        return dayPeriod(date, now, timeZone, `${match[1] === "last" ? "last " : ""}${capital(match[2])}`);
      // "on Tuesday" said on a Tuesday: today so far, or perhaps a week ago.
      const period: FoundPeriod = dayPeriod(date, now, timeZone, "today");
      period.alternatives = [dayPeriod(addDays(date, -7), now, timeZone, `last ${capital(match[2])}`)];
      return period;
    },
  },
  {
    pattern: /\b(since |on |from )?(\d{4})-(\d{1,2})-(\d{1,2})\b/g,
    read: ({ now, timeZone, match }) => {
      const date = validDate(Number(match[2]), Number(match[3]), Number(match[4]));
      if (!date) return undefined;
      return match[1] === "since " ? sincePeriod(date, now, timeZone, `since ${dayLabel(date)}`) : dayPeriod(date, now, timeZone);
    },
  },
  {
    // Dots only with a year: "1.5" is a number.
    pattern: /\b(since |on |from )?(\d{1,2})(?:\/(\d{1,2})(?:\/(\d{4}|\d{2}))?|\.(\d{1,2})\.(\d{4}))\b(?![.,]\d)/g,
    read: (reading) => {
      const { match, now, timeZone } = reading;
      // Without a year, "24/7" and "1/2" are not dates: a day and month alone need "on", "since" or "from".
      if (!match[1] && !match[4] && !match[6]) return undefined;
      const date = numericDate(Number(match[2]), Number(match[3] ?? match[5]), match[4] ?? match[6], reading);
      if (!date) return undefined;
      return match[1] === "since " ? sincePeriod(date, now, timeZone, `since ${dayLabel(date)}`) : dayPeriod(date, now, timeZone);
    },
  },
  {
    pattern: /\b(?:in |during |for )?(?:the )?(?:q([1-4])|(first|second|third|fourth) quarter)(?: (?:of )?(\d{4}))?\b/g,
    read: ({ today, now, timeZone, match }) => {
      const quarter = Number(match[1]) || ["first", "second", "third", "fourth"].indexOf(match[2]) + 1;
      const firstMonth = quarter * 3 - 2;
      const year = match[3] ? Number(match[3]) : firstMonth <= today.month ? today.year : today.year - 1;
      const first = { year, month: firstMonth, day: 1 };
      return periodBetween(instantOf(timeZone, first), instantOf(timeZone, addMonths(first, 3)), now, {
        label: `Q${quarter} ${year}`,
        grain: "span",
      });
    },
  },
  {
    pattern: new RegExp(
      `(?<!\\d(?:st|nd|rd|th)?(?: of)? )\\b(?:(since|in|during|for|of|last|this) )?${MONTH}(?:,? (\\d{4}))?\\b(?! \\d)`,
      "g",
    ),
    read: (reading) => {
      const [, before, monthWord, year] = reading.match;
      // "may" and "mar" are words too: a short month name needs a year or a word that introduces or compares it.
      const compared = /\b(vs|versus|than|and|or|to|with|against) $/.test(reading.match.input.slice(0, reading.match.index));
      if (!before && !year && !compared && monthWord.length <= 4 && monthWord !== "june" && monthWord !== "july") return undefined;
      const month = MONTH_WORDS[monthWord];
      const { now, timeZone } = reading;
      if (before === "since") {
        const start = year ? { year: Number(year), month, day: 1 } : latestDate(month, 1, reading.today);
        return sincePeriod(start, now, timeZone, `since ${monthLabel(start.year, month)}`);
      }
      if (year) return monthPeriod(Number(year), month, now, timeZone);
      return namedMonth(month, reading, before === "last");
    },
  },
  {
    pattern: /\b(?:(in|during|for|of|since|year) )(\d{4})\b(?![-/.:])/g,
    read: ({ now, timeZone, match }) => {
      const year = Number(match[2]);
      if (year < 1990 || year > 2100) return undefined;
      if (match[1] === "since") return sincePeriod({ year, month: 1, day: 1 }, now, timeZone, `since ${year}`);
      return yearPeriod(year, now, timeZone);
    },
  },
];

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * chrono's parsers of dates with a month name. The others (times, weekdays, "3 days ago"…) are left out: their
 * large patterns cost over 100 ms of regexp compilation on their first runs, and what they read is discarded
 * here. If the names are not found (a minified bundle), chrono keeps all its parsers.
 */
const MONTH_NAME_PARSERS = new Set([
  "ENMonthNameLittleEndianParser",
  "ENMonthNameMiddleEndianParser",
  "ENMonthNameParser",
  "ENYearMonthNameParser",
]);
const chronos = new Map<boolean, chrono.Chrono>();

/** A chrono reading day-first (British) or month-first (US) dates, made on first use. */
function chronoFor(littleEndian: boolean): chrono.Chrono {
  let parser = chronos.get(littleEndian);
  if (!parser) {
    const config = chrono.configuration.createCasualConfiguration(littleEndian);
    const parsers = config.parsers.filter((p) => MONTH_NAME_PARSERS.has(p.constructor.name));
    parser = new chrono.Chrono(parsers.length >= 3 ? { ...config, parsers } : config);
    chronos.set(littleEndian, parser);
  }
  return parser;
}

/** Dates written in words ("1 March", "March 14th 2025", "from March 1 to March 15"), read by chrono on the meter's calendar. */
function wordDates(text: string, reading: Omit<Reading, "match">, taken: Array<[number, number]>): PlacedPeriod[] {
  // chrono takes a few ms: only text with a number and a month name can hold a date in words.
  if (!/\d/.test(text) || !MONTH_NAMED.test(text)) return [];
  const parser = chronoFor(!writesMonthFirst(reading.timeZone));
  const found: PlacedPeriod[] = [];
  for (const result of parser.parse(text, new Date(reading.now))) {
    const end = result.index + result.text.length;
    // chrono also reads "now" and "3 days ago": only dates with a number and a month name are left for it.
    if (overlaps(taken, result.index, end) || !/\d/.test(result.text) || !MONTH_NAMED.test(result.text)) continue;
    const start = dateOf(result.start, result.text, reading.today);
    if (!start) continue;
    const stop = result.end ? dateOf(result.end, result.text, reading.today, start.year) : undefined;
    const before = text.slice(0, result.index);
    const introduction = /\b(since|on|from) (?:the )?$/.exec(before)?.[0] ?? "";
    const since = introduction.startsWith("since");
    const { now, timeZone } = reading;
    const period: FoundPeriod =
      stop && compareDates(start, stop) <= 0
        ? daysPeriod(start, stop, now, timeZone, { label: `${dayLabel(start)} to ${dayLabel(stop)}`, grain: "span" })
        : since
          ? sincePeriod(start, now, timeZone, `since ${dayLabel(start)}`)
          : dayPeriod(start, now, timeZone);
    found.push({ ...period, index: result.index - introduction.length, end });
  }
  return found;
}

/** A chrono date with a known day and month; the year is the one written (four digits) or the latest that has begun. */
function dateOf(components: chrono.ParsedResult["start"], written: string, today: LocalDate, year?: number): LocalDate | undefined {
  if (!components.isCertain("day") || !components.isCertain("month")) return undefined;
  const month = components.get("month")!;
  const day = components.get("day")!;
  // chrono reads "March 15" as March 2015: only a written four-digit year counts.
  const writtenYear = components.isCertain("year") && /\b\d{4}\b/.test(written) ? components.get("year")! : year;
  return writtenYear ? validDate(writtenYear, month, day) : latestDate(month, day, today);
}

function overlaps(taken: Array<[number, number]>, index: number, end: number): boolean {
  return taken.some(([start, stop]) => index < stop && start < end);
}

const CLOCK_TIME = "(\\d{1,2})(?::(\\d{2}))? ?(am|pm|a\\.m|p\\.m)?";
const CLOCK_RANGE = new RegExp(`\\b(?:between|from) ${CLOCK_TIME} (?:and|to|till|until|-) ${CLOCK_TIME}(?![\\p{L}\\p{N}])`, "gu");

interface ClockTime {
  hour: number;
  minute: number;
}

function hour24(hour: number, meridiem: string | undefined): number {
  return meridiem ? (hour % 12) + (meridiem.startsWith("p") ? 12 : 0) : hour;
}

/**
 * "between 6 and 9pm", "from 07:00 to 10:30": the first time takes the second's pm when that keeps it earlier.
 * Needs an am/pm or a colon, so "from 1 to 15" stays a date range.
 */
function clockRange(match: RegExpMatchArray): [ClockTime, ClockTime] | undefined {
  const [, firstHour, firstMinute, firstMeridiem, secondHour, secondMinute, secondMeridiem] = match;
  if (!firstMeridiem && !secondMeridiem && firstMinute === undefined && secondMinute === undefined) return undefined;
  const second = { hour: hour24(Number(secondHour), secondMeridiem), minute: Number(secondMinute ?? 0) };
  const first = { hour: hour24(Number(firstHour), firstMeridiem), minute: Number(firstMinute ?? 0) };
  if (!firstMeridiem && secondMeridiem?.startsWith("p") && first.hour < 12 && first.hour + 12 <= second.hour) first.hour += 12;
  if (first.hour > 23 || second.hour > 24 || first.minute > 59 || second.minute > 59) return undefined;
  return [first, second];
}

function clockLabel({ hour, minute }: ClockTime): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

type PlacedPeriod = FoundPeriod & { index: number; end: number };

/** What the clock-time readers work on: the folded text, the periods found so far (which they may replace) and the spans taken. */
interface ClockScan {
  text: string;
  found: PlacedPeriod[];
  taken: Array<[number, number]>;
  today: LocalDate;
  now: number;
  timeZone: string;
}

/** Times of day ("yesterday between 6 and 9pm"): on the day named nearest to them, which they replace, else today. */
function clockRanges({ text, found, taken, today, now, timeZone }: ClockScan): void {
  for (const match of text.matchAll(CLOCK_RANGE)) {
    const index = match.index;
    const end = index + match[0].length;
    const times = clockRange(match);
    if (!times || overlaps(taken, index, end)) continue;
    const distance = (mention: PlacedPeriod) => Math.max(mention.index - end, index - mention.end);
    const days = found.filter((mention) => mention.grain === "day" && !mention.relative).sort((a, b) => distance(a) - distance(b));
    const day = days[0];
    if (day) found.splice(found.indexOf(day), 1);
    const date = day ? localDateOf(Date.parse(day.from), timeZone) : today;
    const [first, second] = times;
    // "between 10pm and 6am" ends the next morning.
    const endDate = second.hour * 60 + second.minute <= first.hour * 60 + first.minute ? addDays(date, 1) : date;
    const period = periodBetween(
      instantOf(timeZone, date, first.hour, first.minute),
      instantOf(timeZone, endDate, second.hour, second.minute),
      now,
      {
        label: `${day?.label ?? "today"} ${clockLabel(first)} to ${clockLabel(second)}`,
        grain: "span",
        recurs: "day",
      },
    );
    taken.push([index, end]);
    found.push({ ...period, index: Math.min(index, day?.index ?? index), end: Math.max(end, day?.end ?? end) });
  }
}

const CLOCK_SINCE = new RegExp(`\\bsince ${CLOCK_TIME}(?![\\p{L}\\p{N}])`, "gu");

/** "since 8am", "since 07:30": from that time today (yesterday's when it is still to come) until now. Needs am/pm or a colon. */
function clockSince({ text, found, taken, today, now, timeZone }: ClockScan): void {
  for (const match of text.matchAll(CLOCK_SINCE)) {
    const [, hour, minute, meridiem] = match;
    const index = match.index;
    const end = index + match[0].length;
    if ((!meridiem && minute === undefined) || overlaps(taken, index, end)) continue;
    const time = { hour: hour24(Number(hour), meridiem), minute: Number(minute ?? 0) };
    if (time.hour > 23 || time.minute > 59) continue;
    let start = instantOf(timeZone, today, time.hour, time.minute);
    if (start > now) start = instantOf(timeZone, addDays(today, -1), time.hour, time.minute);
    taken.push([index, end]);
    found.push({ ...periodBetween(start, now, now, { label: `since ${clockLabel(time)}`, grain: "span" }), index, end });
  }
}

/** Every period the text names, in text order, in the meter's zone; weeks start on Monday. */
export function parsePeriods(text: string, now: Date, timeZone: string): PeriodMention[] {
  const folded = foldTracked(text, { keepInnerPunctuation: true, respell: (word) => RESPELLINGS[word] });
  const nowMs = now.getTime();
  const today = localDateOf(nowMs, timeZone);
  const taken: Array<[number, number]> = [];
  const found: PlacedPeriod[] = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let match = rule.pattern.exec(folded.text); match; match = rule.pattern.exec(folded.text)) {
      const index = match.index;
      const end = index + match[0].length;
      if (overlaps(taken, index, end)) continue;
      const period = rule.read({ match, today, now: nowMs, timeZone });
      if (!period) continue;
      taken.push([index, end]);
      found.push({ ...period, index, end });
    }
  }
  const scan: ClockScan = { text: folded.text, found, taken, today, now: nowMs, timeZone };
  clockRanges(scan);
  clockSince(scan);
  found.push(...wordDates(folded.text, { today, now: nowMs, timeZone }, taken));
  return found.sort((a, b) => a.index - b.index).map((mention) => ({ ...mention, ...folded.source(mention.index, mention.end) }));
}

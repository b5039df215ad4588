import type { TimeWindow } from "../charts/chart-spec-contract";
import { wallClock } from "./wall-clock-contract";

const HOUR = 3_600_000;

/** Offset of `zone` from UTC at `instant`, in ms (positive east of Greenwich). */
function zoneOffsetMs(instant: number, zone: string): number {
  const local = wallClock(instant, zone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall clock in `zone` shows `naive` (local time written as if it were UTC, in ms). */
function zonedInstant(naive: number, zone: string): Date {
  let instant = naive - zoneOffsetMs(naive, zone);
  // A second pass settles dates where the offset differs between the guess and the answer.
  instant = naive - zoneOffsetMs(instant, zone);
  return new Date(instant);
}

/** The instant of local midnight on a calendar date in `zone` (days and months may overflow, as in Date.UTC). */
export function zonedMidnight(year: number, monthIndex: number, day: number, zone: string): Date {
  return zonedInstant(Date.UTC(year, monthIndex, day), zone);
}

/** The instant a wall clock in `zone` shows `hour`:00 on a calendar date (a skipped hour gives the instant after the gap). */
export function zonedHour(year: number, monthIndex: number, day: number, hour: number, zone: string): Date {
  return zonedInstant(Date.UTC(year, monthIndex, day, hour), zone);
}

/**
 * The same wall-clock time `months` and `days` later (negative: earlier) in `zone`: a month back
 * from 31 March is the last day of February. Calendar shifts keep local hours across DST.
 */
export function shiftCalendar(instant: Date, { months = 0, days = 0 }: { months?: number; days?: number }, zone: string): Date {
  const local = wallClock(instant.getTime(), zone);
  const lastDay = new Date(Date.UTC(local.year, local.month - 1 + months + 1, 0)).getUTCDate();
  const naive = Date.UTC(local.year, local.month - 1 + months, Math.min(local.day, lastDay) + days, local.hour, local.minute, local.second);
  return new Date(zonedInstant(naive, zone).getTime() + (instant.getTime() % 1000));
}

/** Turns a chart's window into instants; "this month" and "this year" follow the meter's calendar. */
export function resolveWindow(window: TimeWindow, now: Date, zone: string): { from: Date; to: Date } {
  if (window.kind === "absolute") return { from: new Date(window.from), to: new Date(window.to) };
  const to = now;
  switch (window.preset) {
    case "last_hour":
      return { from: new Date(to.getTime() - HOUR), to };
    case "last_24h":
      return { from: new Date(to.getTime() - 24 * HOUR), to };
    case "last_7d":
      return { from: new Date(to.getTime() - 7 * 24 * HOUR), to };
    case "last_30d":
      return { from: new Date(to.getTime() - 30 * 24 * HOUR), to };
    case "this_month": {
      const { year, month } = wallClock(now.getTime(), zone);
      return { from: zonedMidnight(year, month - 1, 1, zone), to };
    }
    case "this_year":
      return { from: zonedMidnight(wallClock(now.getTime(), zone).year, 0, 1, zone), to };
  }
}

/** A calendar period kind, in the meter's zone (weeks start on Monday). */
export type CalendarPeriod = "day" | "week" | "month" | "year";

/** How far one period reaches, as a calendar shift. */
export const PERIOD_STEP: Record<CalendarPeriod, { months?: number; days?: number }> = {
  day: { days: 1 },
  week: { days: 7 },
  month: { months: 1 },
  year: { months: 12 },
};

/** The local calendar day, week (from Monday), month or year around `at` in `zone`: a DST day lasts 23 or 25 hours. */
export function calendarPeriod(kind: CalendarPeriod, at: Date, zone: string): { from: Date; to: Date } {
  const { year, month, day } = wallClock(at.getTime(), zone);
  const monthIndex = month - 1;
  switch (kind) {
    case "day":
      return { from: zonedMidnight(year, monthIndex, day, zone), to: zonedMidnight(year, monthIndex, day + 1, zone) };
    case "week": {
      const sinceMonday = (new Date(Date.UTC(year, monthIndex, day)).getUTCDay() + 6) % 7;
      return {
        from: zonedMidnight(year, monthIndex, day - sinceMonday, zone),
        to: zonedMidnight(year, monthIndex, day - sinceMonday + 7, zone),
      };
    }
    case "month":
      return { from: zonedMidnight(year, monthIndex, 1, zone), to: zonedMidnight(year, monthIndex + 1, 1, zone) };
    case "year":
      return { from: zonedMidnight(year, 0, 1, zone), to: zonedMidnight(year + 1, 0, 1, zone) };
  }
}

/** Local days begun in [from, to) where `from` is a local midnight: what a daily standing charge counts. */
export function daysBegun(from: Date, to: Date, zone: string): number {
  let days = 0;
  for (let day = from; day < to; day = shiftCalendar(day, { days: 1 }, zone)) days++;
  return days;
}

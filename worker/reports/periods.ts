/**
 * Which report is due when: pure, on the meter's own calendar, so the Cron Trigger (every 5
 * minutes) can ask at any moment and a missed or doubled run changes nothing.
 */

import { wallClock } from "../series/wall-clock-contract";
import { calendarPeriod, zonedHour } from "../series/windows";
import type { ReportCadence } from "./contract";

/** A cadence's send moment within its own period: days after the period's first day, and the local hour. */
export interface SendMoment {
  cadence: ReportCadence;
  /** 0 for the first day of the week (Monday) or of the month. */
  dayOffset: number;
  hour: number;
}

/**
 * The period whose report is due at `at`: the calendar week (or month) before the current one,
 * once the current one has reached its send moment; null before it (the reports of earlier
 * periods were due in earlier periods: a schedule set today makes none of them).
 */
export function duePeriod(moment: SendMoment, zone: string, at: Date): { from: Date; to: Date } | null {
  const current = calendarPeriod(moment.cadence, at, zone);
  const first = wallClock(current.from.getTime(), zone);
  const sendAt = zonedHour(first.year, first.month - 1, first.day + moment.dayOffset, moment.hour, zone);
  if (at < sendAt) return null;
  return calendarPeriod(moment.cadence, new Date(current.from.getTime() - 1), zone);
}

import { and, desc, eq, isNotNull, or, type SQL, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { meters, reportSchedules, reports } from "../db/schema";
import type { ReportCadence } from "./contract";

export type ReportScheduleRow = typeof reportSchedules.$inferSelect;
export type ReportRow = typeof reports.$inferSelect;
export type NewReport = typeof reports.$inferInsert;

export async function getSchedule(db: Database, ownerId: string, meterId: string): Promise<ReportScheduleRow | undefined> {
  const [row] = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.meterId, meterId), eq(reportSchedules.ownerId, ownerId)));
  return row;
}

export async function saveSchedule(db: Database, schedule: Omit<ReportScheduleRow, "updatedAt">): Promise<void> {
  const { meterId, ownerId, ...times } = schedule;
  await db
    .insert(reportSchedules)
    .values(schedule)
    .onConflictDoUpdate({ target: reportSchedules.meterId, set: { ...times, updatedAt: new Date() } });
}

/**
 * The site schedules with a report due at `at` and not made yet, all owners (the Cron Trigger's
 * round), with which cadences are due: on the meter's wall clock, the current week (from Monday)
 * or month has reached its send moment, and no report exists for the period before it. Postgres
 * picks them, so a round reads only what it makes; `duePeriod` (periods.ts) still names each
 * period, and a report made meanwhile is not made twice (insertReportOnce).
 */
export function dueSchedules(db: Database, at: Date) {
  const local = sql`(${at.toISOString()}::timestamptz AT TIME ZONE ${meters.timezone})`;
  const due = (cadence: ReportCadence, start: SQL, day: SQL, hour: SQL, previous: SQL) =>
    and(
      isNotNull(day),
      isNotNull(hour),
      sql`${local} >= ${start} + make_interval(days => ${day} - 1, hours => ${hour})`,
      sql`NOT EXISTS (SELECT 1 FROM ${reports} WHERE ${reports.meterId} = ${meters.id} AND ${reports.cadence} = ${cadence}
        AND ${reports.periodFrom} = (${previous} AT TIME ZONE ${meters.timezone}))`,
    ) as SQL;
  const weekStart = sql`date_trunc('week', ${local})`;
  const monthStart = sql`date_trunc('month', ${local})`;
  const weekly = due(
    "week",
    weekStart,
    sql`${reportSchedules.weeklyWeekday}`,
    sql`${reportSchedules.weeklyHour}`,
    sql`(${weekStart} - interval '7 days')`,
  );
  const monthly = due(
    "month",
    monthStart,
    sql`${reportSchedules.monthlyDay}`,
    sql`${reportSchedules.monthlyHour}`,
    sql`(${monthStart} - interval '1 month')`,
  );
  return db
    .select({
      schedule: reportSchedules,
      meter: meters,
      weekly: sql<boolean>`coalesce(${weekly}, false)`,
      monthly: sql<boolean>`coalesce(${monthly}, false)`,
    })
    .from(reportSchedules)
    .innerJoin(meters, and(eq(meters.id, reportSchedules.meterId), eq(meters.ownerId, reportSchedules.ownerId)))
    .where(and(eq(meters.kind, "site"), or(weekly, monthly)));
}

/** Stores a report unless its period has one already (a concurrent run made it): then undefined. */
export async function insertReportOnce(db: Database | Transaction, report: NewReport): Promise<ReportRow | undefined> {
  const [row] = await db.insert(reports).values(report).onConflictDoNothing().returning();
  return row;
}

export function listReports(db: Database, ownerId: string, limit: number) {
  return db
    .select({
      id: reports.id,
      meterId: reports.meterId,
      cadence: reports.cadence,
      periodFrom: reports.periodFrom,
      periodTo: reports.periodTo,
      meterName: sql<string>`${reports.content}->>'meterName'`,
      createdAt: reports.createdAt,
    })
    .from(reports)
    .where(eq(reports.ownerId, ownerId))
    .orderBy(desc(reports.createdAt))
    .limit(limit);
}

export async function getReport(db: Database, ownerId: string, id: string): Promise<ReportRow | undefined> {
  const [row] = await db
    .select()
    .from(reports)
    .where(and(eq(reports.id, id), eq(reports.ownerId, ownerId)));
  return row;
}

import { and, desc, eq, or, sql } from "drizzle-orm";
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

/** Every schedule with its meter (the Cron Trigger's round, all owners). */
export function allSchedules(db: Database) {
  return db
    .select({ schedule: reportSchedules, meter: meters })
    .from(reportSchedules)
    .innerJoin(meters, and(eq(meters.id, reportSchedules.meterId), eq(meters.ownerId, reportSchedules.ownerId)));
}

/** Which of these (meter, cadence, period start) reports are made already: their reportKey()s. */
export async function madeReportKeys(
  db: Database,
  candidates: { meterId: string; cadence: ReportCadence; periodFrom: Date }[],
): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const rows = await db
    .select({ meterId: reports.meterId, cadence: reports.cadence, periodFrom: reports.periodFrom })
    .from(reports)
    .where(
      or(
        ...candidates.map((c) => and(eq(reports.meterId, c.meterId), eq(reports.cadence, c.cadence), eq(reports.periodFrom, c.periodFrom))),
      ),
    );
  return new Set(rows.map((r) => reportKey(r.meterId, r.cadence, r.periodFrom)));
}

export const reportKey = (meterId: string, cadence: ReportCadence, periodFrom: Date) => `${meterId}/${cadence}/${periodFrom.getTime()}`;

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

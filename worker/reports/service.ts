/**
 * Weekly and monthly reports of a site meter: when they are made (the person's schedule), what
 * they say (the money summary against the period before, the device that cost most, the latest
 * forecast, the week after estimated from history, the plans' realised savings, the alerts that fired), and the round the Cron Trigger
 * makes (`makeDueReports`): one report per meter and period, however often it runs.
 */

import type { Actor } from "../actor";
import { firedAndResolvedOfSite } from "../alerts/rules-queries";
import { audit } from "../audit/service";
import { summarizeMeter } from "../costs/summary";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { requireRole } from "../homes/policy";
import { memberIds } from "../homes/queries";
import type { MeterRow } from "../meters/queries";
import { requireMeter } from "../meters/service";
import { inQuietHours } from "../notifications/compose";
import { getNotificationSettings, insertNotification, type NotificationRow } from "../notifications/queries";
import { publishNotifications } from "../notifications/service";
import { realisedPlanSavings } from "../runs/accuracy";
import { latestModelRun } from "../runs/queries";
import type { Report, ReportAlert, ReportCadence, ReportContent, ReportList, ReportSchedule } from "./contract";
import { weekOutlook } from "./outlook";
import { duePeriod, type SendMoment } from "./periods";
import * as queries from "./queries";
import { reportNotice } from "./wording";

/** A meter's schedule; every cadence off until set. 404 for a missing or foreign meter. */
export async function reportSchedule(actor: Actor, meterId: string): Promise<ReportSchedule> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  return scheduleDto(await queries.getSchedule(actor.db, actor.homeId, meter.id));
}

/** Sets when a site meter's reports are made (a device meter's money is in its site's report: 400). */
export async function saveReportSchedule(actor: Actor, meterId: string, schedule: ReportSchedule): Promise<ReportSchedule> {
  requireRole(actor, "editor");
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  if (meter.kind !== "site")
    throw new ApiError(
      400,
      "invalid_request",
      `Reports are made for site meters; ${meter.name} is a device meter (its costs are in its site's report)`,
      [{ path: "id", message: "must be a site meter" }],
    );
  await queries.saveSchedule(actor.db, {
    meterId: meter.id,
    ownerId: actor.homeId,
    weeklyWeekday: schedule.weekly?.weekday ?? null,
    weeklyHour: schedule.weekly?.hour ?? null,
    monthlyDay: schedule.monthly?.day ?? null,
    monthlyHour: schedule.monthly?.hour ?? null,
  });
  await audit(
    actor,
    "settings.report_schedule",
    { kind: "meter", id: meter.id },
    { weekly: schedule.weekly !== null, monthly: schedule.monthly !== null },
  );
  return schedule;
}

function scheduleDto(row: queries.ReportScheduleRow | undefined): ReportSchedule {
  return {
    weekly: row?.weeklyWeekday != null && row.weeklyHour != null ? { weekday: row.weeklyWeekday, hour: row.weeklyHour } : null,
    monthly: row?.monthlyDay != null && row.monthlyHour != null ? { day: row.monthlyDay, hour: row.monthlyHour } : null,
  };
}

/** The schedule's send moments within their periods. */
function sendMoments(row: queries.ReportScheduleRow): SendMoment[] {
  const { weekly, monthly } = scheduleDto(row);
  const moments: SendMoment[] = [];
  if (weekly) moments.push({ cadence: "week", dayOffset: weekly.weekday - 1, hour: weekly.hour });
  if (monthly) moments.push({ cadence: "month", dayOffset: monthly.day - 1, hour: monthly.hour });
  return moments;
}

/** The person's reports, newest first. */
export async function listReports(actor: Actor): Promise<ReportList> {
  const rows = await queries.listReports(actor.db, actor.homeId, 100);
  return {
    reports: rows.map((row) => ({
      id: row.id,
      meterId: row.meterId,
      meterName: row.meterName,
      cadence: row.cadence,
      from: row.periodFrom.toISOString(),
      to: row.periodTo.toISOString(),
      createdAt: row.createdAt.toISOString(),
    })),
  };
}

export async function getReport(actor: Actor, id: string): Promise<Report> {
  const row = await queries.getReport(actor.db, actor.homeId, id);
  if (!row) throw notFound("Report");
  return {
    id: row.id,
    meterId: row.meterId,
    cadence: row.cadence,
    from: row.periodFrom.toISOString(),
    to: row.periodTo.toISOString(),
    createdAt: row.createdAt.toISOString(),
    ...row.content,
  };
}

/** The alerts of the site's rules (and its devices') that fired or resolved in [from, to), oldest first. */
export async function alertsFiredDuring(db: Database, ownerId: string, siteId: string, from: Date, to: Date): Promise<ReportAlert[]> {
  const events = await firedAndResolvedOfSite(db, ownerId, siteId, from, to);
  return events.map((event) => ({ ...event, at: event.at.toISOString() }));
}

/** What the report of a finished period says, read now (nothing is written). */
export async function reportContent(
  db: Database,
  meter: MeterRow,
  cadence: ReportCadence,
  period: { from: Date; to: Date },
  now: Date,
): Promise<ReportContent> {
  const summary = await summarizeMeter(db, meter.ownerId, meter.id, cadence, period.from, now);
  // The device that cost most; by energy when a device's cost is unknown (a missing price).
  const byCost = summary.byDevice.every((d) => d.cost !== null);
  const top = [...summary.byDevice].sort((a, b) => (byCost ? b.cost! - a.cost! : b.energyKwh - a.energyKwh))[0];
  const run = await latestModelRun(db, meter.ownerId, meter.id);
  return {
    meterName: meter.name,
    timezone: meter.timezone,
    summary,
    topDevice: top ? { meterId: top.meterId, name: top.name, energyKwh: top.energyKwh, cost: top.cost } : null,
    forecast: run
      ? {
          issuedAt: run.inputTo.toISOString(),
          hours: run.forecastKwh.length,
          energyKwh: run.figures.forecastKwh,
          expectedCost: run.figures.expectedCost,
          peakKw: run.figures.peakKw,
          currency: run.figures.currency,
        }
      : null,
    outlook: await weekOutlook(db, meter, period.to),
    savings: await realisedPlanSavings(db, meter, period.from.getTime(), period.to.getTime()),
    alerts: await alertsFiredDuring(db, meter.ownerId, meter.id, period.from, period.to),
  };
}

/**
 * The Cron Trigger's round: every schedule whose send moment has passed in the current period
 * gets the previous period's report (Postgres selects only those not made yet), made once (a
 * unique key per meter, cadence and period start: a second or concurrent run inserts nothing),
 * stored with its notification in one transaction, then pushed to the person's open tabs. A
 * meter that fails is logged and skipped.
 */
export async function makeDueReports(env: Env, db: Database, at: Date): Promise<{ made: number; failed: number }> {
  const due: { meter: MeterRow; cadence: ReportCadence; period: { from: Date; to: Date } }[] = [];
  for (const { schedule, meter, weekly, monthly } of await queries.dueSchedules(db, at)) {
    for (const moment of sendMoments(schedule)) {
      if (!(moment.cadence === "week" ? weekly : monthly)) continue;
      const period = duePeriod(moment, meter.timezone, at);
      if (period) due.push({ meter, cadence: moment.cadence, period });
    }
  }
  let count = 0;
  let failed = 0;
  for (const { meter, cadence, period } of due) {
    try {
      const content = await reportContent(db, meter, cadence, period, at);
      const members = await memberIds(db, meter.ownerId);
      const settings = await Promise.all(members.map((member) => getNotificationSettings(db, member)));
      const notifications = await db.transaction(async (tx): Promise<NotificationRow[] | undefined> => {
        const report = await queries.insertReportOnce(tx, {
          ownerId: meter.ownerId,
          meterId: meter.id,
          cadence,
          periodFrom: period.from,
          periodTo: period.to,
          content,
        });
        if (!report) return undefined;
        // Every member of the meter's home hears of it, each within their own quiet hours.
        const stored: NotificationRow[] = [];
        for (const [i, member] of members.entries())
          stored.push(
            await insertNotification(tx, {
              ownerId: member,
              meterId: meter.id,
              kind: "report",
              ...reportNotice(content, cadence),
              context: [],
              link: `/reports/${report.id}`,
              silent: inQuietHours(settings[i], at),
            }),
          );
        return stored;
      });
      if (!notifications) continue;
      count++;
      await publishNotifications(env, notifications);
    } catch (error) {
      failed++;
      console.error(
        `reports: the ${cadence} report of meter ${meter.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { made: count, failed };
}

import { z } from "zod";
import { MeterSummary } from "../costs/contract";

export const ReportCadence = z.enum(["week", "month"]);
export type ReportCadence = z.infer<typeof ReportCadence>;

const LocalHour = z.int().min(0).max(23);

/**
 * When a site meter's reports are made, on its own clock: the weekly one on a weekday (1 Monday
 * to 7 Sunday) at an hour, about the calendar week before; the monthly one on a day of the
 * month (1 to 28, so every month has it) at an hour, about the month before. null: none.
 */
export const ReportSchedule = z
  .object({
    weekly: z
      .object({ weekday: z.int().min(1).max(7), hour: LocalHour })
      .strict()
      .nullable(),
    monthly: z
      .object({ day: z.int().min(1).max(28), hour: LocalHour })
      .strict()
      .nullable(),
  })
  .strict()
  .meta({ id: "ReportSchedule" });
export type ReportSchedule = z.infer<typeof ReportSchedule>;

/** An alert rule that fired during the period, from the rules' history. */
export const ReportAlert = z.object({
  ruleId: z.uuid(),
  ruleName: z.string(),
  state: z.enum(["firing", "resolved"]),
  at: z.string(),
  value: z.number().nullable(),
});
export type ReportAlert = z.infer<typeof ReportAlert>;

/**
 * The 7 days after the report's period, estimated from history (not the model, which forecasts a
 * day ahead): each day the average of its weekday over the `weeks` weeks before, of those with
 * readings that day (`weeks` per day). null energy or cost: no weeks, or a day without a price.
 */
export const ReportOutlook = z.object({
  from: z.string(),
  to: z.string(),
  method: z.literal("same_weekday_average"),
  weeks: z.int(),
  days: z.array(z.object({ from: z.string(), weeks: z.int(), energyKwh: z.number().nullable(), cost: z.number().nullable() })),
  energyKwh: z.number().nullable(),
  cost: z.number().nullable(),
  currency: z.string(),
});
export type ReportOutlook = z.infer<typeof ReportOutlook>;

/** What a report says, kept as it was when made (a later tariff change does not rewrite it). */
export const ReportContent = z.object({
  meterName: z.string(),
  timezone: z.string(),
  /** The money summary of the period against the one before (GET /api/meters/{id}/summary). */
  summary: MeterSummary,
  /** The device meter that cost most (used most where a price is missing); null without devices. */
  topDevice: z.object({ meterId: z.uuid(), name: z.string(), energyKwh: z.number(), cost: z.number().nullable() }).nullable(),
  /** The latest run's forecast for the `hours` (24) after it was issued, not a week: the model forecasts a day ahead; null before the first run. */
  forecast: z
    .object({
      issuedAt: z.string(),
      hours: z.int(),
      energyKwh: z.number(),
      expectedCost: z.number(),
      peakKw: z.number(),
      currency: z.string(),
    })
    .nullable(),
  /** The week after the period from the same weekdays' history; null without history (absent in older reports). */
  outlook: ReportOutlook.nullable().optional(),
  /** What the battery plans saved over the period, played against the real use; null without a battery plan. */
  savings: z.object({ currency: z.string(), planned: z.number(), realised: z.number(), hours: z.int() }).nullable(),
  alerts: z.array(ReportAlert),
});
export type ReportContent = z.infer<typeof ReportContent>;

export const ReportListItem = z.object({
  id: z.uuid(),
  meterId: z.uuid(),
  meterName: z.string(),
  cadence: ReportCadence,
  from: z.string(),
  to: z.string(),
  createdAt: z.string(),
});
export type ReportListItem = z.infer<typeof ReportListItem>;

export const ReportList = z.object({ reports: z.array(ReportListItem) }).meta({ id: "ReportList" });
export type ReportList = z.infer<typeof ReportList>;

export const Report = ReportListItem.extend(ReportContent.shape).meta({ id: "Report" });
export type Report = z.infer<typeof Report>;

import { z } from "zod";

export const ModelRunPlanHour = z.object({
  t: z.string(),
  priceKwh: z.number(),
  loadKwh: z.number(),
  chargeKwh: z.number(),
  dischargeKwh: z.number(),
  socKwh: z.number(),
  deferrableKwh: z.record(z.string(), z.number()),
  gridKwh: z.number(),
});
export type ModelRunPlanHour = z.infer<typeof ModelRunPlanHour>;

export const ModelRunFigures = z.object({
  expectedCost: z.number(),
  baselineCost: z.number(),
  savings: z.number(),
  peakKw: z.number(),
  baselinePeakKw: z.number(),
  forecastKwh: z.number(),
  currency: z.string(),
  /** True when the meter has no tariff and a flat default price was used. */
  defaultTariff: z.boolean(),
  /** Hours of the horizon an imported price series does not cover, priced from its last known day (absent in older runs). */
  filledPriceHours: z.int().min(0).optional(),
  historyHoursWithData: z.int(),
});
export type ModelRunFigures = z.infer<typeof ModelRunFigures>;

export const ModelRunFinding = z.object({
  kind: z.enum(["peak_over_limit", "plan_saves", "consumption_anomaly"]),
  /** One sentence a person understands without the chart. */
  message: z.string(),
  data: z.record(z.string(), z.number()),
});
export type ModelRunFinding = z.infer<typeof ModelRunFinding>;

export const ModelRun = z
  .object({
    id: z.uuid(),
    meterId: z.uuid(),
    trigger: z.enum(["auto", "manual"]),
    modelVersion: z.string(),
    inputFrom: z.string(),
    inputTo: z.string(),
    forecastKwh: z.array(z.number()),
    plan: z.array(ModelRunPlanHour),
    figures: ModelRunFigures,
    findings: z.array(ModelRunFinding),
    /** A short explanation of the plan in words. */
    explanation: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "ModelRun" });
export type ModelRun = z.infer<typeof ModelRun>;

/** A queued run that failed every retry and went to the dead letter queue. */
export const FailedRun = z
  .object({
    meterId: z.uuid(),
    trigger: z.enum(["auto", "manual"]),
    /** Newest reading the run was queued for. */
    newestTs: z.string(),
    failedAt: z.string(),
  })
  .meta({ id: "FailedRun" });
export type FailedRun = z.infer<typeof FailedRun>;

export const FailedRuns = z.object({ items: z.array(FailedRun) }).meta({ id: "FailedRuns" });
export type FailedRuns = z.infer<typeof FailedRuns>;

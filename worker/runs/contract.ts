import { z } from "zod";

/** Where a run's forecast came from: the model, or a persistence baseline while the model does worse than it. */
export const FORECAST_METHODS = ["model", "persistence_ensemble", "last_value"] as const;
export const ForecastMethod = z.enum(FORECAST_METHODS);
export type ForecastMethod = z.infer<typeof ForecastMethod>;

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

/**
 * The hour of the forecast with the highest demand, before the plan adds any charging (the first
 * of equals): what "highest demand" means wherever a run is shown, unlike the plan's grid peak.
 */
export function demandPeakHour(plan: ModelRunPlanHour[]): ModelRunPlanHour {
  return plan.reduce((best, hour) => (hour.loadKwh > best.loadKwh ? hour : best), plan[0]);
}

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
  /** Hours of the history marked away (annotations) and left out of the forecast and the unusual-day finding (absent when none). */
  awayHoursLeftOut: z.int().min(1).optional(),
  /** The battery's state of charge the plan starts from: where the previous plan left it at this hour (absent without a battery and in older runs). */
  initialSocKwh: z.number().min(0).optional(),
});
export type ModelRunFigures = z.infer<typeof ModelRunFigures>;

export const ModelRunFinding = z.object({
  kind: z.enum(["peak_over_limit", "plan_saves", "consumption_anomaly", "forecast_fallback"]),
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
    /** The 10 % and 90 % quantiles of each hour: the band the load falls in 8 times out of 10 (null in older runs). */
    forecastP10: z.array(z.number()).nullable(),
    forecastP90: z.array(z.number()).nullable(),
    forecastMethod: ForecastMethod,
    plan: z.array(ModelRunPlanHour),
    figures: ModelRunFigures,
    findings: z.array(ModelRunFinding),
    /** A short explanation of the plan in words. */
    explanation: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "ModelRun" });
export type ModelRun = z.infer<typeof ModelRun>;

/** Older than any smart meter's readings. */
const EARLIEST_REPLAY = Date.parse("2000-01-01T00:00:00Z");

export const ReplayRunRequest = z
  .object({
    /** The past moment the run is made at: it forecasts from the readings before this hour. */
    asOf: z.iso
      .datetime({ offset: true })
      .refine((asOf) => Date.parse(asOf) >= EARLIEST_REPLAY && Date.parse(asOf) <= Date.now(), "must be in the past, from 2000 on"),
  })
  .strict()
  .meta({ id: "ReplayRunRequest" });
export type ReplayRunRequest = z.infer<typeof ReplayRunRequest>;

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

export const ForecastAccuracyQuery = z.object({
  /** How many days back from the last whole hour. */
  days: z.coerce.number().int().min(1).max(90).default(30),
});
export type ForecastAccuracyQuery = z.infer<typeof ForecastAccuracyQuery>;

export const LeadAccuracy = z
  .object({
    /** Hours between the forecast's issue and the end of the hour it forecast. */
    leadH: z.int(),
    /** Forecast hours scored (the same hours for the model and both baselines). */
    samples: z.int(),
    /** CV(RMSE): root-mean-square error over the mean use, 0.3 = typically off by 30 % of an average hour; null without samples. */
    model: z.number().nullable(),
    /** The same figure for the average of the same hour over the 7 days before the forecast. */
    persistenceEnsemble: z.number().nullable(),
    /** The same figure for repeating the hour before the forecast. */
    lastValue: z.number().nullable(),
  })
  .meta({ id: "LeadAccuracy" });
export type LeadAccuracy = z.infer<typeof LeadAccuracy>;

export const ForecastAccuracy = z
  .object({
    meterId: z.uuid(),
    /** The hours scored: [from, to). */
    from: z.string(),
    to: z.string(),
    /** Runs issued in the window (one per issue hour). */
    runs: z.int(),
    byLead: z.array(LeadAccuracy),
    /** Share of the hours whose use fell between the forecast's p10 and p90 (0.8 when the band is right); null without a band. */
    coverage80: z.number().nullable(),
    /** What the newest run in the window forecast with; null without runs. */
    forecastMethod: ForecastMethod.nullable(),
    /** The battery plans' savings in money: as planned, and as played against the real use; null without battery hours. */
    savings: z.object({ currency: z.string(), planned: z.number(), realised: z.number(), hours: z.int() }).nullable(),
  })
  .meta({ id: "ForecastAccuracy" });
export type ForecastAccuracy = z.infer<typeof ForecastAccuracy>;

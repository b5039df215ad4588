import { z } from "zod";
import { BUCKET_NAMES, Bucket, Compare, Metric, RELATIVE_WINDOWS } from "../charts/chart-spec-contract";

export const DEFAULT_POINTS = 1_000;
export const MAX_POINTS = 5_000;
const TEN_YEARS_MS = 10 * 366 * 86_400_000;

/** A bucket's value; null only for cost where a price is missing (never 0), with the reason in `note`. */
const value = z.number().nullable();

/**
 * One bucket. For energy_wh and cost (quantities that add up) avg, min, max and sum all hold the
 * bucket's total, and `covered` says what fraction of the bucket's time had readings: energy from
 * power is the integral over the covered time only, gaps are not filled with guesses.
 */
export const SeriesPoint = z.object({
  t: z.string(),
  avg: value,
  min: value,
  max: value,
  sum: value,
  count: z.int(),
  covered: z.number().min(0).max(1).optional(),
  note: z.string().optional(),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const MeterSeries = z.object({
  meterId: z.uuid(),
  name: z.string(),
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(BUCKET_NAMES),
  /** "untracked": the site meter minus the sum of its device meters (meterId is the site's). */
  part: z.enum(["meter", "untracked"]).default("meter"),
  points: z.array(SeriesPoint),
  /** The shifted series for `compare`, its points' `t` moved onto the current window. */
  compare: z
    .object({
      kind: Compare,
      from: z.string(),
      to: z.string(),
      points: z.array(SeriesPoint),
      /** Change of the window's total (energy_wh, cost) or mean (other metrics) against the shifted one, in %. */
      changePct: z.number().nullable(),
    })
    .optional(),
});
export type MeterSeries = z.infer<typeof MeterSeries>;

/** unit: for cost, the currency (ISO 4217); meters with different currencies cannot share a request. */
export const SingleSeries = MeterSeries.extend({ metric: Metric, unit: z.string() }).meta({ id: "Series" });
export type SingleSeries = z.infer<typeof SingleSeries>;
export const SeriesSet = z.object({ metric: Metric, unit: z.string(), series: z.array(MeterSeries) }).meta({ id: "SeriesSet" });
export type SeriesSet = z.infer<typeof SeriesSet>;

export const RelativeWindow = z.enum(RELATIVE_WINDOWS);
export type RelativeWindow = z.infer<typeof RelativeWindow>;

const windowShape = {
  metric: Metric.default("power_w"),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** A relative window instead of from/to; "this_month" and "this_year" follow the meter's calendar. */
  window: RelativeWindow.optional(),
  points: z.coerce.number().int().min(1).max(MAX_POINTS).default(DEFAULT_POINTS),
  bucket: Bucket.default("auto"),
  compare: Compare.optional(),
  /** Also return, for each site meter, its untracked series (site minus its devices). */
  untracked: z.stringbool().default(false),
};

function withWindowRules<T extends z.ZodObject<typeof windowShape>>(schema: T) {
  return schema
    .refine((q) => !(q.window && (q.from || q.to)), { path: ["window"], message: "give either window or from/to, not both" })
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be later than from" })
    .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= TEN_YEARS_MS, {
      path: ["from"],
      message: "the window may span at most 10 years",
    });
}

export const SeriesQuery = withWindowRules(z.object(windowShape)).meta({ id: "SeriesQuery" });
export type SeriesQuery = z.infer<typeof SeriesQuery>;

export const ManySeriesQuery = withWindowRules(
  z.object({
    ...windowShape,
    meterIds: z
      .string()
      .transform((ids) => ids.split(",").map((id) => id.trim().toLowerCase()))
      .pipe(z.array(z.uuid()).min(1).max(12)),
  }),
).meta({ id: "ManySeriesQuery" });
export type ManySeriesQuery = z.infer<typeof ManySeriesQuery>;

export const UsageQuery = z.object({ window: RelativeWindow.default("last_7d") }).meta({ id: "UsageQuery" });

/** Null when the window holds no reading of that quantity. */
const figure = z.number().nullable();

/** A meter's consumption over a window, rounded for people to read, with its device sub-meters' share. */
export const UsageSummary = z
  .object({
    /** The meter's name. */
    meter: z.string(),
    window: RelativeWindow,
    energyKwh: figure,
    peakW: figure,
    /** 10th percentile of hourly average power: what the site draws when nothing much runs. */
    baseLoadW: figure,
    avgPowerFactor: figure,
    avgThdPct: figure,
    /** share: the device's part of the meter's energy, 0 to 1. */
    devices: z.array(z.object({ name: z.string(), energyKwh: figure, share: figure })),
  })
  .meta({ id: "UsageSummary" });
export type UsageSummary = z.infer<typeof UsageSummary>;

import { z } from "zod";

/**
 * What a chart can show: the electrical quantities a meter reports (named as the webhook's reading
 * fields), and `cost`, the energy priced by the meter's tariff, in the tariff's currency.
 */
export const METRICS = ["power_w", "energy_wh", "voltage_v", "current_a", "power_factor", "thd_pct", "cost"] as const;
export const Metric = z.enum(METRICS);
export type Metric = z.infer<typeof Metric>;

export const METRIC_UNITS: Record<Metric, string> = {
  power_w: "W",
  energy_wh: "Wh",
  voltage_v: "V",
  current_a: "A",
  power_factor: "",
  thd_pct: "%",
  /** The series names its currency (e.g. GBP) in place of this. */
  cost: "",
};

/** Quantities that add up over time: a bucket holds their total, whatever the chart's aggregation. */
export const EXTENSIVE_METRICS: readonly Metric[] = ["energy_wh", "cost"];

export const Aggregation = z.enum(["avg", "min", "max", "sum"]);
/** `summary`: stat cards (today, this week, this month, each against the one before); `breakdown`: per device plus untracked. */
export const ChartType = z.enum(["line", "area", "bar", "stacked", "heatmap", "summary", "breakdown"]);

/** Grafana's time shift: the same window one period (or one year) earlier, drawn dashed over the current one. */
export const Compare = z.enum(["previous_period", "previous_year"]);
export type Compare = z.infer<typeof Compare>;

export const RELATIVE_WINDOWS = ["last_hour", "last_24h", "last_7d", "last_30d", "this_month", "this_year"] as const;

const isoInstant = z.iso.datetime({ offset: true });

export const TimeWindow = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("relative"), preset: z.enum(RELATIVE_WINDOWS) }).strict(),
  z
    .object({ kind: z.literal("absolute"), from: isoInstant, to: isoInstant })
    .strict()
    .refine((w) => Date.parse(w.from) < Date.parse(w.to), { path: ["to"], message: "must be later than from" }),
]);
export type TimeWindow = z.infer<typeof TimeWindow>;

/**
 * The calendar period a breakdown chart sums over (the query of GET /api/meters/{id}/summary):
 * the one its window is closest to. The dashboard and public share pages both ask it, so they show
 * the same figures. A custom range names its
 * period by its length, and the period by its start.
 */
export function breakdownPeriodOf(window: TimeWindow): { period: "day" | "week" | "month" | "year"; at?: string } {
  if (window.kind === "relative") {
    const periods = {
      last_hour: "day",
      last_24h: "day",
      last_7d: "week",
      last_30d: "month",
      this_month: "month",
      this_year: "year",
    } as const;
    return { period: periods[window.preset] };
  }
  const days = (Date.parse(window.to) - Date.parse(window.from)) / 86_400_000;
  const period = days <= 1 ? "day" : days <= 7 ? "week" : days <= 31 ? "month" : "year";
  return { period, at: window.from };
}

/** Bucket widths the series API can aggregate into; day, week and month follow the meter's calendar. */
export const BUCKET_NAMES = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "1w", "1mo"] as const;
export type BucketName = (typeof BUCKET_NAMES)[number];
/** "auto" lets the series API pick the bucket from the window and the chart's width. */
export const Bucket = z.enum(["auto", ...BUCKET_NAMES]);

/** Quantities that add up across meters, so a stacked chart of them means something. */
const STACKABLE_METRICS: readonly Metric[] = ["power_w", "energy_wh", "current_a", "cost"];
/** What a summary or a breakdown can be about. */
const MONEY_CHART_METRICS: readonly Metric[] = ["energy_wh", "cost"];

/** How a chart shows its data, whatever meters it shows (also what a public viewer sees). */
export const ChartPresentation = z.object({
  metric: Metric,
  aggregation: Aggregation.default("avg"),
  chartType: ChartType.default("line"),
  window: TimeWindow,
  bucket: Bucket.default("auto"),
  compare: Compare.nullable().default(null),
  /** Adds, for each site meter shown, its untracked use: the site minus the sum of its devices. */
  untracked: z.boolean().default(false),
  /** How a breakdown chart draws: bars per device, or a Sankey from the site to its devices. */
  breakdownStyle: z.enum(["bars", "sankey"]).default("bars"),
  /** Draws the meter's latest forecast, its likely range and the plan over the chart (one meter's power or energy over time). */
  forecast: z.boolean().default(false),
});

/** Whether a chart can show its meter's forecast and plan: one meter's power or energy, over time. */
export function canDrawForecast(
  spec: Pick<z.infer<typeof ChartPresentation>, "metric" | "chartType"> & { meterIds: readonly string[] },
): boolean {
  return (
    spec.meterIds.length === 1 &&
    (spec.metric === "power_w" || spec.metric === "energy_wh") &&
    !["heatmap", "summary", "breakdown"].includes(spec.chartType)
  );
}

export const ChartSpec = z
  .object({ meterIds: z.array(z.uuid()).min(1).max(12), ...ChartPresentation.shape })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.forecast && !canDrawForecast(spec)) {
      ctx.addIssue({ code: "custom", path: ["forecast"], message: "a forecast draws over one meter's power or energy over time" });
    }
    if (spec.chartType === "heatmap" && spec.meterIds.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["meterIds"], message: "a heatmap shows exactly one meter" });
    }
    if ((spec.chartType === "summary" || spec.chartType === "breakdown") && spec.meterIds.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["meterIds"], message: `a ${spec.chartType} shows exactly one meter` });
    }
    if ((spec.chartType === "summary" || spec.chartType === "breakdown") && !MONEY_CHART_METRICS.includes(spec.metric)) {
      ctx.addIssue({ code: "custom", path: ["metric"], message: `a ${spec.chartType} shows energy_wh or cost` });
    }
    if (spec.chartType === "stacked" && !STACKABLE_METRICS.includes(spec.metric)) {
      ctx.addIssue({
        code: "custom",
        path: ["metric"],
        message: `only ${STACKABLE_METRICS.join(", ")} can be stacked`,
      });
    }
  });
export type ChartSpec = z.infer<typeof ChartSpec>;

/** Position on the dashboard's 12-column grid. */
export const ChartLayout = z
  .object({
    x: z.int().min(0).max(11),
    y: z.int().min(0).max(10_000),
    w: z.int().min(1).max(12),
    h: z.int().min(1).max(24),
  })
  .strict()
  .refine((l) => l.x + l.w <= 12, { path: ["w"], message: "x + w must fit in 12 columns" });
export type ChartLayout = z.infer<typeof ChartLayout>;

export const ChartProvenance = z.object({ sessionId: z.string().min(1), messageId: z.string().min(1) }).strict();
export type ChartProvenance = z.infer<typeof ChartProvenance>;

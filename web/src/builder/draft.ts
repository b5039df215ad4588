import type { z } from "zod";
import { ChartSpec, EXTENSIVE_METRICS, type Metric, type TimeWindow } from "../../../worker/charts/chart-spec-contract";
import type { Chart, Meter } from "../api/wattboard";

export const METRIC_LABELS: Record<Metric, string> = {
  power_w: "Power (W)",
  energy_wh: "Energy (Wh)",
  voltage_v: "Voltage (V)",
  current_a: "Current (A)",
  power_factor: "Power factor",
  thd_pct: "THD (%)",
  cost: "Cost",
};

export const CHART_TYPE_LABELS = {
  line: "Line",
  area: "Area",
  bar: "Bar",
  stacked: "Stacked (meters add up)",
  heatmap: "Heatmap (hour × day)",
  summary: "Summary cards",
  breakdown: "Breakdown by device",
} as const;

export const COMPARE_LABELS = { none: "None", previous_period: "Previous period", previous_year: "Previous year" } as const;

export const BREAKDOWN_STYLE_LABELS = { bars: "Bars", sankey: "Sankey (site → devices)" } as const;

export const AGGREGATION_LABELS = { avg: "Average", min: "Minimum", max: "Maximum", sum: "Total" } as const;

/** Chart types about one meter's money or energy over calendar periods rather than a time axis. */
export function isMoneyChart(chartType: SpecInput["chartType"]): boolean {
  return chartType === "summary" || chartType === "breakdown";
}

export function isExtensive(metric: Metric): boolean {
  return EXTENSIVE_METRICS.includes(metric);
}

/** A site with device meters: what untracked use and a breakdown need. */
export function hasDevices(meterId: string, meters: Meter[]): boolean {
  return meters.some((m) => m.parentId === meterId);
}

/** The chosen meters that pay no tariff of their own nor their site's: their cost is at the default price. */
export function metersWithoutTariff(meterIds: string[], meters: Meter[]): Meter[] {
  const byId = new Map(meters.map((m) => [m.id, m]));
  return meterIds.flatMap((id) => {
    const meter = byId.get(id);
    const site = meter?.parentId ? byId.get(meter.parentId) : undefined;
    return meter && !meter.tariff && !site?.tariff ? [meter] : [];
  });
}

export type SpecInput = z.input<typeof ChartSpec> & { window: TimeWindow };

export interface Draft {
  title: string;
  /** Until the person types a title, it follows the choices. */
  titleEdited: boolean;
  spec: Required<SpecInput>;
}

export function newDraft(meters: Meter[]): Draft {
  const first = meters.find((m) => m.kind === "site") ?? meters[0];
  return {
    title: "",
    titleEdited: false,
    spec: {
      meterIds: first ? [first.id] : [],
      metric: "power_w",
      aggregation: "avg",
      chartType: "line",
      bucket: "auto",
      window: { kind: "relative", preset: "last_24h" },
      compare: null,
      untracked: false,
      breakdownStyle: "bars",
      forecast: false,
    },
  };
}

export function draftOf(chart: Chart): Draft {
  return { title: chart.title, titleEdited: true, spec: { ...chart.spec } };
}

export function suggestedTitle(spec: SpecInput, meters: Meter[]): string {
  const names = spec.meterIds.map((id) => meters.find((m) => m.id === id)?.name).filter(Boolean);
  const metric = METRIC_LABELS[spec.metric].replace(/ \(.*\)$/, "").toLowerCase();
  const what =
    spec.chartType === "summary"
      ? `${metric} summary`
      : spec.chartType === "breakdown"
        ? `${metric} by device`
        : spec.compare
          ? `${metric} vs ${spec.compare === "previous_year" ? "last year" : "previous period"}`
          : metric;
  if (names.length === 0) return `${what[0].toUpperCase()}${what.slice(1)}`;
  return `${names.length <= 2 ? names.join(" & ") : `${names.length} meters`}: ${what}`;
}

/** The spec as the API will see it, or the problems in words. */
export function validate(spec: SpecInput, meters: Meter[]): { spec: ChartSpec; problems: null } | { spec: null; problems: string[] } {
  const parsed = ChartSpec.safeParse(spec);
  // The API would draw a breakdown of a meter without devices as one bar: say why it is empty instead.
  const lonely = spec.chartType === "breakdown" && spec.meterIds.length === 1 && !hasDevices(spec.meterIds[0], meters);
  const builderProblems = lonely ? ["Breakdown: pick a site that has device meters, it splits the site across them."] : [];
  if (parsed.success && !lonely) return { spec: parsed.data, problems: null };
  return {
    spec: null,
    problems: [
      ...(parsed.error?.issues ?? []).map((issue) => {
        const field = String(issue.path[0] ?? "");
        if (field === "meterIds" && issue.code === "too_small") return "Pick at least one meter.";
        if (field === "window") return "The custom range needs a start before its end.";
        return `${field === "meterIds" ? "Meters" : field === "metric" ? "Metric" : field || "Chart"}: ${issue.message}.`;
      }),
      ...builderProblems,
    ],
  };
}

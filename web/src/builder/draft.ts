import type { z } from "zod";
import { ChartSpec, type Metric, type TimeWindow } from "../../../worker/charts/chart-spec-contract";
import type { Chart, Meter } from "../api/wattboard";

export const METRIC_LABELS: Record<Metric, string> = {
  power_w: "Power (W)",
  energy_wh: "Energy (Wh)",
  voltage_v: "Voltage (V)",
  current_a: "Current (A)",
  power_factor: "Power factor",
  thd_pct: "THD (%)",
};

export const CHART_TYPE_LABELS = {
  line: "Line",
  area: "Area",
  bar: "Bar",
  stacked: "Stacked (meters add up)",
  heatmap: "Heatmap (hour × day)",
} as const;

export const AGGREGATION_LABELS = { avg: "Average", min: "Minimum", max: "Maximum", sum: "Total" } as const;

export type SpecInput = z.input<typeof ChartSpec> & { window: TimeWindow };

export interface Draft {
  title: string;
  /** Until the person types a title, it follows the choices. */
  titleEdited: boolean;
  spec: Required<SpecInput>;
  overlay: boolean;
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
    },
    overlay: false,
  };
}

export function draftOf(chart: Chart, overlay: boolean): Draft {
  return { title: chart.title, titleEdited: true, spec: { ...chart.spec }, overlay };
}

export function suggestedTitle(spec: SpecInput, meters: Meter[]): string {
  const names = spec.meterIds.map((id) => meters.find((m) => m.id === id)?.name).filter(Boolean);
  const what = METRIC_LABELS[spec.metric].replace(/ \(.*\)$/, "").toLowerCase();
  if (names.length === 0) return `${what[0].toUpperCase()}${what.slice(1)}`;
  return `${names.length <= 2 ? names.join(" & ") : `${names.length} meters`}: ${what}`;
}

/** The spec as the API will see it, or the problems in words. */
export function validate(spec: SpecInput): { spec: ChartSpec; problems: null } | { spec: null; problems: string[] } {
  const parsed = ChartSpec.safeParse(spec);
  if (parsed.success) return { spec: parsed.data, problems: null };
  return {
    spec: null,
    problems: parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? "");
      if (field === "meterIds" && issue.code === "too_small") return "Pick at least one meter.";
      if (field === "window") return "The custom range needs a start before its end.";
      return `${field === "meterIds" ? "Meters" : field === "metric" ? "Metric" : field || "Chart"}: ${issue.message}.`;
    }),
  };
}

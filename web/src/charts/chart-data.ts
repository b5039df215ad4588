import type { ChartSpec } from "../../../worker/charts/chart-spec-contract";
import { wallClock } from "../../../worker/series/wall-clock-contract";
import type { ModelRun, SeriesQuery, SeriesSet } from "../api/wattboard";

export interface TimeRange {
  from: string;
  to: string;
}

/** The series query for a chart's spec, optionally narrowed to a zoomed range. */
export function seriesQuery(spec: ChartSpec, points: number, range?: TimeRange | null): SeriesQuery {
  const query: SeriesQuery = { meterIds: spec.meterIds.join(","), metric: spec.metric, points };
  // A heatmap needs hours; other charts use the spec's bucket (or let the API choose).
  const bucket = spec.chartType === "heatmap" ? "1h" : spec.bucket;
  if (bucket !== "auto") query.bucket = bucket;
  if (range) {
    query.from = range.from;
    query.to = range.to;
  } else if (spec.window.kind === "relative") {
    query.window = spec.window.preset;
  } else {
    query.from = spec.window.from;
    query.to = spec.window.to;
  }
  return query;
}

/** Wall-clock time in the meter's zone, as Plotly wants it (Plotly itself has no time zones). */
export function localTime(iso: string, zone: string): string {
  const { year, month, day, hour, minute, second } = wallClock(Date.parse(iso), zone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}`;
}

/** The instant that a wall-clock time in `zone` names (the inverse of localTime), e.g. a zoomed axis end. */
export function zonedInstant(local: string, zone: string): string {
  const [date, time = "00:00:00"] = local.trim().split(/[ T]/);
  const [y, mo, d] = date.split("-").map(Number);
  const [h = 0, mi = 0, sec = 0] = time.split(":").map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, Math.floor(sec), Math.round((sec % 1) * 1000));
  // The zone's offset at that instant; twice, because the first guess may sit across a DST change.
  let instant = asUtc;
  for (let i = 0; i < 2; i++)
    instant = asUtc - (Date.parse(`${localTime(new Date(instant).toISOString(), zone).replace(" ", "T")}Z`) - instant);
  return new Date(instant).toISOString();
}

const PALETTE = ["#d9860b", "#2f7fd1", "#2a9d6f", "#c2457a", "#7a5cc9", "#8a8f98"];

/** Plotly traces for a chart: aggregated value per bucket, with a subtle min-max band for single lines. */
export function chartTraces(spec: ChartSpec, data: SeriesSet): Record<string, unknown>[] {
  const value = (p: SeriesSet["series"][number]["points"][number]) =>
    spec.aggregation === "sum" || (spec.metric === "energy_wh" && spec.aggregation === "avg") ? p.sum : p[spec.aggregation];

  if (spec.chartType === "heatmap") {
    const series = data.series[0];
    // A long window may come back in 3, 6 or 12 h buckets: each fills the hours it covers.
    const hoursPerBucket = Number(/^(\d+)h$/.exec(series.bucket)?.[1] ?? 1);
    const days = new Map<string, (number | null)[]>();
    for (const point of series.points) {
      const local = localTime(point.t, series.timezone);
      const day = local.slice(0, 10);
      const hour = Number(local.slice(11, 13));
      if (!days.has(day)) days.set(day, Array(24).fill(null));
      for (let h = hour; h < Math.min(24, hour + hoursPerBucket); h++) days.get(day)![h] = value(point) / hoursPerBucket;
    }
    const x = [...days.keys()];
    const z = Array.from({ length: 24 }, (_, hour) => x.map((day) => days.get(day)![hour]));
    return [
      {
        type: "heatmap",
        x,
        y: Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`),
        z,
        colorscale: "YlOrRd",
        hovertemplate: `%{x} %{y}<br>%{z:.0f} ${data.unit}<extra></extra>`,
      },
    ];
  }

  const traces: Record<string, unknown>[] = [];
  data.series.forEach((series, i) => {
    const x = series.points.map((p) => localTime(p.t, series.timezone));
    const y = series.points.map(value);
    const color = PALETTE[i % PALETTE.length];
    const showBand = data.series.length === 1 && spec.chartType !== "bar" && spec.metric !== "energy_wh";
    if (showBand) {
      traces.push({
        type: "scatter",
        mode: "lines",
        x,
        y: series.points.map((p) => p.max),
        line: { width: 0 },
        hoverinfo: "skip",
        showlegend: false,
      });
      traces.push({
        type: "scatter",
        mode: "lines",
        x,
        y: series.points.map((p) => p.min),
        line: { width: 0 },
        fill: "tonexty",
        fillcolor: `${color}22`,
        hoverinfo: "skip",
        showlegend: false,
        name: "min-max",
      });
    }
    const base = {
      x,
      y,
      name: series.name,
      marker: { color },
      line: { color, width: 1.6 },
      hovertemplate: `%{x}<br>%{y:.1f} ${data.unit}<extra>${series.name}</extra>`,
    };
    if (spec.chartType === "bar") traces.push({ ...base, type: "bar" });
    else if (spec.chartType === "stacked") traces.push({ ...base, type: "scatter", mode: "lines", stackgroup: "total" });
    else if (spec.chartType === "area") traces.push({ ...base, type: "scatter", mode: "lines", fill: "tozeroy", fillcolor: `${color}33` });
    else traces.push({ ...base, type: "scatter", mode: "lines" });
  });
  return traces;
}

/** Which charts the latest model run can be drawn over: one meter's power or energy over time. */
export function canOverlayRun(spec: ChartSpec): boolean {
  return spec.meterIds.length === 1 && (spec.metric === "power_w" || spec.metric === "energy_wh") && spec.chartType !== "heatmap";
}

/**
 * The run's hourly forecast and planned grid draw, in the chart's unit: a kWh per hour is an
 * average of kWh × 1000 W, or kWh × 1000 Wh per hour on an energy chart.
 */
export function runTraces(run: ModelRun, zone: string): Record<string, unknown>[] {
  const x = run.plan.map((hour) => localTime(hour.t, zone));
  const planned = run.plan.some((hour) => Math.abs(hour.gridKwh - hour.loadKwh) > 1e-6);
  const traces: Record<string, unknown>[] = [
    {
      type: "scatter",
      mode: "lines",
      line: { shape: "hv", dash: "dash", color: "#7a5cc9", width: 1.6 },
      x,
      y: run.forecastKwh.map((kwh) => kwh * 1000),
      name: "Forecast",
      hovertemplate: "%{x}<br>forecast %{y:.0f}<extra></extra>",
    },
  ];
  if (planned) {
    traces.push({
      type: "scatter",
      mode: "lines",
      line: { shape: "hv", dash: "dot", color: "#2a9d6f", width: 1.6 },
      x,
      y: run.plan.map((hour) => hour.gridKwh * 1000),
      name: "Plan (grid)",
      hovertemplate: "%{x}<br>planned %{y:.0f}<extra></extra>",
    });
  }
  return traces;
}

/** The chart's data as CSV: one row per meter and bucket, times in UTC and in the meter's zone. */
export function seriesCsv(data: SeriesSet): string {
  const rows = [
    ["meter", "bucket_start_utc", "bucket_start_local", "timezone", `avg_${data.unit || data.metric}`, "min", "max", "sum", "count"],
  ];
  for (const series of data.series) {
    for (const p of series.points)
      rows.push([
        series.name,
        p.t,
        localTime(p.t, series.timezone),
        series.timezone,
        String(p.avg),
        String(p.min),
        String(p.max),
        String(p.sum),
        String(p.count),
      ]);
  }
  return `${rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(",")).join("\n")}\n`;
}

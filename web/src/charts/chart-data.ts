import { type ChartSpec, EXTENSIVE_METRICS, METRIC_UNITS, type Metric } from "../../../worker/charts/chart-spec-contract";
import { wallClock } from "../../../worker/series/wall-clock-contract";
import type { ModelRun, SeriesQuery, SeriesSet } from "../api/wattboard";
import { currencySymbol, formatChange, symbolFirst } from "./money";
import { PALETTE } from "./palette";

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
  if (spec.compare) query.compare = spec.compare;
  if (spec.untracked) query.untracked = "true";
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

type Series = SeriesSet["series"][number];
type Point = Series["points"][number];

export const COMPARE_NAMES = { previous_period: "previous period", previous_year: "previous year" } as const;

/**
 * How a chart's values read: the axis title, and a value as the hover shows it (a Plotly
 * number format such as "%{y:,.2f}" goes in), e.g. "Cost (£)" and "£1.20" for a cost in GBP.
 */
export function valueFormat(metric: Metric, unit: string): { axisTitle: string; digits: string; show(value: string): string } {
  if (metric === "cost") {
    const symbol = currencySymbol(unit);
    const first = symbolFirst(unit);
    return { axisTitle: `Cost (${symbol})`, digits: ",.2f", show: (value) => (first ? `${symbol}${value}` : `${value} ${symbol}`) };
  }
  const shown = unit || METRIC_UNITS[metric];
  return { axisTitle: shown || "value", digits: ",.1f", show: (value) => (shown ? `${value} ${shown}` : value) };
}

/** Where a chart's value axis starts: at 0, so that bars and lines compare by height, except voltage (230 V ± a few). */
export function valueAxisRange(metric: Metric): "normal" | "tozero" {
  return metric === "voltage_v" ? "normal" : "tozero";
}

/** A bucket's extra hover line: how much of it had readings, for energy and cost. */
function coveredText(point: Point): string {
  return point.covered !== undefined && point.covered < 0.995 ? ` · ${Math.round(point.covered * 100)}% covered` : "";
}

/** The untracked series keeps the site's name from the API; say what it is when the name does not. */
function seriesName(series: Series): string {
  return series.part === "untracked" && !/untracked/i.test(series.name) ? `${series.name} · untracked` : series.name;
}

/** Plotly traces for a chart: aggregated value per bucket, with a subtle min-max band for single lines. */
export function chartTraces(spec: ChartSpec, data: SeriesSet): Record<string, unknown>[] {
  const extensive = EXTENSIVE_METRICS.includes(spec.metric);
  // Energy and cost buckets hold their total, whatever the aggregation.
  const value = (p: Point) => (extensive || spec.aggregation === "sum" ? p.sum : p[spec.aggregation]);
  const format = valueFormat(spec.metric, data.unit);

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
      const bucketValue = value(point);
      for (let h = hour; h < Math.min(24, hour + hoursPerBucket); h++)
        days.get(day)![h] = bucketValue === null ? null : bucketValue / hoursPerBucket;
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
        hovertemplate: `%{x} %{y}<br>${format.show(`%{z:${format.digits}}`)}<extra></extra>`,
      },
    ];
  }

  const traces: Record<string, unknown>[] = [];
  data.series.forEach((series, i) => {
    const x = series.points.map((p) => localTime(p.t, series.timezone));
    const y = series.points.map(value);
    const name = seriesName(series);
    const color = PALETTE[i % PALETTE.length];
    const showBand = data.series.length === 1 && spec.chartType !== "bar" && !extensive;
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
      name,
      customdata: series.points.map(coveredText),
      marker: { color },
      line: { color, width: 1.6 },
      hovertemplate: `%{x}<br>${format.show(`%{y:${format.digits}}`)}%{customdata}<extra>${name}</extra>`,
    };
    if (spec.chartType === "bar") traces.push({ ...base, type: "bar" });
    else if (spec.chartType === "stacked") traces.push({ ...base, type: "scatter", mode: "lines", stackgroup: "total" });
    else if (spec.chartType === "area") traces.push({ ...base, type: "scatter", mode: "lines", fill: "tozeroy", fillcolor: `${color}33` });
    else traces.push({ ...base, type: "scatter", mode: "lines" });

    // A bucket without a value (a cost without a price) is a gap; a mark on the axis says why.
    const gaps = series.points.flatMap((p, j) => (value(p) === null ? [{ x: x[j], note: p.note ?? "No value" }] : []));
    if (gaps.length)
      traces.push({
        type: "scatter",
        mode: "markers",
        x: gaps.map((g) => g.x),
        y: gaps.map(() => 0),
        customdata: gaps.map((g) => g.note),
        marker: { color, symbol: "x-thin-open", size: 8, line: { width: 2, color } },
        cliponaxis: false,
        showlegend: false,
        name: `${name}: gap`,
        hovertemplate: `%{x}<br>no value: %{customdata}<extra>${name}</extra>`,
      });

    // The same window one period earlier, moved onto this one: dashed, in the series' colour.
    if (series.compare) {
      const shifted = series.compare;
      const label = `${name} · ${COMPARE_NAMES[shifted.kind]}`;
      traces.push({
        type: "scatter",
        mode: "lines",
        x: shifted.points.map((p) => localTime(p.t, series.timezone)),
        y: shifted.points.map(value),
        name: shifted.changePct === null ? label : `${label} (now ${formatChange(shifted.changePct)})`,
        line: { color, width: 1.4, dash: "dash", ...(spec.chartType === "bar" ? { shape: "hvh" } : {}) },
        opacity: 0.75,
        customdata: shifted.points.map(coveredText),
        hovertemplate: `%{x}<br>${format.show(`%{y:${format.digits}}`)}%{customdata}<extra>${COMPARE_NAMES[shifted.kind]}</extra>`,
      });
    }
  });
  return traces;
}

/**
 * The change against the compared period in the chart's corner, when one series is compared;
 * for energy and cost, more is drawn in the danger colour and less in the good one.
 */
export function compareAnnotations(spec: ChartSpec, data: SeriesSet, colors: { up: string; down: string; neutral: string }) {
  const compared = data.series.filter((s) => s.compare && s.compare.changePct !== null);
  if (compared.length !== 1) return [];
  const { kind, changePct } = compared[0].compare!;
  const extensive = EXTENSIVE_METRICS.includes(spec.metric);
  const color = !extensive || Math.round(changePct!) === 0 ? colors.neutral : changePct! > 0 ? colors.up : colors.down;
  return [
    {
      xref: "paper",
      yref: "paper",
      x: 1,
      y: 1,
      xanchor: "right",
      yanchor: "top",
      showarrow: false,
      text: `<b>${formatChange(changePct)}</b> vs ${COMPARE_NAMES[kind]}`,
      font: { color, size: 12 },
      bgcolor: "rgba(0,0,0,0)",
    },
  ];
}

/**
 * The run's hourly forecast, its likely range and the planned grid draw, in the chart's unit: a kWh per hour is an
 * average of kWh × 1000 W, or kWh × 1000 Wh per hour on an energy chart.
 */
export function runTraces(run: ModelRun, zone: string): Record<string, unknown>[] {
  const x = run.plan.map((hour) => localTime(hour.t, zone));
  const planned = run.plan.some((hour) => Math.abs(hour.gridKwh - hour.loadKwh) > 1e-6);
  const inUnit = (kwh: number[]) => kwh.map((value) => value * 1000);
  const traces: Record<string, unknown>[] = [
    // The likely range under the forecast: p90 fills down to p10 (the trace just before it).
    ...(run.forecastP10 && run.forecastP90
      ? [
          {
            type: "scatter",
            mode: "lines",
            x,
            y: inUnit(run.forecastP10),
            line: { width: 0, shape: "hv" },
            showlegend: false,
            hoverinfo: "skip",
          },
          {
            type: "scatter",
            mode: "lines",
            x,
            y: inUnit(run.forecastP90),
            fill: "tonexty",
            fillcolor: "rgba(122, 92, 201, 0.18)",
            line: { width: 0, shape: "hv" },
            name: "Likely range (8 in 10)",
            customdata: inUnit(run.forecastP10),
            hovertemplate: "%{x}<br>likely %{customdata:.0f}–%{y:.0f}<extra></extra>",
          },
        ]
      : []),
    {
      type: "scatter",
      mode: "lines",
      line: { shape: "hv", dash: "dash", color: "#7a5cc9", width: 1.6 },
      x,
      y: inUnit(run.forecastKwh),
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
      y: inUnit(run.plan.map((hour) => hour.gridKwh)),
      name: "Plan (grid)",
      hovertemplate: "%{x}<br>planned %{y:.0f}<extra></extra>",
    });
  }
  return traces;
}

/**
 * Decimals a metric keeps in a CSV export: what meters report (tenths of a watt or volt, milliamps,
 * a power factor to three places), so sums and averages carry no float noise (358.59999999999997).
 */
const EXPORT_DECIMALS: Record<Metric, number> = {
  power_w: 1,
  energy_wh: 1,
  voltage_v: 1,
  current_a: 3,
  power_factor: 3,
  thd_pct: 2,
  // Hundredths of a cent: a quarter hour's cost is often under a cent.
  cost: 4,
};

/** A number for a CSV cell, rounded to what the metric's readings carry (empty for a missing value). */
export function exportNumber(metric: Metric, value: number | null | undefined): string {
  if (value === null || value === undefined) return "";
  return String(Number(value.toFixed(EXPORT_DECIMALS[metric])));
}

/** The chart's data as CSV: one row per meter (or untracked part, or compared period) and bucket, times in UTC and in the meter's zone. */
export function seriesCsv(data: SeriesSet): string {
  const rows = [
    [
      "meter",
      "part",
      "bucket_start_utc",
      "bucket_start_local",
      "timezone",
      `avg_${data.unit || data.metric}`,
      "min",
      "max",
      "sum",
      "count",
      "covered",
      "note",
    ],
  ];
  const cell = (v: number | null | undefined) => exportNumber(data.metric, v);
  for (const series of data.series) {
    const parts = [
      { part: series.part, points: series.points },
      ...(series.compare ? [{ part: series.compare.kind, points: series.compare.points }] : []),
    ];
    for (const { part, points } of parts)
      for (const p of points)
        rows.push([
          series.name,
          part,
          p.t,
          localTime(p.t, series.timezone),
          series.timezone,
          cell(p.avg),
          cell(p.min),
          cell(p.max),
          cell(p.sum),
          String(p.count),
          p.covered === undefined ? "" : String(Number(p.covered.toFixed(4))),
          p.note ?? "",
        ]);
  }
  return `${rows.map((row) => row.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",")).join("\n")}\n`;
}

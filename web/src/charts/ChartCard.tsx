import { useEffect, useRef, useState } from "react";
import { METRIC_UNITS } from "../../../worker/schemas/chart-spec";
import type { Chart } from "../../../worker/schemas/charts";
import { wattboard, type SeriesSet } from "../api";
import type { LiveChannel } from "../live";
import { chartTraces, seriesQuery } from "./chart-data";

/** Loaded on first use, so the first screen does not wait for Plotly. */
const plotly = () => import("plotly.js-dist-min").then((module) => module.default);

const ROW_HEIGHT_PX = 30;
const REFRESH_THROTTLE_MS = 10_000;

const WINDOW_LABELS: Record<string, string> = {
  last_hour: "Last hour",
  last_24h: "Last 24 h",
  last_7d: "Last 7 days",
  last_30d: "Last 30 days",
  this_month: "This month",
  this_year: "This year",
};

export function ChartCard({ chart, live }: { chart: Chart; live: LiveChannel | null }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [data, setData] = useState<SeriesSet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let cancelled = false;
    // About one bucket per pixel; a heatmap needs every hour of the window.
    const width = plotRef.current?.clientWidth ?? 600;
    const points = chart.spec.chartType === "heatmap" ? 5_000 : Math.max(100, Math.min(2_000, Math.round(width)));
    wattboard.series(seriesQuery(chart, points))
      .then((result) => !cancelled && (setData(result), setError(null)))
      .catch((caught: Error) => !cancelled && setError(caught.message));
    return () => void (cancelled = true);
  }, [chart, version]);

  // Live: refetch when one of this chart's meters got readings (at most every 10 s).
  useEffect(() => {
    if (!live) return;
    let lastRefresh = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = live.subscribe((event) => {
      if (event.type !== "meter.readings") return;
      const { meterId } = event.payload as { meterId: string };
      if (!chart.spec.meterIds.includes(meterId) || timer) return;
      const wait = Math.max(0, lastRefresh + REFRESH_THROTTLE_MS - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        lastRefresh = Date.now();
        setVersion((v) => v + 1);
      }, wait);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [chart, live]);

  useEffect(() => {
    const element = plotRef.current;
    if (!element || !data) return;
    let disposed = false;
    void plotly().then((Plotly) => {
      if (disposed) return;
      const dark = matchMedia("(prefers-color-scheme: dark)").matches;
      const text = dark ? "#c9d1d9" : "#3a4049";
      const grid = dark ? "#2a3039" : "#e6e9ed";
      const zone = data.series[0]?.timezone ?? "UTC";
      const unit = data.unit || METRIC_UNITS[chart.spec.metric];
      void Plotly.react(
        element,
        chartTraces(chart, data) as Plotly.Data[],
        {
          margin: { l: 52, r: 12, t: 8, b: 52 },
          paper_bgcolor: "rgba(0,0,0,0)",
          plot_bgcolor: "rgba(0,0,0,0)",
          font: { color: text, size: 11 },
          xaxis: { gridcolor: grid, automargin: true, title: { text: chart.spec.chartType === "heatmap" ? `Day (${zone})` : `Time (${zone})`, standoff: 8 } },
          yaxis: { gridcolor: grid, title: { text: chart.spec.chartType === "heatmap" ? "Hour" : unit }, rangemode: chart.spec.metric === "voltage_v" ? "normal" : "tozero" },
          barmode: "group",
          showlegend: data.series.length > 1,
          legend: { orientation: "h", y: -0.25 },
          hovermode: "x unified",
        },
        { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] },
      );
    });
    return () => void (disposed = true);
  }, [chart, data]);

  const window = chart.spec.window.kind === "relative" ? WINDOW_LABELS[chart.spec.window.preset] : `${chart.spec.window.from.slice(0, 10)} → ${chart.spec.window.to.slice(0, 10)}`;
  const empty = data && data.series.every((s) => s.points.length === 0);
  return (
    <article className="card chart-card" style={{ gridColumn: `span ${chart.layout.w}` }} aria-label={chart.title}>
      <header>
        <h3>{chart.title}</h3>
        <span className="muted">{window}</span>
      </header>
      <div className="chart-body" style={{ height: chart.layout.h * ROW_HEIGHT_PX }}>
        <div ref={plotRef} className="plot" data-testid="plot" />
        {!data && !error && <div className="chart-overlay muted">Loading…</div>}
        {error && <div className="chart-overlay error">{error}</div>}
        {empty && <div className="chart-overlay muted">No readings in this window yet. Readings appear as soon as the meter posts to its webhook.</div>}
      </div>
      <footer className="muted">{chart.source === "chat" ? "From a chat session" : "Built by hand"}</footer>
    </article>
  );
}

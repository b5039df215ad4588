import { type ReactNode, useEffect, useRef, useState } from "react";
import { SHARE_TOKEN_PATTERN } from "../../../worker/id-contract";
import { ApiRequestError } from "../api/client";
import { type PublicShare, sharesApi } from "../api/shares";
import type { SeriesSet } from "../api/wattboard";
import { noteLayers } from "../charts/annotations";
import { BreakdownView } from "../charts/Breakdown";
import { chartTraces, compareAnnotations, valueAxisRange, valueFormat } from "../charts/chart-data";
import { currencyTicks } from "../charts/money";
import { plotly } from "../charts/plotly";
import { SummaryCardsView } from "../charts/SummaryCards";

/** Viewers see new readings without reloading; the API caches a share for 10 s. */
const REFRESH_MS = 30_000;

export function publicShareToken(pathname: string): { token: string; embed: boolean } | null {
  const match = new RegExp(`^/(s|embed)/(${SHARE_TOKEN_PATTERN})/?$`).exec(pathname);
  return match ? { token: match[2], embed: match[1] === "embed" } : null;
}

type PublicChart = PublicShare["charts"][number];

/**
 * A chart's figure: captioned with its title, except where the page's heading already is that
 * title (a shared chart outside an embed), which would say it twice.
 */
function Figure({
  chart,
  captioned,
  className,
  children,
}: {
  chart: PublicChart;
  captioned: boolean;
  className: string;
  children: ReactNode;
}) {
  return (
    <figure className={className} aria-label={chart.title}>
      {captioned && <figcaption>{chart.title}</figcaption>}
      {children}
    </figure>
  );
}

/** Stat cards and breakdowns come with their summaries; the other charts with their series. */
function PublicChartView({ chart, dark, captioned }: { chart: PublicChart; dark: boolean; captioned: boolean }) {
  const { chartType, metric, breakdownStyle } = chart.spec;
  if (chartType === "summary" || chartType === "breakdown") {
    const summaries = chart.summaries ?? [];
    return (
      <Figure chart={chart} captioned={captioned} className={`public-chart public-${chartType}`}>
        {summaries.length === 0 ? (
          <p className="muted">No figures for this period yet.</p>
        ) : chartType === "summary" ? (
          <SummaryCardsView summaries={summaries} metric={metric} />
        ) : (
          <div className="public-plot">
            <BreakdownView summary={summaries[0]} metric={metric} style={breakdownStyle} theme={dark ? "dark" : "light"} />
          </div>
        )}
      </Figure>
    );
  }
  return <PublicPlot chart={chart} dark={dark} captioned={captioned} />;
}

function PublicPlot({ chart, dark, captioned }: { chart: PublicChart; dark: boolean; captioned: boolean }) {
  const plotRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = plotRef.current;
    if (!element) return;
    const data: SeriesSet = { metric: chart.spec.metric, unit: chart.unit, series: chart.series.map((s) => ({ ...s, meterId: s.name })) };
    const spec = { ...chart.spec, meterIds: chart.series.map((s) => s.name) } as never;
    const zone = chart.series[0]?.timezone ?? "UTC";
    const cost = chart.spec.metric === "cost" && chart.spec.chartType !== "heatmap";
    // Present only when the owner chose to show notes on this link.
    const window = chart.series[0];
    const notes = window
      ? noteLayers(chart.annotations ?? [], zone, window, {
          note: dark ? "#98a2ae" : "#5d6673",
          away: dark ? "#f5a524" : "#b86e00",
          text: dark ? "#c9d1d9" : "#3a4049",
        })
      : { shapes: [], annotations: [] };
    void plotly().then((Plotly) =>
      Plotly.react(
        element,
        chartTraces(spec, data) as Plotly.Data[],
        {
          margin: { l: 52, r: 12, t: 8, b: 48 },
          paper_bgcolor: "rgba(0,0,0,0)",
          plot_bgcolor: "rgba(0,0,0,0)",
          font: { color: dark ? "#c9d1d9" : "#3a4049", size: 11 },
          xaxis: { gridcolor: dark ? "#2a3039" : "#e6e9ed", title: { text: `Time (${zone})` } },
          yaxis: {
            gridcolor: dark ? "#2a3039" : "#e6e9ed",
            title: { text: valueFormat(chart.spec.metric, chart.unit).axisTitle },
            rangemode: valueAxisRange(chart.spec.metric),
            ...(cost ? currencyTicks(chart.unit) : {}),
          },
          showlegend: chart.series.length > 1 || chart.series.some((s) => s.compare),
          legend: { orientation: "h", y: -0.3 },
          annotations: [
            ...notes.annotations,
            ...(compareAnnotations(spec, data, {
              up: dark ? "#f97066" : "#b42318",
              down: "#2a9d6f",
              neutral: dark ? "#98a2ae" : "#5d6673",
            }) as Partial<Plotly.Annotation>[]),
          ],
          shapes: notes.shapes,
        },
        { responsive: true, displaylogo: false },
      ),
    );
  }, [chart, dark]);
  return (
    <Figure chart={chart} captioned={captioned} className="public-chart">
      <div ref={plotRef} className="public-plot" />
    </Figure>
  );
}

/** Ranges a viewer may pick when the owner allows it; otherwise each chart keeps its own window. */
const VIEWER_RANGES = [
  { label: "Chart's own window", hours: 0 },
  { label: "Last 24 h", hours: 24 },
  { label: "Last 7 days", hours: 24 * 7 },
  { label: "Last 30 days", hours: 24 * 30 },
];

/** A shared chart or tab, read-only, without sign-in. /embed is the chrome-less version for iframes. */
export function PublicSharePage({ token, embed }: { token: string; embed: boolean }) {
  const [share, setShare] = useState<PublicShare | null>(null);
  const [gone, setGone] = useState(false);
  const [rangeHours, setRangeHours] = useState(0);
  const theme = new URLSearchParams(location.search).get("theme");
  const dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;

  useEffect(() => {
    document.documentElement.dataset.theme = dark ? "dark" : "light";
  }, [dark]);

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      const to = new Date();
      const range = rangeHours ? { from: new Date(to.getTime() - rangeHours * 3_600_000).toISOString(), to: to.toISOString() } : {};
      try {
        const next = await sharesApi.view(token, range);
        if (!stopped) setShare(next);
      } catch (caught) {
        // Gone for good on 404; a failed refresh keeps what is shown and tries again on the next tick.
        if (!stopped && caught instanceof ApiRequestError && caught.status === 404) setGone(true);
      }
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [token, rangeHours]);

  if (gone) {
    return (
      <main className={embed ? "public embed" : "public centered"}>
        <p className="muted">This shared link is no longer available: it was revoked, it expired, or what it showed was deleted.</p>
      </main>
    );
  }
  return (
    <main className={embed ? "public embed" : "public"} aria-busy={!share}>
      {!embed && (
        <header className="public-header">
          <h1>{share?.title ?? "Loading…"}</h1>
          <span className="muted">
            Shared from <span className="logo">⚡</span> Wattboard · updates live
          </span>
        </header>
      )}
      {share?.viewerMayChangeRange && (
        <label className="public-range">
          Time range{" "}
          <select value={rangeHours} onChange={(e) => setRangeHours(Number(e.target.value))}>
            {VIEWER_RANGES.map((range) => (
              <option key={range.hours} value={range.hours}>
                {range.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {share && share.charts.length === 0 && <p className="muted">Nothing is on this shared tab right now.</p>}
      <div className="public-charts">
        {share?.charts.map((chart, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a public chart has no id by design (a share exposes nothing that points into the account); titles may repeat, and each view redraws when its chart changes.
          <PublicChartView key={`${chart.title}-${i}`} chart={chart} dark={dark} captioned={embed || share.kind === "tab"} />
        ))}
      </div>
    </main>
  );
}

import { type Ref, useEffect, useImperativeHandle, useRef, useState } from "react";
import { breakdownPeriodOf, type ChartSpec, type Metric } from "../../../worker/charts/chart-spec-contract";
import { formatMoney } from "../../../worker/costs/money-contract";
import type { PublicMeterSummary } from "../../../worker/shares/contract";
import { errorText } from "../api/client";
import { type MeterSummary, wattboard } from "../api/wattboard";
import type { LiveChannel } from "../live-socket";
import { useTheme } from "../theme";
import type { PlotHandle } from "./ChartPlot";
import { CostNote } from "./CostNote";
import { chartPicture } from "./download";
import { useLiveVersion } from "./live-refresh";
import { breakdownParts, currencyTicks, periodTitle, shareText } from "./money";
import { plotly, themedLayout, usePlot, usePlotResize } from "./plotly";
import { windowLabel } from "./window-labels";

/** A breakdown from a summary already at hand: bars per device, or a Sankey from the site to its devices. */
export function BreakdownView({
  summary,
  metric,
  style,
  theme,
}: {
  summary: PublicMeterSummary;
  metric: Metric;
  style: ChartSpec["breakdownStyle"];
  /** The colours are read from the page's CSS: a new theme redraws. */
  theme: "light" | "dark";
}) {
  const plotRef = useRef<HTMLDivElement>(null);
  const { parts, total, format, inCost, fallbackNote } = breakdownParts(summary, metric);

  // The summary object and the theme are the triggers; parts derive from the summary.
  usePlot(
    plotRef,
    async (Plotly, element, color) => {
      const labels = parts.map((p) => `${format(p.value)} · ${shareText(p.value, total)}`);
      const hovers = parts.map((p, i) => `${p.name}: ${labels[i]}${p.untracked ? "<br>measured at the site, by none of its devices" : ""}`);
      const traces =
        style === "sankey"
          ? [
              {
                type: "sankey",
                arrangement: "snap",
                valueformat: inCost ? ",.2f" : ",.1f",
                node: {
                  label: [`${summary.name} ${format(total)}`, ...parts.map((p, i) => `${p.name} ${labels[i]}`)],
                  color: [color("--accent"), ...parts.map((p) => p.color)],
                  line: { width: 0 },
                  pad: 14,
                  thickness: 14,
                  hovertemplate: "%{label}<extra></extra>",
                },
                link: {
                  source: parts.map(() => 0),
                  target: parts.map((_, i) => i + 1),
                  // A Sankey cannot draw less than nothing: devices that measured more than the site leave untracked at 0.
                  value: parts.map((p) => Math.max(0, p.value)),
                  // Translucent enough to read the labels over, opaque enough to see on a dark card.
                  color: parts.map((p) => `${p.color}${theme === "dark" ? "8c" : "55"}`),
                  customdata: hovers,
                  hovertemplate: "%{customdata}<extra></extra>",
                },
                textfont: { color: color("--text"), size: 12, family: "inherit" },
              },
            ]
          : [
              {
                type: "bar",
                orientation: "h",
                x: parts.map((p) => p.value),
                y: parts.map((p) => p.name),
                marker: { color: parts.map((p) => p.color) },
                text: labels,
                // Outside each bar, at full size, however short the bar (the axis leaves room for it).
                textposition: "outside",
                textfont: { family: "inherit", size: 11, color: color("--text") },
                cliponaxis: false,
                customdata: hovers,
                hovertemplate: "%{customdata}<extra></extra>",
              },
            ];
      await Plotly.react(
        element,
        traces as Plotly.Data[],
        {
          ...themedLayout(color),
          margin: style === "sankey" ? { l: 8, r: 8, t: 8, b: 8 } : { l: 8, r: 16, t: 4, b: 28 },
          xaxis: {
            gridcolor: color("--grid"),
            zerolinecolor: color("--border"),
            automargin: true,
            fixedrange: true,
            range: [Math.min(0, ...parts.map((p) => p.value)) * 1.4, Math.max(0, ...parts.map((p) => p.value)) * 1.4 || 1],
            ...(inCost ? currencyTicks(summary.currency) : { ticksuffix: " kWh" }),
          },
          yaxis: { automargin: true, autorange: "reversed", fixedrange: true, tickfont: { color: color("--text"), size: 12 } },
          bargap: 0.3,
          showlegend: false,
        },
        { responsive: true, displaylogo: false, displayModeBar: false },
      );
      element.dataset.points = String(parts.length);
    },
    [summary, metric, style, theme],
  );
  usePlotResize(plotRef);

  const period = periodTitle(summary.period, summary.timezone);
  return (
    <div className="breakdown">
      <p className="breakdown-caption">
        <span>
          {period}: <b>{format(total)}</b> at {summary.name}
        </span>
        {inCost && summary.standingCharge > 0 && (
          <span className="muted"> + {formatMoney(summary.standingCharge, summary.currency)} standing charge</span>
        )}
        {fallbackNote && (
          <span className="warning">
            {" "}
            · energy shown, no cost:{" "}
            <CostNote note={fallbackNote} meterId={"meterId" in summary ? (summary.meterId as string) : undefined} />
          </span>
        )}
      </p>
      <div className="breakdown-plot">
        <div
          ref={plotRef}
          className="plot"
          data-testid="plot"
          role="img"
          aria-label={`Breakdown of ${summary.name}, ${period.toLowerCase()}`}
        />
      </div>
      {parts.length === 0 && <div className="chart-overlay muted">{summary.name} has no device meters to break it down into.</div>}
    </div>
  );
}

export function breakdownCsv(summary: PublicMeterSummary): string {
  const rows = [
    ["meter", "period", "from", "to", "energy_kwh", "cost", "currency"],
    ...[
      { name: summary.name, energyKwh: summary.energyKwh, cost: summary.cost },
      ...summary.byDevice,
      ...(summary.untracked ? [{ name: "Untracked", ...summary.untracked }] : []),
    ].map((row) => [
      row.name,
      summary.period.kind,
      summary.period.from,
      summary.period.to,
      String(row.energyKwh),
      row.cost === null ? "" : String(row.cost),
      summary.currency,
    ]),
  ];
  return `${rows.map((row) => row.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",")).join("\n")}\n`;
}

/** A breakdown chart: one site's period split across its devices and the untracked rest. */
export function BreakdownChart({ spec, live = null, handle }: { spec: ChartSpec; live?: LiveChannel | null; handle?: Ref<PlotHandle> }) {
  const meterId = spec.meterIds[0];
  const version = useLiveVersion(live, spec.meterIds);
  const [summary, setSummary] = useState<MeterSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = breakdownPeriodOf(spec.window);
  const queryKey = JSON.stringify(query);
  const container = useRef<HTMLDivElement>(null);
  const theme = useTheme();

  // biome-ignore lint/correctness/useExhaustiveDependencies: queryKey stands for query (made anew each render); version is the live refresh trigger.
  useEffect(() => {
    let cancelled = false;
    wattboard
      .summary(meterId, query)
      .then((result) => {
        if (cancelled) return;
        setSummary(result);
        setError(null);
      })
      .catch((caught) => !cancelled && setError(errorText(caught)));
    return () => {
      cancelled = true;
    };
  }, [meterId, queryKey, version]);

  useImperativeHandle(handle, () => ({
    csv: () => (summary ? breakdownCsv(summary) : null),
    picture: async (title) => {
      const element = container.current?.querySelector<HTMLElement>('[data-testid="plot"]');
      if (!element || !summary) return null;
      return chartPicture(await plotly(), element, { title, subtitle: `${summary.name} · ${windowLabel(spec.window)}` });
    },
  }));

  return (
    <div className="chart-body breakdown-body" ref={container}>
      {summary && <BreakdownView summary={summary} metric={spec.metric} style={spec.breakdownStyle} theme={theme} />}
      {!summary && !error && <div className="chart-overlay muted">Loading…</div>}
      {error && (
        <div className="chart-overlay error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

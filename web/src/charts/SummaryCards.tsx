import { type Ref, useEffect, useImperativeHandle, useRef, useState } from "react";
import type { ChartSpec, Metric } from "../../../worker/charts/chart-spec-contract";
import { formatEnergy, formatMoney } from "../../../worker/costs/money-contract";
import { type PublicMeterSummary, SUMMARY_CARD_PERIODS } from "../../../worker/shares/contract";
import { errorText } from "../api/client";
import { type MeterSummary, wattboard } from "../api/wattboard";
import type { LiveChannel } from "../live-socket";
import type { PlotHandle } from "./ChartPlot";
import { CostNote } from "./CostNote";
import { textPicture } from "./download";
import { useLiveVersion } from "./live-refresh";
import { changePct, formatChange, PERIOD_LABELS } from "./money";

function peakText(summary: PublicMeterSummary): string | null {
  if (summary.peakKw === null || !summary.peakAt) return null;
  const when = new Intl.DateTimeFormat(undefined, {
    timeZone: summary.timezone,
    hour: "2-digit",
    minute: "2-digit",
    // As the chart axes write times.
    hourCycle: "h23",
    ...(summary.period.kind === "day" ? {} : summary.period.kind === "week" ? { weekday: "short" } : { day: "numeric", month: "short" }),
  }).format(new Date(summary.peakAt));
  return `Peak ${summary.peakKw.toLocaleString(undefined, { maximumFractionDigits: 1 })} kW · ${when}`;
}

/** A period's figure in the chart's metric (energy where the cost is missing) and its change. */
function statFigure(summary: PublicMeterSummary, metric: Metric) {
  const labels = PERIOD_LABELS[summary.period.kind];
  const showCost = metric === "cost" && summary.cost !== null;
  const value = showCost ? formatMoney(summary.cost!, summary.currency) : formatEnergy(summary.energyKwh);
  const previous = showCost ? summary.previous.cost : summary.previous.energyKwh;
  // The API's change is of cost (of energy where cost is missing); an energy chart wants energy's.
  const change = showCost ? summary.changePct : changePct(summary.energyKwh, summary.previous.energyKwh);
  return { labels, showCost, value, previous, change };
}

/** One period's card: the figure in the chart's metric, its change, and the other quantity beside it. */
function StatCard({ summary, metric }: { summary: PublicMeterSummary; metric: Metric }) {
  const { labels, showCost, value, previous, change } = statFigure(summary, metric);
  const direction = change === null || Math.round(change) === 0 ? "flat" : change > 0 ? "up" : "down";
  const other =
    metric === "cost" ? formatEnergy(summary.energyKwh) : summary.cost !== null ? formatMoney(summary.cost, summary.currency) : null;
  const peak = peakText(summary);
  return (
    <section className="stat" aria-label={labels.current}>
      <h4>{labels.current}</h4>
      <p className="stat-value">{value}</p>
      <p
        className={`stat-change ${direction}`}
        title={`Against the same part of ${labels.previous}: ${new Date(summary.previous.from).toLocaleString()} – ${new Date(summary.previous.to).toLocaleString()}`}
      >
        <b>{formatChange(change)}</b> vs {labels.previous}
        {previous !== null && (
          <span className="muted"> ({showCost ? formatMoney(previous, summary.currency) : formatEnergy(previous)})</span>
        )}
      </p>
      <p className="stat-detail muted">
        {[
          other,
          summary.standingCharge > 0 ? `+ ${formatMoney(summary.standingCharge, summary.currency)} standing` : null,
          summary.covered < 0.95 ? `${Math.round(summary.covered * 100)}% covered` : null,
        ]
          .filter(Boolean)
          .join(" · ")}
      </p>
      {peak && <p className="stat-detail stat-peak muted">{peak}</p>}
      {metric === "cost" && summary.cost === null && summary.costNote && (
        <p className="stat-detail warning" title={summary.costNote}>
          No cost: <CostNote note={summary.costNote} meterId={"meterId" in summary ? (summary.meterId as string) : undefined} />
        </p>
      )}
    </section>
  );
}

/** Stat cards from summaries at hand: the dashboard fetches them, a public share brings them. */
export function SummaryCardsView({ summaries, metric }: { summaries: PublicMeterSummary[]; metric: Metric }) {
  return (
    <div className="summary-cards" data-testid="summary">
      {summaries.map((summary) => (
        <StatCard key={summary.period.kind} summary={summary} metric={metric} />
      ))}
    </div>
  );
}

export function summaryCsv(summaries: PublicMeterSummary[]): string {
  const rows = [
    [
      "meter",
      "period",
      "from",
      "to",
      "energy_kwh",
      "cost",
      "currency",
      "standing_charge",
      "previous_from",
      "previous_to",
      "previous_energy_kwh",
      "previous_cost",
      "change_pct",
    ],
    ...summaries.map((s) => [
      s.name,
      s.period.kind,
      s.period.from,
      s.period.to,
      String(s.energyKwh),
      s.cost === null ? "" : String(s.cost),
      s.currency,
      String(s.standingCharge),
      s.previous.from,
      s.previous.to,
      String(s.previous.energyKwh),
      s.previous.cost === null ? "" : String(s.previous.cost),
      s.changePct === null ? "" : String(s.changePct),
    ]),
  ];
  return `${rows.map((row) => row.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",")).join("\n")}\n`;
}

/** A summary chart: today, this week and this month of one meter, refreshed as its readings arrive. */
export function SummaryChart({ spec, live = null, handle }: { spec: ChartSpec; live?: LiveChannel | null; handle?: Ref<PlotHandle> }) {
  const meterId = spec.meterIds[0];
  const version = useLiveVersion(live, spec.meterIds);
  const [summaries, setSummaries] = useState<MeterSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const body = useRef<HTMLDivElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the live refresh trigger.
  useEffect(() => {
    let cancelled = false;
    Promise.all(SUMMARY_CARD_PERIODS.map((period) => wattboard.summary(meterId, { period })))
      .then((result) => {
        if (cancelled) return;
        setSummaries(result);
        setError(null);
      })
      .catch((caught) => !cancelled && setError(errorText(caught)));
    return () => {
      cancelled = true;
    };
  }, [meterId, version]);

  useImperativeHandle(handle, () => ({
    csv: () => (summaries ? summaryCsv(summaries) : null),
    picture: async (title) => {
      if (!summaries) return null;
      const lines = summaries.map((summary) => {
        const { labels, value, change } = statFigure(summary, spec.metric);
        return `${labels.current}: ${value} (${formatChange(change)} vs ${labels.previous})`;
      });
      return textPicture({ title, subtitle: summaries[0]?.name ?? "" }, lines, body.current?.clientWidth || 600);
    },
  }));

  return (
    <div ref={body} className="chart-body summary-body">
      {summaries && <SummaryCardsView summaries={summaries} metric={spec.metric} />}
      {!summaries && !error && <div className="chart-overlay muted">Loading…</div>}
      {error && (
        <div className="chart-overlay error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

import { type FormEvent, useEffect, useState } from "react";
import {
  Aggregation,
  Bucket,
  type ChartSpec,
  ChartType,
  type Compare,
  canDrawForecast,
  Metric,
  RELATIVE_WINDOWS,
} from "../../../worker/charts/chart-spec-contract";
import { errorText } from "../api/client";
import { type Chart, type Meter, wattboard } from "../api/wattboard";
import { ChartView } from "../charts/ChartView";
import { BREAKDOWN_PERIODS } from "../charts/money";
import { fromLocalInput, toLocalInput, WINDOW_LABELS } from "../charts/window-labels";
import { Dialog } from "../ui/Dialog";
import { ErrorLine } from "../ui/ErrorLine";
import {
  AGGREGATION_LABELS,
  BREAKDOWN_STYLE_LABELS,
  CHART_TYPE_LABELS,
  COMPARE_LABELS,
  type Draft,
  draftOf,
  hasDevices,
  isExtensive,
  isMoneyChart,
  METRIC_LABELS,
  metersWithoutTariff,
  newDraft,
  type SpecInput,
  suggestedTitle,
  validate,
} from "./draft";
import { MeterPicker } from "./MeterPicker";

const PREVIEW_SETTLE_MS = 300;
const DAY_MS = 86_400_000;

/**
 * The manual way to a chart: pick meters, metric, aggregation, type and window; the preview
 * follows every choice. Creates a chart on `tabId`, or edits `chart`.
 */
export function ChartBuilder({
  meters,
  tabId,
  chart,
  onSaved,
  onClose,
}: {
  meters: Meter[];
  tabId: string;
  chart?: Chart;
  onSaved: (chart: Chart) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => (chart ? draftOf(chart) : newDraft(meters)));
  const [preview, setPreview] = useState<ChartSpec | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const moneyChart = isMoneyChart(draft.spec.chartType);
  const timeAxis = !moneyChart && draft.spec.chartType !== "heatmap";
  const untrackedPossible = draft.spec.meterIds.some((id) => hasDevices(id, meters));
  // Choices the chart type or meters no longer offer stay in the draft (picking them back restores them), not in the chart.
  const forecastPossible = canDrawForecast(draft.spec);
  const { spec, problems } = validate(
    {
      ...draft.spec,
      forecast: forecastPossible && draft.spec.forecast,
      compare: timeAxis ? draft.spec.compare : null,
      untracked: timeAxis && untrackedPossible && draft.spec.untracked,
    },
    meters,
  );
  const title = draft.titleEdited ? draft.title : suggestedTitle(draft.spec, meters);

  const specKey = JSON.stringify(spec);
  // biome-ignore lint/correctness/useExhaustiveDependencies: specKey stands for spec, which validate() makes anew on every render: the preview follows the content once it settles.
  useEffect(() => {
    const timer = setTimeout(() => setPreview(spec), PREVIEW_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [specKey]);

  const setSpec = (changes: Partial<SpecInput>) => setDraft((d) => ({ ...d, spec: { ...d.spec, ...changes } }));
  // A bucket of energy or cost holds its total: other aggregations would say the same thing.
  const setMetric = (metric: Metric) => setSpec({ metric, aggregation: isExtensive(metric) ? "sum" : "avg" });
  const setChartType = (chartType: SpecInput["chartType"]) => {
    if (!isMoneyChart(chartType)) return setSpec({ chartType });
    // Summaries and breakdowns are about money or energy, over a calendar period.
    const window = draft.spec.window;
    const periodWindow = BREAKDOWN_PERIODS.some((p) => window.kind === "relative" && p.preset === window.preset)
      ? window
      : ({ kind: "relative", preset: "this_month" } as const);
    setSpec({
      chartType,
      window: periodWindow,
      ...(isExtensive(draft.spec.metric) ? {} : { metric: "cost", aggregation: "sum" }),
    });
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!spec || !title.trim()) return;
    setSaving(true);
    try {
      const saved = chart ? await wattboard.updateChart(chart.id, { title, spec }) : await wattboard.createChart({ tabId, title, spec });
      onSaved(saved);
    } catch (caught) {
      setError(errorText(caught));
      setSaving(false);
    }
  }

  const { window } = draft.spec;
  const custom = window.kind === "absolute";
  const extensive = isExtensive(draft.spec.metric);
  const untariffed = draft.spec.metric === "cost" ? metersWithoutTariff(draft.spec.meterIds, meters) : [];
  return (
    <Dialog title={chart ? `Edit “${chart.title}”` : "New chart"} onClose={onClose} className="builder">
      <form className="builder-body" onSubmit={save}>
        <div className="builder-form">
          {meters.length === 0 ? (
            <p className="notice">
              You have no meters yet. <a href="/meters">Add a meter</a> first: its readings are what charts show.
            </p>
          ) : (
            <MeterPicker meters={meters} selected={draft.spec.meterIds} onChange={(meterIds) => setSpec({ meterIds })} />
          )}
          <label>
            Metric
            <select value={draft.spec.metric} onChange={(e) => setMetric(e.target.value as Metric)}>
              {Metric.options
                .filter((m) => !moneyChart || isExtensive(m))
                .map((m) => (
                  <option key={m} value={m}>
                    {METRIC_LABELS[m]}
                  </option>
                ))}
            </select>
          </label>
          {untariffed.length > 0 && (
            <p className="notice">
              {untariffed.map((m) => m.name).join(", ")} {untariffed.length === 1 ? "has" : "have"} no tariff: the cost uses a default flat
              price. <a href="/meters">Set a tariff</a> for real figures.
            </p>
          )}
          {!moneyChart && (
            <label>
              Aggregation
              <select
                value={extensive ? "sum" : draft.spec.aggregation}
                disabled={extensive}
                title={extensive ? "Energy and cost add up: each bucket shows its total" : undefined}
                onChange={(e) => setSpec({ aggregation: e.target.value as SpecInput["aggregation"] })}
              >
                {Aggregation.options.map((a) => (
                  <option key={a} value={a}>
                    {AGGREGATION_LABELS[a]} per bucket
                  </option>
                ))}
              </select>
            </label>
          )}
          <fieldset className="choices">
            <legend>Chart type</legend>
            {ChartType.options.map((type) => (
              <label key={type} className="choice">
                <input type="radio" name="chartType" checked={draft.spec.chartType === type} onChange={() => setChartType(type)} />
                {CHART_TYPE_LABELS[type]}
              </label>
            ))}
          </fieldset>
          {draft.spec.chartType === "breakdown" && (
            <fieldset className="choices">
              <legend>Breakdown style</legend>
              {(["bars", "sankey"] as const).map((style) => (
                <label key={style} className="choice">
                  <input
                    type="radio"
                    name="breakdownStyle"
                    checked={draft.spec.breakdownStyle === style}
                    onChange={() => setSpec({ breakdownStyle: style })}
                  />
                  {BREAKDOWN_STYLE_LABELS[style]}
                </label>
              ))}
            </fieldset>
          )}
          {timeAxis && (
            <label>
              Compare with
              <select
                value={draft.spec.compare ?? "none"}
                onChange={(e) => setSpec({ compare: e.target.value === "none" ? null : (e.target.value as Compare) })}
              >
                {(["none", "previous_period", "previous_year"] as const).map((c) => (
                  <option key={c} value={c}>
                    {COMPARE_LABELS[c]}
                  </option>
                ))}
              </select>
            </label>
          )}
          {timeAxis && untrackedPossible && (
            <label className="check" title="The site's use that none of its device meters measures: the site minus its devices">
              <input type="checkbox" checked={draft.spec.untracked} onChange={(e) => setSpec({ untracked: e.target.checked })} />
              Show untracked use
            </label>
          )}
          {!moneyChart && (
            <label
              className={forecastPossible ? "check" : "check muted"}
              title={forecastPossible ? undefined : "For one meter's power or energy"}
            >
              <input
                type="checkbox"
                disabled={!forecastPossible}
                checked={forecastPossible && draft.spec.forecast}
                onChange={(e) => setSpec({ forecast: e.target.checked })}
              />
              Forecast vs actual: draw the latest forecast and plan
            </label>
          )}
          {draft.spec.chartType === "summary" && (
            <p className="muted builder-note">Today, this week and this month, each against the same part of the one before.</p>
          )}
          {draft.spec.chartType === "breakdown" && (
            <fieldset className="choices">
              <legend>Period</legend>
              {BREAKDOWN_PERIODS.map(({ preset, label }) => (
                <label key={preset} className="choice">
                  <input
                    type="radio"
                    name="period"
                    checked={window.kind === "relative" && window.preset === preset}
                    onChange={() => setSpec({ window: { kind: "relative", preset } })}
                  />
                  {label}
                </label>
              ))}
            </fieldset>
          )}
          {!moneyChart && (
            <fieldset className="choices">
              <legend>Time window</legend>
              {RELATIVE_WINDOWS.map((preset) => (
                <label key={preset} className="choice">
                  <input
                    type="radio"
                    name="window"
                    checked={window.kind === "relative" && window.preset === preset}
                    onChange={() => setSpec({ window: { kind: "relative", preset } })}
                  />
                  {WINDOW_LABELS[preset]}
                </label>
              ))}
              <label className="choice">
                <input
                  type="radio"
                  name="window"
                  checked={custom}
                  onChange={() =>
                    setSpec({
                      window: { kind: "absolute", from: new Date(Date.now() - 2 * DAY_MS).toISOString(), to: new Date().toISOString() },
                    })
                  }
                />
                Custom range
              </label>
              {custom && (
                <div className="range">
                  <label>
                    From
                    <input
                      type="datetime-local"
                      required
                      value={toLocalInput(window.from)}
                      onChange={(e) => e.target.value && setSpec({ window: { ...window, from: fromLocalInput(e.target.value) } })}
                    />
                  </label>
                  <label>
                    To
                    <input
                      type="datetime-local"
                      required
                      value={toLocalInput(window.to)}
                      onChange={(e) => e.target.value && setSpec({ window: { ...window, to: fromLocalInput(e.target.value) } })}
                    />
                  </label>
                </div>
              )}
            </fieldset>
          )}
          {!moneyChart && (
            <label>
              Resolution
              <select value={draft.spec.bucket} onChange={(e) => setSpec({ bucket: e.target.value as SpecInput["bucket"] })}>
                {Bucket.options.map((b) => (
                  <option key={b} value={b}>
                    {b === "auto" ? "Automatic (finer as you zoom)" : b}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            Title
            <input
              required
              maxLength={120}
              value={title}
              onChange={(e) => setDraft({ ...draft, title: e.target.value, titleEdited: true })}
            />
          </label>
        </div>

        <section className="builder-preview" aria-label="Preview">
          <h3 className="muted">Preview</h3>
          <div className="preview-frame card">
            {preview ? <ChartView spec={preview} /> : <div className="chart-overlay muted">Pick a meter to see a preview.</div>}
          </div>
          {problems && (
            <ul className="error problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <ErrorLine error={error} />
          <div className="actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!spec || saving}>
              {saving ? "Saving…" : chart ? "Save chart" : "Add to tab"}
            </button>
          </div>
        </section>
      </form>
    </Dialog>
  );
}

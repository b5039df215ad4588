import { type KeyboardEvent, useCallback, useRef } from "react";
import { canDrawForecast, RELATIVE_WINDOWS, type TimeWindow } from "../../../worker/charts/chart-spec-contract";
import type { Chart, Tab } from "../api/wattboard";
import { useHomeRole } from "../homes/home-role";
import type { LiveChannel } from "../live-socket";
import { Menu, type MenuItem } from "../ui/Menu";
import type { PlotHandle } from "./ChartPlot";
import { ChartView } from "./ChartView";
import { downloadText, downloadUrl, fileSafe } from "./download";
import { BREAKDOWN_PERIODS } from "./money";
import { WINDOW_LABELS, windowLabel } from "./window-labels";

type Preset = (typeof RELATIVE_WINDOWS)[number];

export interface ChartActions {
  edit(chart: Chart): void;
  duplicate(chart: Chart): void;
  moveToTab(chart: Chart, tabId: string): void;
  setWindow(chart: Chart, window: TimeWindow): void;
  /** Shows or hides the meter's latest forecast and plan on the chart. */
  setForecast(chart: Chart, forecast: boolean): void;
  remove(chart: Chart): void;
  /** Opens the share dialog, which the dashboard holds so that a re-laid-out grid does not close it. */
  share(chart: Chart): void;
  /** Keyboard moving and resizing: a change of x/y (or w/h with resize) in grid cells. */
  nudge(chart: Chart, dx: number, dy: number, resize: boolean): void;
}

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function provenance(chart: Chart): string {
  if (chart.source === "manual") return "Built by hand";
  return chart.provenance ? `From chat session ${chart.provenance.sessionId.slice(0, 8)}` : "From a chat session";
}

/** The card's window, or a breakdown's calendar period; stat cards show fixed periods and have none. */
function WindowChip({ chart, actions, canEdit }: { chart: Chart; actions: ChartActions; canEdit: boolean }) {
  const { window, chartType } = chart.spec;
  const current = window.kind === "relative" ? window.preset : "custom";
  if (chartType === "summary") return null;
  if (chartType === "breakdown") {
    const known = BREAKDOWN_PERIODS.some((p) => p.preset === current);
    return (
      <select
        className="chip"
        aria-label={`Period of ${chart.title}`}
        value={current}
        onChange={(e) => actions.setWindow(chart, { kind: "relative", preset: e.target.value as Preset })}
      >
        {BREAKDOWN_PERIODS.map(({ preset, label }) => (
          <option key={preset} value={preset}>
            {label}
          </option>
        ))}
        {!known && (
          <option value={current} disabled>
            {windowLabel(window)}
          </option>
        )}
      </select>
    );
  }
  return (
    <select
      className="chip"
      aria-label={`Time window of ${chart.title}`}
      value={current}
      onChange={(e) =>
        e.target.value === "custom" ? actions.edit(chart) : actions.setWindow(chart, { kind: "relative", preset: e.target.value as Preset })
      }
    >
      {RELATIVE_WINDOWS.map((preset) => (
        <option key={preset} value={preset}>
          {WINDOW_LABELS[preset]}
        </option>
      ))}
      {/* A custom range is set in the chart's editor, which a viewer does not open. */}
      <option value="custom" disabled={!canEdit}>
        {window.kind === "absolute" ? windowLabel(window) : "Custom range…"}
      </option>
    </select>
  );
}

export function ChartCard({
  chart,
  tabs,
  live,
  actions,
  movable,
  register,
}: {
  chart: Chart;
  tabs: Tab[];
  live: LiveChannel | null;
  actions: ChartActions;
  movable: boolean;
  /** Tells the dashboard what the chart exports (the tab's export), null once it is gone. */
  register: (chartId: string, handle: PlotHandle | null) => void;
}) {
  const plot = useRef<PlotHandle | null>(null);
  const setPlot = useCallback(
    (handle: PlotHandle | null) => {
      plot.current = handle;
      register(chart.id, handle);
    },
    [chart.id, register],
  );
  const forecastPossible = canDrawForecast(chart.spec);
  const forecast = chart.spec.forecast && forecastPossible;
  const timeAxis = chart.spec.chartType !== "summary" && chart.spec.chartType !== "breakdown";
  const { canEdit } = useHomeRole();

  const items: (MenuItem | "separator")[] = [
    ...(canEdit
      ? [
          { label: "Edit", onSelect: () => actions.edit(chart) },
          { label: "Duplicate", onSelect: () => actions.duplicate(chart) },
          ...tabs
            .filter((t) => t.id !== chart.tabId)
            .map((t) => ({ label: `Move to “${t.title}”`, onSelect: () => actions.moveToTab(chart, t.id) })),
        ]
      : []),
    // Stat cards and breakdowns have no time axis to draw a forecast on.
    ...(timeAxis
      ? [
          {
            label: forecast ? "Hide forecast & plan" : "Show forecast & plan",
            onSelect: () => actions.setForecast(chart, !forecast),
            disabledReason: forecastPossible ? undefined : "one meter's power or energy only",
          },
        ]
      : []),
    "separator",
    ...(canEdit ? [{ label: "Share", onSelect: () => actions.share(chart) }] : []),
    {
      label: "Export CSV",
      onSelect: () => {
        const csv = plot.current?.csv();
        if (csv) downloadText(`${fileSafe(chart.title)}.csv`, csv);
      },
    },
    {
      label: "Download PNG",
      onSelect: async () => {
        const url = await plot.current?.picture(chart.title);
        if (url) downloadUrl(url, `${fileSafe(chart.title)}.png`);
      },
    },
    ...(canEdit ? ["separator" as const, { label: "Delete", danger: true, onSelect: () => actions.remove(chart) }] : []),
  ];

  function onHandleKey(event: KeyboardEvent) {
    const arrow = ARROWS[event.key];
    if (!arrow) return;
    event.preventDefault();
    actions.nudge(chart, arrow[0], arrow[1], event.shiftKey);
  }

  return (
    <article className="card chart-card" aria-label={chart.title} data-chart-id={chart.id}>
      <header className="chart-head">
        {movable && (
          <button
            type="button"
            className="icon chart-drag"
            aria-label={`Move ${chart.title}: drag, or arrow keys (Shift+arrows resize)`}
            title="Drag to move · arrow keys move · Shift+arrows resize"
            onKeyDown={onHandleKey}
          >
            ⠿
          </button>
        )}
        <h3 title={chart.title}>{chart.title}</h3>
        <WindowChip chart={chart} actions={actions} canEdit={canEdit} />
        <Menu label={`Actions for ${chart.title}`} items={items} />
      </header>
      <ChartView spec={chart.spec} live={live} handle={setPlot} />
      <footer className="chart-foot muted">
        <span>{provenance(chart)}</span>
        {forecast && <span>Forecast & plan: latest model run</span>}
      </footer>
    </article>
  );
}

import { type Ref, useEffect, useImperativeHandle, useRef, useState } from "react";
import { type ChartSpec, canDrawForecast } from "../../../worker/charts/chart-spec-contract";
import { NO_TARIFF_NOTE } from "../../../worker/costs/money-contract";
import { type Annotation, annotationsApi } from "../api/annotations";
import { errorText } from "../api/client";
import { type ModelRun, type SeriesSet, wattboard } from "../api/wattboard";
import { isShownHome } from "../homes/current-home";
import { useHomeRole } from "../homes/home-role";
import type { LiveChannel } from "../live-socket";
import { useTheme } from "../theme";
import { noteLayers } from "./annotations";
import { CostNote } from "./CostNote";
import {
  chartTraces,
  compareAnnotations,
  localTime,
  runTraces,
  seriesCsv,
  seriesQuery,
  type TimeRange,
  valueAxisRange,
  valueFormat,
  zonedInstant,
} from "./chart-data";
import { chartPicture } from "./download";
import { useLiveVersion } from "./live-refresh";
import { currencyTicks } from "./money";
import { NoteDetails, type NoteDraft, NotePopover } from "./NotePopover";
import { plotly, themedLayout, usePlot, usePlotResize } from "./plotly";
import { windowLabel } from "./window-labels";

/** Loaded on first use, so the first screen does not wait for Plotly. */

const ZOOM_SETTLE_MS = 250;

export interface PlotHandle {
  csv(): string | null;
  /** The chart as a stand-alone PNG (a data URL) captioned with `title`; null before it is drawn. */
  picture(title: string): Promise<string | null>;
}

interface Props {
  spec: ChartSpec;
  live?: LiveChannel | null;
  handle?: Ref<PlotHandle>;
}

/**
 * One chart: fetches its series, draws it with Plotly, refetches at a finer resolution when the
 * person zooms or pans (double-click returns to the chart's window), and refreshes when the live
 * channel says one of its meters got readings.
 */
export function ChartPlot({ spec, live = null, handle }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState<TimeRange | null>(null);
  const [data, setData] = useState<SeriesSet | null>(null);
  const [run, setRun] = useState<ModelRun | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<Annotation[]>([]);
  const [notesVersion, setNotesVersion] = useState(0);
  const [draft, setDraft] = useState<NoteDraft | null>(null);
  const [opened, setOpened] = useState<{ note: Annotation; left: number; top: number } | null>(null);
  const version = useLiveVersion(live, spec.meterIds);
  const { canEdit } = useHomeRole();
  const theme = useTheme();
  const specKey = JSON.stringify(spec);
  const zoomable = spec.chartType !== "heatmap";

  // biome-ignore lint/correctness/useExhaustiveDependencies: specKey is the trigger: a chart whose spec content changes starts unzoomed.
  useEffect(() => setZoom(null), [specKey]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: specKey stands for spec (a new object with the same content must not refetch); version is the live refresh trigger.
  useEffect(() => {
    let cancelled = false;
    // About one bucket per two pixels; a heatmap needs every hour of the window.
    const width = plotRef.current?.clientWidth || 600;
    const points = spec.chartType === "heatmap" ? 5_000 : Math.max(60, Math.min(2_000, Math.round(width / 2)));
    setLoading(true);
    wattboard
      .series(seriesQuery(spec, points, zoom))
      .then((result) => {
        if (cancelled) return;
        setData(result);
        setError(null);
      })
      .catch((caught) => !cancelled && setError(errorText(caught)))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [specKey, zoom, version]);

  // The notes of the chart's meters (and their sites' and devices') over the window the data covers.
  const notable = spec.chartType !== "heatmap";
  // biome-ignore lint/correctness/useExhaustiveDependencies: notesVersion is the trigger to read the notes again after one is added or deleted.
  useEffect(() => {
    const window = data?.series[0];
    if (!notable || !window) return setNotes([]);
    let cancelled = false;
    const meterIds = [...new Set(data.series.map((s) => s.meterId))];
    Promise.all(meterIds.map((meterId) => annotationsApi.list({ meterId, from: window.from, to: window.to }))).then(
      (lists) => {
        if (cancelled) return;
        const byId = new Map(lists.flat().map((note) => [note.id, note]));
        setNotes([...byId.values()].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)));
      },
      () => !cancelled && setNotes([]),
    );
    return () => {
      cancelled = true;
    };
  }, [data, notable, notesVersion]);

  // A member added or deleted a note in this home: read the notes again. Any note, not only this chart's
  // meters': a note on a site is drawn on its devices' charts too, and the page does not hold that family.
  useEffect(
    () =>
      live?.subscribe((event) => {
        const change = event.payload as { homeId: string; kind: string };
        if (event.type === "home.changed" && change.kind === "annotation" && isShownHome(change.homeId)) setNotesVersion((n) => n + 1);
      }),
    [live],
  );

  const wantsRun = spec.forecast && canDrawForecast(spec);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the live refresh trigger: new readings may have brought a new run.
  useEffect(() => {
    if (!wantsRun) return setRun(null);
    let cancelled = false;
    wattboard.latestRun(spec.meterIds[0]).then(
      (result) => !cancelled && setRun(result),
      () => !cancelled && setRun(null),
    );
    return () => {
      cancelled = true;
    };
  }, [wantsRun, spec.meterIds[0], version]);

  const zone = data?.series[0]?.timezone ?? "UTC";
  // Spec is read from the render that brought the data: redrawing on a spec change alone would draw the old
  // series with the new spec (and redraw on every new spec object); theme is the trigger to re-read the CSS colours.
  usePlot(
    plotRef,
    async (Plotly, element, color) => {
      if (!data) return;
      const { axisTitle } = valueFormat(spec.metric, data.unit);
      const compared = data.series.some((s) => s.compare);
      const heatmap = spec.chartType === "heatmap";
      const traces = [...chartTraces(spec, data), ...(run ? runTraces(run, zone) : [])];
      // Plotly autoranges a lone point to a sliver of a millisecond: show it in its window instead.
      const lone =
        !heatmap && data.series.reduce((n, s) => n + s.points.length, 0) === 1 ? data.series.find((s) => s.points.length) : undefined;
      const window = data.series[0];
      const layers = window
        ? noteLayers(notes, zone, window, { note: color("--muted"), away: color("--accent"), text: color("--text") })
        : { shapes: [], annotations: [] };
      await Plotly.react(
        element,
        traces as Plotly.Data[],
        {
          ...themedLayout(color),
          margin: { l: 48, r: 12, t: 6, b: 36 },
          xaxis: {
            gridcolor: color("--grid"),
            linecolor: color("--border"),
            automargin: true,
            title: { text: heatmap ? `Day (${zone})` : `Time (${zone})`, standoff: 6 },
            ...(zoom
              ? { range: [localTime(zoom.from, zone), localTime(zoom.to, zone)] }
              : lone
                ? { range: [localTime(lone.from, zone), localTime(lone.to, zone)] }
                : { autorange: true }),
          },
          yaxis: {
            gridcolor: color("--grid"),
            automargin: true,
            title: { text: heatmap ? "Hour" : axisTitle },
            rangemode: valueAxisRange(spec.metric),
            ...(spec.metric === "cost" && !heatmap ? currencyTicks(data.unit) : {}),
            fixedrange: !heatmap,
          },
          barmode: "group",
          showlegend: data.series.length > 1 || compared || Boolean(run),
          // Note labels first: a clicked label's index is its note's.
          annotations: [
            ...layers.annotations,
            ...(compareAnnotations(spec, data, {
              up: color("--danger"),
              down: color("--ok"),
              neutral: color("--muted"),
            }) as Partial<Plotly.Annotation>[]),
          ],
          shapes: layers.shapes,
          legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
          hovermode: heatmap ? "closest" : "x unified",
          uirevision: specKey,
        },
        // Phones zoom by dragging; the mode bar would cover the legend of a small chart.
        {
          responsive: true,
          displaylogo: false,
          displayModeBar: element.clientWidth < 500 ? false : "hover",
          modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d", "resetScale2d", "toImage"],
          doubleClick: heatmap ? "reset" : false,
        },
      );
      element.dataset.points = String(data.series.reduce((n, s) => n + s.points.length, 0));
      element.dataset.bucket = data.series[0]?.bucket ?? "";
      element.dataset.notes = String(notes.length);
      // Attached after every draw: a draw that starts the plot afresh (the first, a new config) drops its listeners.
      const plotted = element as HTMLDivElement & Plotly.PlotlyHTMLElement;
      for (const name of ["plotly_click", "plotly_clickannotation", "plotly_relayout", "plotly_doubleclick"])
        plotted.removeAllListeners(name);
      plotted.on("plotly_click", (event) => clicks.current?.point(event));
      plotted.on("plotly_clickannotation", (event) => clicks.current?.label(event));
      plotted.on("plotly_relayout", (event) => gestures.current?.relayout(event));
      plotted.on("plotly_doubleclick", () => gestures.current?.doubleClick());
    },
    [data, zone, run, theme, zoom, notes],
  );

  // Zoom and pan: Plotly reports the new x range in the meter's wall-clock time. The handlers of
  // the latest render, which the draw attaches to the plot (as the clicks below).
  const zoomTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(zoomTimer.current), []);
  const gestures = useRef<{ relayout(event: Plotly.PlotRelayoutEvent): void; doubleClick(): void } | null>(null);
  gestures.current = zoomable
    ? {
        relayout: (event) => {
          const change = event as Record<string, unknown>;
          const range = change["xaxis.range"] as unknown[] | undefined;
          const from = change["xaxis.range[0]"] ?? range?.[0];
          const to = change["xaxis.range[1]"] ?? range?.[1];
          if (from === undefined || to === undefined) return;
          clearTimeout(zoomTimer.current);
          zoomTimer.current = setTimeout(
            () => setZoom({ from: zonedInstant(String(from), zone), to: zonedInstant(String(to), zone) }),
            ZOOM_SETTLE_MS,
          );
        },
        doubleClick: () => setZoom(null),
      }
    : null;

  // A click on a point opens "Add a note here" at its time (for an editor); a click on a note's label opens the note.
  // The handlers of the latest render, which the draw attaches to the plot (see below).
  const clicks = useRef<{ point(event: Plotly.PlotMouseEvent): void; label(event: Plotly.ClickAnnotationEvent): void }>(null);
  const placeOf = (event: MouseEvent) => {
    const box = plotRef.current?.getBoundingClientRect();
    return { left: event.clientX - (box?.left ?? 0), top: event.clientY - (box?.top ?? 0) };
  };
  clicks.current = {
    point: (event) => {
      const x = event.points[0]?.x;
      if (!notable || !canEdit || x === undefined || x === null) return;
      setOpened(null);
      setDraft({ at: zonedInstant(String(x), zone), ...placeOf(event.event) });
    },
    label: (event) => {
      const note = notable ? notes[event.index] : undefined;
      if (!note) return;
      setDraft(null);
      setOpened({ note, ...placeOf(event.event) });
    },
  };

  usePlotResize(plotRef);

  useImperativeHandle(handle, () => ({
    csv: () => (data ? seriesCsv(data) : null),
    picture: async (title) => {
      if (!plotRef.current || !data) return null;
      const meters = [...new Set(data.series.map((series) => series.name))].join(", ");
      const shown = zoom ? `${localTime(zoom.from, zone)} – ${localTime(zoom.to, zone)} (${zone})` : windowLabel(spec.window);
      const { axisTitle } = valueFormat(spec.metric, data.unit);
      return chartPicture(await plotly(), plotRef.current, { title, subtitle: `${meters} · ${shown} · ${axisTitle}` });
    },
  }));

  const empty = data?.series.every((s) => s.points.length === 0);
  // Meters whose every bucket lacks a cost for want of a tariff: said over the chart, with where to set one.
  const unpriced = data?.series.filter((s) => s.points.length > 0 && s.points.every((p) => p.note === NO_TARIFF_NOTE)) ?? [];
  return (
    <div className="chart-body">
      <div
        ref={plotRef}
        className="plot"
        data-testid="plot"
        aria-label={`Chart, ${zoom ? "zoomed" : windowLabel(spec.window)}`}
        role="img"
      />
      {!data && !error && <div className="chart-overlay muted">Loading…</div>}
      {error && (
        <div className="chart-overlay error" role="alert">
          {error}
        </div>
      )}
      {empty && !error && (
        <div className="chart-overlay muted">
          No readings in this window yet. They appear here as soon as the meter posts to its webhook.
        </div>
      )}
      {draft && data && (
        <NotePopover
          draft={draft}
          meters={data.series.filter((s) => s.part === "meter").map((s) => ({ id: s.meterId, name: s.name }))}
          zone={zone}
          onDone={(made) => {
            setDraft(null);
            if (made) setNotesVersion((n) => n + 1);
          }}
        />
      )}
      {opened && (
        <NoteDetails
          note={opened.note}
          place={opened}
          zone={zone}
          onDone={(deleted) => {
            setOpened(null);
            if (deleted) setNotesVersion((n) => n + 1);
          }}
        />
      )}
      {unpriced.length > 0 && (
        <div className="chart-overlay muted" role="status">
          {unpriced.map((series) => (
            <p key={series.meterId}>
              No cost for {series.name}: <CostNote note={NO_TARIFF_NOTE} meterId={series.meterId} />
            </p>
          ))}
        </div>
      )}
      {zoom && (
        <div className="zoom-note">
          {loading ? "Loading finer data…" : `Zoomed · ${data?.series[0]?.bucket ?? ""} buckets`}
          <button type="button" className="link" onClick={() => setZoom(null)} title="Double-click the chart does the same">
            Back to {windowLabel(spec.window).toLowerCase()}
          </button>
        </div>
      )}
    </div>
  );
}

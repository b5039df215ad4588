import { useCallback, useEffect, useRef, useState } from "react";
import type { ChartLayout, TimeWindow } from "../../worker/charts/chart-spec-contract";
import { errorText } from "./api/client";
import { type Chart, type Meter, type Tab, type TabWithCharts, wattboard } from "./api/wattboard";
import { ChartBuilder } from "./builder/ChartBuilder";
import { type ChartActions, ChartCard } from "./charts/ChartCard";
import { ChartGrid } from "./charts/ChartGrid";
import type { PlotHandle } from "./charts/ChartPlot";
import { downloadBlob, downloadUrl, fileSafe } from "./charts/download";
import { tabCsvZip, tabPng } from "./charts/tab-export";
import { useChatLink } from "./chat/dashboard-link";
import { isShownHome } from "./homes/current-home";
import { useHomeRole } from "./homes/home-role";
import type { LiveChannel } from "./live-socket";
import { ShareDialog } from "./shares/ShareDialog";
import { type TabActions, TabBar } from "./tabs/TabBar";
import { useDeferredDelete } from "./ui/deferred-delete";
import { ErrorBanner } from "./ui/ErrorBanner";
import { UndoToast } from "./ui/UndoToast";

const LAST_TAB_KEY = "wattboard.lastTab";

export function Dashboard({ live, goToMeters }: { live: LiveChannel | null; goToMeters: () => void }) {
  const [tabs, setTabs] = useState<Tab[] | null>(null);
  const [meters, setMeters] = useState<Meter[] | null>(null);
  const [activeId, setActiveId] = useState<string | null>(localStorage.getItem(LAST_TAB_KEY));
  const [active, setActive] = useState<TabWithCharts | null>(null);
  /** Whether the chart grid, at its width, lets charts be dragged (off when it reflows them): what the hint says. */
  const [movable, setMovable] = useState(true);
  const [builder, setBuilder] = useState<{ chart?: Chart } | null>(null);
  const [sharing, setSharing] = useState<Chart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { canEdit } = useHomeRole();
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);
  const { schedule, pending } = useDeferredDelete(report);

  useEffect(() => {
    wattboard.listTabs().then(setTabs, report);
    wattboard.listMeters().then(setMeters, report);
  }, [report]);

  const shownId = tabs?.some((t) => t.id === activeId) ? activeId : (tabs?.[0]?.id ?? null);
  useEffect(() => {
    if (!shownId) return setActive(null);
    localStorage.setItem(LAST_TAB_KEY, shownId);
    let cancelled = false;
    wattboard.getTab(shownId).then((tab) => !cancelled && setActive(tab), report);
    return () => {
      cancelled = true;
    };
  }, [shownId, report]);

  const refresh = useCallback(() => {
    wattboard.listTabs().then(setTabs, report);
    if (shownId) wattboard.getTab(shownId).then((tab) => setActive((shown) => (shown?.id === tab.id ? tab : shown)), report);
  }, [shownId, report]);

  // The chat sees the tabs and the open one; a chart it makes reloads the open tab, so it appears live.
  useChatLink(live, { tabs, openTabId: shownId, openTab: setActiveId, refresh });

  // Another member changed a tab or a chart of this home: show it without a reload (the charts read a changed note themselves).
  useEffect(
    () =>
      live?.subscribe((event) => {
        const change = event.payload as { homeId: string; kind: string };
        if (event.type === "home.changed" && change.kind !== "annotation" && isShownHome(change.homeId)) refresh();
      }),
    [live, refresh],
  );

  const setCharts = (update: (charts: Chart[]) => Chart[]) => setActive((tab) => (tab ? { ...tab, charts: update(tab.charts) } : tab));
  const replaceChart = (chart: Chart) => setCharts((charts) => charts.map((c) => (c.id === chart.id ? chart : c)));

  // What each chart of the open tab exports, for the tab's export.
  const plots = useRef(new Map<string, PlotHandle>());
  const registerPlot = useCallback((chartId: string, handle: PlotHandle | null) => {
    if (handle) plots.current.set(chartId, handle);
    else plots.current.delete(chartId);
  }, []);
  const grid = useRef<HTMLDivElement>(null);
  const exportable = () => (active?.charts ?? []).map((chart) => ({ chart, handle: plots.current.get(chart.id) }));

  const tabActions: TabActions = {
    exportCsv: (tab) => {
      const zip = tabCsvZip(exportable());
      if (zip) downloadBlob(`${fileSafe(tab.title)}.zip`, new Blob([zip as BlobPart], { type: "application/zip" }));
      else setError(`“${tab.title}” has no chart with data to export yet.`);
    },
    exportPng: async (tab) => {
      const url = grid.current && (await tabPng(tab.title, exportable(), grid.current));
      if (url) downloadUrl(url, `${fileSafe(tab.title)}.png`);
      else setError(`“${tab.title}” has no drawn chart to export yet.`);
    },
    select: setActiveId,
    create: async (title) => {
      try {
        const tab = await wattboard.createTab(title);
        setTabs((current) => [...(current ?? []), tab]);
        setActiveId(tab.id);
      } catch (caught) {
        report(caught);
      }
    },
    rename: (id, title) => {
      setTabs((current) => current?.map((t) => (t.id === id ? { ...t, title } : t)) ?? current);
      wattboard.updateTab(id, { title }).catch((caught) => {
        report(caught);
        return wattboard.listTabs().then(setTabs);
      });
    },
    move: (id, index) => {
      setTabs((current) => {
        if (!current) return current;
        const moving = current.find((t) => t.id === id)!;
        const rest = current.filter((t) => t.id !== id);
        return [...rest.slice(0, index), moving, ...rest.slice(index)];
      });
      wattboard.updateTab(id, { position: index }).catch((caught) => {
        report(caught);
        return wattboard.listTabs().then(setTabs);
      });
    },
    remove: (tab) => {
      const before = tabs ?? [];
      setTabs(before.filter((t) => t.id !== tab.id));
      schedule({
        message: `Deleted tab “${tab.title}”${tab.id === active?.id && active.charts.length ? ` and its ${active.charts.length} chart${active.charts.length > 1 ? "s" : ""}` : ""}`,
        commit: (keepalive) => wattboard.deleteTab(tab.id, { keepalive }),
        restore: () => {
          setTabs(before);
          setActiveId(tab.id);
        },
      });
    },
  };

  const patchChart = (chart: Chart, changes: Partial<Pick<Chart, "spec" | "layout">>) => {
    replaceChart({ ...chart, ...changes });
    // A viewer may look at another window or the forecast; it is theirs for this visit, not saved for the home.
    if (!canEdit) return;
    wattboard.updateChart(chart.id, changes).then(replaceChart, (caught) => {
      report(caught);
      replaceChart(chart);
    });
  };

  const chartActions: ChartActions = {
    edit: (chart) => setBuilder({ chart }),
    share: setSharing,
    duplicate: async (chart) => {
      try {
        const copy = await wattboard.createChart({ tabId: chart.tabId, title: `${chart.title} (copy)`, spec: chart.spec });
        setCharts((charts) => [...charts, copy]);
      } catch (caught) {
        report(caught);
      }
    },
    moveToTab: async (chart, tabId) => {
      try {
        await wattboard.updateChart(chart.id, { tabId });
        setCharts((charts) => charts.filter((c) => c.id !== chart.id));
      } catch (caught) {
        report(caught);
      }
    },
    setWindow: (chart, window: TimeWindow) => patchChart(chart, { spec: { ...chart.spec, window } }),
    setForecast: (chart, forecast) => patchChart(chart, { spec: { ...chart.spec, forecast } }),
    remove: (chart) => {
      setCharts((charts) => charts.filter((c) => c.id !== chart.id));
      schedule({
        message: `Deleted chart “${chart.title}”`,
        commit: () => wattboard.deleteChart(chart.id),
        restore: () => setCharts((charts) => (chart.tabId === active?.id ? [...charts, chart] : charts)),
      });
    },
    nudge: (chart, dx, dy, resize) => {
      const { x, y, w, h } = chart.layout;
      const layout: ChartLayout = resize
        ? { x, y, w: Math.min(12 - x, Math.max(2, w + dx)), h: Math.min(24, Math.max(4, h + dy)) }
        : { x: Math.min(12 - w, Math.max(0, x + dx)), y: Math.max(0, y + dy), w, h };
      patchChart(chart, { layout });
    },
  };

  const saveLayouts = (changes: { id: string; layout: ChartLayout }[]) => {
    setCharts((charts) => charts.map((c) => ({ ...c, layout: changes.find((ch) => ch.id === c.id)?.layout ?? c.layout })));
    Promise.all(changes.map(({ id, layout }) => wattboard.updateChart(id, { layout }))).catch(report);
  };

  const noMeters = meters?.length === 0;
  return (
    <div className="dashboard">
      {tabs && <TabBar tabs={tabs} activeId={shownId} actions={tabActions} />}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />

      <main className="workspace">
        {tabs?.length === 0 && (
          <div className="empty">
            <h2>Build your first dashboard</h2>
            {noMeters ? (
              <p>
                Charts show what your meters post. Start by{" "}
                <button type="button" className="link" onClick={goToMeters}>
                  adding a meter
                </button>{" "}
                and pointing it at its webhook, then come back and add a tab.
              </p>
            ) : (
              <p>Tabs group charts: one for the house, one for the EV, one for the bill. Create one with “+ New tab” above.</p>
            )}
            {canEdit && (
              <button type="button" className="primary" onClick={() => void tabActions.create("My dashboard")}>
                Create a tab
              </button>
            )}
          </div>
        )}

        {active && (
          <div className="tab-toolbar">
            <span className="muted hint">
              {active.charts.length === 0
                ? ""
                : !canEdit
                  ? "Zoom by dragging across a chart."
                  : movable
                    ? "Drag a chart by ⠿ to move it, its corner to resize. Zoom by dragging across a chart."
                    : "Charts are rearranged to fit this width, so moving and resizing are off: widen the window or close the chat to move them. Zoom by dragging across a chart."}
            </span>
            {canEdit && (
              <button type="button" className="primary" onClick={() => setBuilder({})} disabled={!meters}>
                + Add chart
              </button>
            )}
          </div>
        )}

        {active?.charts.length === 0 && (
          <div className="empty">
            <h2>“{active.title}” has no charts yet</h2>
            {noMeters ? (
              <p>
                Add a meter on the{" "}
                <button type="button" className="link" onClick={goToMeters}>
                  Meters page
                </button>{" "}
                first; its readings are what charts show.
              </p>
            ) : (
              <p>Add a chart: pick meters, what to measure and a time window, and see the preview as you choose.</p>
            )}
            {canEdit && (
              <button type="button" className="primary" onClick={() => setBuilder({})} disabled={!meters}>
                Add your first chart
              </button>
            )}
          </div>
        )}

        {active && active.charts.length > 0 && (
          <div ref={grid}>
            <ChartGrid key={active.id} charts={active.charts} onLayouts={saveLayouts} onMovable={setMovable}>
              {(chart, movable) => (
                <ChartCard chart={chart} tabs={tabs ?? []} live={live} actions={chartActions} movable={movable} register={registerPlot} />
              )}
            </ChartGrid>
          </div>
        )}
      </main>

      {builder && active && meters && (
        <ChartBuilder
          meters={meters}
          tabId={active.id}
          chart={builder.chart}
          onClose={() => setBuilder(null)}
          onSaved={(saved) => {
            setBuilder(null);
            if (builder.chart) replaceChart(saved);
            else setCharts((charts) => [...charts, saved]);
          }}
        />
      )}
      {sharing && <ShareDialog kind="chart" id={sharing.id} title={sharing.title} onClose={() => setSharing(null)} />}
      <UndoToast pending={pending} />
    </div>
  );
}

import { useEffect, useState, type FormEvent } from "react";
import type { Chart } from "../../worker/schemas/charts";
import type { Tab, TabWithCharts } from "../../worker/schemas/tabs";
import { wattboard } from "./api";
import type { Session } from "./session";

const LAST_TAB_KEY = "wattboard.lastTab";

export function Dashboard({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [tabs, setTabs] = useState<Tab[] | null>(null);
  const [activeId, setActiveId] = useState<string | null>(localStorage.getItem(LAST_TAB_KEY));
  const [active, setActive] = useState<TabWithCharts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newTitle, setNewTitle] = useState("");

  const report = (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught));

  useEffect(() => {
    wattboard.listTabs().then(setTabs, report);
  }, []);

  const shownId = tabs?.some((t) => t.id === activeId) ? activeId : (tabs?.[0]?.id ?? null);
  useEffect(() => {
    if (!shownId) return setActive(null);
    localStorage.setItem(LAST_TAB_KEY, shownId);
    wattboard.getTab(shownId).then(setActive, report);
  }, [shownId]);

  async function addTab(event: FormEvent) {
    event.preventDefault();
    try {
      const tab = await wattboard.createTab(newTitle);
      setTabs((current) => [...(current ?? []), tab]);
      setActiveId(tab.id);
      setNewTitle("");
    } catch (caught) {
      report(caught);
    }
  }

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <span className="logo" aria-hidden="true">⚡</span> Wattboard
        </span>
        <span className="spacer" />
        <span className="muted">{session.email}</span>
        <button onClick={onSignOut}>Sign out</button>
      </header>

      <nav className="tabbar" aria-label="Dashboard tabs">
        {tabs?.map((tab) => (
          <button key={tab.id} className={tab.id === shownId ? "tab active" : "tab"} aria-current={tab.id === shownId ? "page" : undefined} onClick={() => setActiveId(tab.id)}>
            {tab.title}
          </button>
        ))}
        <form className="new-tab" onSubmit={addTab}>
          <input aria-label="New tab title" placeholder="New tab…" value={newTitle} maxLength={100} onChange={(e) => setNewTitle(e.target.value)} required />
          <button type="submit">Add tab</button>
        </form>
      </nav>

      {error && (
        <p className="error banner" role="alert">
          {error} <button onClick={() => setError(null)}>Dismiss</button>
        </p>
      )}

      <main className="workspace">
        {tabs && tabs.length === 0 && (
          <div className="empty">
            <h2>Start with a tab</h2>
            <p>Tabs group charts: one for the house, one for the EV, one for the bill. Name your first tab above.</p>
          </div>
        )}
        {active && active.charts.length === 0 && (
          <div className="empty">
            <h2>{active.title} has no charts yet</h2>
            <p>Charts you build or ask the chat for will appear here.</p>
          </div>
        )}
        {active && active.charts.length > 0 && (
          <div className="chart-grid">
            {active.charts.map((chart) => (
              <ChartCard key={chart.id} chart={chart} />
            ))}
          </div>
        )}
      </main>
    </div>
  );
}

function ChartCard({ chart }: { chart: Chart }) {
  const window = chart.spec.window.kind === "relative" ? chart.spec.window.preset.replaceAll("_", " ") : `${chart.spec.window.from} → ${chart.spec.window.to}`;
  return (
    <article className="card chart-card" style={{ gridColumn: `span ${chart.layout.w}` }}>
      <header>
        <h3>{chart.title}</h3>
        <span className="muted">{window}</span>
      </header>
      <div className="chart-placeholder" style={{ minHeight: chart.layout.h * 30 }}>
        {chart.spec.chartType} of {chart.spec.metric} · {chart.spec.meterIds.length} meter{chart.spec.meterIds.length === 1 ? "" : "s"}
      </div>
      <footer className="muted">{chart.source === "chat" ? "From a chat session" : "Built by hand"}</footer>
    </article>
  );
}

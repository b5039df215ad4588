import { useEffect, useState, type FormEvent } from "react";
import type { Tab, TabWithCharts } from "../../worker/schemas/tabs";
import { wattboard } from "./api";
import { ChartCard } from "./charts/ChartCard";
import type { LiveChannel } from "./live";

const LAST_TAB_KEY = "wattboard.lastTab";

export function Dashboard({ live }: { live: LiveChannel | null }) {
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
    <div className="dashboard">

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
              <ChartCard key={chart.id} chart={chart} live={live} />
            ))}
          </div>
        )}
      </main>
    </div>
  );
}

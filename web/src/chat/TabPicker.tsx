import { useEffect, useState } from "react";
import { type Tab, wattboard } from "../api/wattboard";
import { useDashboard } from "./dashboard-link";

/**
 * The tab the chat puts charts on: the dashboard's open tab until the person picks another.
 * On the Meters page (no dashboard) the tabs are read from the API.
 */
export function usePickedTab() {
  const dashboard = useDashboard();
  const [ownTabs, setOwnTabs] = useState<Tab[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const linked = dashboard !== null;
  useEffect(() => {
    if (!linked) wattboard.listTabs().then(setOwnTabs, () => {});
  }, [linked]);
  const tabs = dashboard?.tabs ?? ownTabs ?? [];
  const follows = picked === null || !tabs.some((t) => t.id === picked);
  const tabId = follows ? (dashboard?.openTabId ?? tabs[0]?.id ?? null) : picked;
  return { tabs, tabId, follows, pick: setPicked };
}

export function TabPicker({ picked }: { picked: ReturnType<typeof usePickedTab> }) {
  return (
    <label className="chat-picker">
      <span>Tab</span>
      <select
        aria-label="Tab for new charts"
        value={picked.tabId ?? ""}
        onChange={(e) => picked.pick(e.target.value || null)}
        disabled={picked.tabs.length === 0}
      >
        {picked.tabs.length === 0 && <option value="">No tabs yet</option>}
        {picked.tabs.map((tab) => (
          <option key={tab.id} value={tab.id}>
            {tab.title}
          </option>
        ))}
      </select>
    </label>
  );
}

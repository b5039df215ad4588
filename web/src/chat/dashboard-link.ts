import { useEffect, useRef, useSyncExternalStore } from "react";
import type { ToolCallRecord } from "../api/chat";
import type { Tab } from "../api/wattboard";
import type { LiveChannel } from "../live-socket";

/** What the dashboard lets the chat see and do: its tabs, the open one, and a reload. */
export interface DashboardLink {
  tabs: Tab[] | null;
  openTabId: string | null;
  openTab(id: string): void;
  /** Reload the tab list and the open tab (the chat made or changed something on it). */
  refresh(): void;
}

/** Tools whose successful calls change what the dashboard shows. */
const CHANGES_DASHBOARD = new Set(["create_chart", "update_chart", "create_tab"]);

let current: DashboardLink | null = null;
let pendingFocus: { tabId: string; chartId: string } | null = null;
const listeners = new Set<() => void>();
const handledCalls = new Set<string>();
const notify = () => {
  for (const listener of listeners) listener();
};

/**
 * Called by the Dashboard: shares its tabs with the chat, and reloads the open tab when a chat
 * tool call (from this browser tab or any other) creates or changes a chart, so it appears live.
 */
export function useChatLink(live: LiveChannel | null, link: DashboardLink) {
  const latest = useRef(link);
  latest.current = link;

  useEffect(() => {
    const proxy: DashboardLink = {
      get tabs() {
        return latest.current.tabs;
      },
      get openTabId() {
        return latest.current.openTabId;
      },
      openTab: (id) => latest.current.openTab(id),
      refresh: () => latest.current.refresh(),
    };
    current = proxy;
    notify();
    applyPendingFocus();
    return () => {
      if (current === proxy) current = null;
      notify();
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the dashboard's tabs and open tab are the triggers: subscribers re-read them through the proxy.
  useEffect(notify, [link.tabs, link.openTabId]);

  useEffect(
    () =>
      live?.subscribe((event) => {
        if (event.type === "chat.tool") noteToolCall((event.payload as { call: ToolCallRecord }).call);
      }),
    [live],
  );
}

/** The dashboard as the chat sees it; null while another view (Meters) is shown. */
export function useDashboard(): { tabs: Tab[] | null; openTabId: string | null } | null {
  const tabs = useSyncExternalStore(subscribe, () => current?.tabs ?? null);
  const openTabId = useSyncExternalStore(subscribe, () => current?.openTabId ?? null);
  const linked = useSyncExternalStore(subscribe, () => current !== null);
  return linked ? { tabs, openTabId } : null;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** A tool call seen over the socket or in a turn's answer; each one refreshes the dashboard once. */
export function noteToolCall(call: ToolCallRecord | undefined) {
  if (!call || handledCalls.has(call.id)) return;
  handledCalls.add(call.id);
  if (CHANGES_DASHBOARD.has(call.tool) && !call.error && call.result) current?.refresh();
}

/** The chart a create_chart (or update_chart) call made, when it made one. */
export function chartOf(call: ToolCallRecord): { id: string; tabId: string; title: string } | null {
  if ((call.tool !== "create_chart" && call.tool !== "update_chart") || call.error || !call.result) return null;
  const result = call.result as { id?: unknown; tabId?: unknown; title?: unknown };
  return typeof result.id === "string" && typeof result.tabId === "string"
    ? { id: result.id, tabId: result.tabId, title: String(result.title ?? "Chart") }
    : null;
}

/** Open the chart's tab on the dashboard (switching to it first) and point at the chart. */
export function showChart(tabId: string, chartId: string, goToDashboard: () => void) {
  pendingFocus = { tabId, chartId };
  if (current) applyPendingFocus();
  else goToDashboard();
}

function applyPendingFocus() {
  if (!current || !pendingFocus) return;
  const { tabId, chartId } = pendingFocus;
  pendingFocus = null;
  if (current.openTabId !== tabId) current.openTab(tabId);
  const started = Date.now();
  const look = () => {
    const card = document.querySelector<HTMLElement>(`[data-chart-id="${CSS.escape(chartId)}"]`);
    if (!card) return void (Date.now() - started < 8_000 && setTimeout(look, 120));
    card.scrollIntoView({ block: "center", behavior: "smooth" });
    card.classList.add("chat-linked");
    setTimeout(() => card.classList.remove("chat-linked"), 2_400);
  };
  look();
}

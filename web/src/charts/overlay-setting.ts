import { useReducer } from "react";

const key = (chartId: string) => `wattboard.overlay.${chartId}`;

export function rememberOverlay(chartId: string, on: boolean) {
  if (on) localStorage.setItem(key(chartId), "1");
  else localStorage.removeItem(key(chartId));
}

export function overlaySetting(chartId: string): boolean {
  return localStorage.getItem(key(chartId)) === "1";
}

/**
 * Whether a chart shows the latest forecast and plan. Kept in this browser: the chart spec has no
 * field for it yet. Read on every render, so a change made in the builder shows at once.
 */
export function useOverlaySetting(chartId: string): [boolean, (on: boolean) => void] {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  return [
    overlaySetting(chartId),
    (next) => {
      rememberOverlay(chartId, next);
      rerender();
    },
  ];
}

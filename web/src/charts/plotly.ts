import { type DependencyList, type RefObject, useEffect } from "react";

/** Plotly, loaded on first use: it is most of the app's weight. */
export const plotly = () => import("plotly.js-dist-min").then((module) => module.default);
export type PlotlyModule = Awaited<ReturnType<typeof plotly>>;

/** Reads the page's CSS colour variables at draw time, so a chart redrawn after a theme change takes its colours. */
export type CssColor = (name: string) => string;

/** What every chart of ours shares: transparent backgrounds, the muted font and the hover label in the theme. */
export function themedLayout(color: CssColor): Partial<Plotly.Layout> {
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: color("--muted"), size: 11, family: "inherit" },
    hoverlabel: { bgcolor: color("--surface"), bordercolor: color("--border"), font: { color: color("--text") } },
  };
}

/**
 * Draws into the element whenever `deps` change (pass the theme among them to redraw in its colours);
 * a draw started before a newer one, or after the component left, does nothing.
 */
export function usePlot(
  ref: RefObject<HTMLDivElement | null>,
  draw: (Plotly: PlotlyModule, element: HTMLDivElement, color: CssColor) => Promise<void> | void,
  deps: DependencyList,
) {
  useEffect(
    () => {
      const element = ref.current;
      if (!element) return;
      let disposed = false;
      void plotly().then(async (Plotly) => {
        if (disposed) return;
        const css = getComputedStyle(document.documentElement);
        await draw(Plotly, element, (name) => css.getPropertyValue(name).trim());
      });
      return () => {
        disposed = true;
      };
    },
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what redraws; `draw` is a new function every render.
    deps,
  );
}

/** Whether the element takes up room on the page: not detached, not inside a hidden tab or `display: none`. */
const displayed = (element: HTMLElement) => element.isConnected && element.getClientRects().length > 0;

/**
 * The grid resizes cards without resizing the window, and Plotly only watches the window. A plot that is
 * not displayed (a hidden tab, a card just removed) is left alone: Plotly rejects resizing it.
 */
export function usePlotResize(ref: RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(
      () => void plotly().then((Plotly) => element.dataset.points && displayed(element) && Plotly.Plots.resize(element)),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
}

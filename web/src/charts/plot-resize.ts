import { type RefObject, useEffect } from "react";

const plotly = () => import("plotly.js-dist-min").then((module) => module.default);

/** The grid animates a card's size over a few frames; one resize at the end lays the legend out once. */
const RESIZE_SETTLE_MS = 120;

/**
 * Resizes the Plotly chart in `ref` when its element changes size: the grid resizes cards without
 * resizing the window, and Plotly only watches the window. Resizes overlapping during the grid's
 * animation left a legend where the old margins had put it, over the plot.
 */
export function usePlotResize(ref: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void plotly().then((Plotly) => element.dataset.points && Plotly.Plots.resize(element)), RESIZE_SETTLE_MS);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [ref]);
}

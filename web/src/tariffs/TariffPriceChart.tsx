import { useEffect, useRef } from "react";
import type { TariffPrices } from "../api/tariffs";
import { localTime } from "../charts/chart-data";
import { useTheme } from "../theme";

/** Loaded on first use, like the dashboard's charts, so the page does not wait for Plotly. */
const plotly = () => import("plotly.js-dist-min").then((module) => module.default);

/** A tariff has no zone of its own: its prices are drawn on the viewer's clock. */
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The tariff's prices as steps: each price holds for its whole slot. */
export function TariffPriceChart({ tariff }: { tariff: TariffPrices }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const theme = useTheme();

  // biome-ignore lint/correctness/useExhaustiveDependencies: theme is the trigger to re-read the CSS colours.
  useEffect(() => {
    const element = plotRef.current;
    if (!element) return;
    let disposed = false;
    void plotly().then(async (Plotly) => {
      if (disposed) return;
      const css = getComputedStyle(document.documentElement);
      const color = (name: string) => css.getPropertyValue(name).trim();
      const last = tariff.prices.at(-1);
      // The last slot's price holds until the tariff's end: repeat it there so the step is drawn whole.
      const points = last ? [...tariff.prices, { t: tariff.to, price: last.price }] : [];
      await Plotly.react(
        element,
        [
          {
            type: "scatter",
            mode: "lines",
            line: { shape: "hv", color: color("--accent"), width: 1.5 },
            x: points.map((p) => localTime(p.t, viewerZone)),
            y: points.map((p) => p.price),
            name: tariff.name,
            hovertemplate: `%{y:.4f} ${tariff.currency}/kWh<extra></extra>`,
          },
        ],
        {
          margin: { l: 56, r: 12, t: 6, b: 56 },
          paper_bgcolor: "rgba(0,0,0,0)",
          plot_bgcolor: "rgba(0,0,0,0)",
          font: { color: color("--muted"), size: 11, family: "inherit" },
          xaxis: {
            gridcolor: color("--grid"),
            linecolor: color("--border"),
            title: { text: `Time (${viewerZone})`, standoff: 14 },
            automargin: true,
          },
          yaxis: { gridcolor: color("--grid"), automargin: true, title: { text: `${tariff.currency}/kWh` }, fixedrange: true },
          hovermode: "x unified",
          hoverlabel: { bgcolor: color("--surface"), bordercolor: color("--border"), font: { color: color("--text") } },
          showlegend: false,
        },
        { responsive: true, displaylogo: false, displayModeBar: false },
      );
      element.dataset.points = String(tariff.prices.length);
    });
    return () => {
      disposed = true;
    };
  }, [tariff, theme]);

  return <div ref={plotRef} className="plot tariff-plot" data-testid="tariff-chart" />;
}

import { useRef } from "react";
import type { TariffPrices } from "../api/tariffs";
import { localTime } from "../charts/chart-data";
import { themedLayout, usePlot } from "../charts/plotly";
import { useTheme } from "../theme";

/** A tariff has no zone of its own: its prices are drawn on the viewer's clock. */
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The tariff's prices as steps: each price holds for its whole slot. */
export function TariffPriceChart({ tariff }: { tariff: TariffPrices }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const theme = useTheme();

  usePlot(
    plotRef,
    async (Plotly, element, color) => {
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
          ...themedLayout(color),
          margin: { l: 56, r: 12, t: 6, b: 56 },
          xaxis: {
            gridcolor: color("--grid"),
            linecolor: color("--border"),
            title: { text: `Time (${viewerZone})`, standoff: 14 },
            automargin: true,
          },
          yaxis: { gridcolor: color("--grid"), automargin: true, title: { text: `${tariff.currency}/kWh` }, fixedrange: true },
          hovermode: "x unified",
          showlegend: false,
        },
        { responsive: true, displaylogo: false, displayModeBar: false },
      );
      element.dataset.points = String(tariff.prices.length);
    },
    [tariff, theme],
  );

  return <div ref={plotRef} className="plot tariff-plot" data-testid="tariff-chart" />;
}

import { useEffect, useRef, useState } from "react";
import { demandPeakHour } from "../../../worker/runs/contract";
import { ApiRequestError, errorText } from "../api/client";
import { type Meter, type ModelRun, wattboard } from "../api/wattboard";
import { localTime } from "../charts/chart-data";
import { themedLayout, usePlot } from "../charts/plotly";
import { useTheme } from "../theme";
import { ErrorLine } from "../ui/ErrorLine";
import { ForecastAccuracyPanel } from "./ForecastAccuracyPanel";

/** The latest forecast and plan of a meter, with a button to run the model now. */
export function ModelRunPanel({ meter }: { meter: Meter }) {
  const [run, setRun] = useState<ModelRun | null>(null);
  const [state, setState] = useState<"loading" | "none" | "running" | "ready">("loading");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    wattboard.latestRun(meter.id).then(
      (latest) => {
        setRun(latest);
        setState("ready");
      },
      (caught) => {
        setState("none");
        if (!(caught instanceof ApiRequestError && caught.status === 404)) setError(errorText(caught));
      },
    );
  }, [meter.id]);

  async function runNow() {
    setState("running");
    setError(null);
    try {
      setRun(await wattboard.runModel(meter.id));
      setState("ready");
    } catch (caught) {
      setError(errorText(caught));
      setState(run ? "ready" : "none");
    }
  }

  const f = run?.figures;
  const money = (value: number) => `${value.toFixed(2)} ${f?.currency ?? ""}`;
  return (
    <section className="run-panel" aria-label={`Forecast and plan for ${meter.name}`}>
      <header className="row">
        <h4>Forecast & plan</h4>
        <div className="row">
          <span className="muted">A run plans with the saved tariff & assets.</span>
          <button type="button" className="primary" onClick={() => void runNow()} disabled={state === "running"}>
            {state === "running" ? "Running…" : "Run forecast now"}
          </button>
        </div>
      </header>
      <ErrorLine error={error} />
      {state === "none" && !error && (
        <p className="muted">No run yet. The model runs by itself as readings arrive (it needs a day of history), or run it now.</p>
      )}
      {run && f && (
        <>
          <p className="explanation">{run.explanation}</p>
          <dl className="figures">
            <div>
              <dt>Next 24 h</dt>
              <dd>{f.forecastKwh.toFixed(1)} kWh</dd>
            </div>
            <div>
              <dt>Cost with the plan</dt>
              <dd>{money(f.expectedCost)}</dd>
            </div>
            <div>
              <dt>Saves</dt>
              <dd>{money(f.savings)}</dd>
            </div>
            <div>
              <dt>Highest forecast demand</dt>
              <dd>{demandPeakHour(run.plan).loadKwh.toFixed(1)} kW</dd>
            </div>
            <div>
              <dt title="The forecast demand plus the charging the plan schedules (battery, car)">Highest grid draw with the plan</dt>
              <dd>{f.peakKw.toFixed(1)} kW</dd>
            </div>
          </dl>
          {f.defaultTariff && (
            <p className="muted">No tariff set: the plan assumed a flat default price, and costs stay unknown. Set the tariff above.</p>
          )}
          {run.findings.length > 0 && (
            <ul className="findings">
              {run.findings.map((finding) => (
                <li key={finding.kind}>{finding.message}</li>
              ))}
            </ul>
          )}
          <RunChart run={run} zone={meter.timezone} />
          <p className="muted">
            Run {new Date(run.createdAt).toLocaleString()} ({run.trigger === "manual" ? "on request" : "automatic"}, model{" "}
            {run.modelVersion}).
          </p>
        </>
      )}
      {state !== "loading" && <ForecastAccuracyPanel key={run?.id ?? "none"} meterId={meter.id} />}
    </section>
  );
}

const HOUR_MS = 3_600_000;

function RunChart({ run, zone }: { run: ModelRun; zone: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  // theme is the trigger to re-read the CSS colours.
  usePlot(
    ref,
    async (Plotly, element, color) => {
      const x = run.plan.map((hour) => localTime(hour.t, zone));
      // Each value holds for its hour: every step line gets the last hour's end to run to.
      const hourEdges = [...x, localTime(new Date(Date.parse(run.plan[run.plan.length - 1].t) + HOUR_MS).toISOString(), zone)];
      const withLastHeld = (values: number[]) => [...values, values[values.length - 1]];
      await Plotly.react(
        element,
        [
          // The likely range first: p90 fills down to p10, under the lines.
          ...(run.forecastP10 && run.forecastP90
            ? [
                {
                  type: "scatter",
                  mode: "lines",
                  x: hourEdges,
                  y: withLastHeld(run.forecastP10),
                  line: { width: 0, shape: "hv" },
                  showlegend: false,
                  hoverinfo: "skip",
                },
                {
                  type: "scatter",
                  mode: "lines",
                  x: hourEdges,
                  y: withLastHeld(run.forecastP90),
                  fill: "tonexty",
                  fillcolor: "rgba(122, 92, 201, 0.2)",
                  line: { width: 0, shape: "hv" },
                  name: "Likely range (8 in 10)",
                  customdata: withLastHeld(run.forecastP10),
                  hovertemplate: "%{customdata:.2f}–%{y:.2f} kWh<extra>likely</extra>",
                },
              ]
            : []),
          {
            type: "scatter",
            mode: "lines",
            x: hourEdges,
            y: withLastHeld(run.forecastKwh),
            name: "Forecast use",
            line: { color: "#7a5cc9", width: 2, shape: "hv" },
            hovertemplate: "%{y:.2f} kWh<extra>forecast</extra>",
          },
          {
            type: "scatter",
            mode: "lines",
            x: hourEdges,
            y: withLastHeld(run.plan.map((h) => h.gridKwh)),
            name: "Planned from grid",
            line: { color: "#2a9d6f", width: 2, shape: "hv" },
            hovertemplate: "%{y:.2f} kWh<extra>plan</extra>",
          },
          {
            type: "scatter",
            mode: "lines",
            x: hourEdges,
            y: withLastHeld(run.plan.map((h) => h.priceKwh)),
            name: "Price",
            yaxis: "y2",
            line: { color: "#d9860b", width: 1.2, dash: "dot", shape: "hv" },
            hovertemplate: "%{y:.3f}/kWh<extra>price</extra>",
          },
        ] as Plotly.Data[],
        {
          height: 260,
          ...themedLayout(color),
          margin: { l: 44, r: 44, t: 8, b: 8 },
          xaxis: { gridcolor: color("--grid"), automargin: true, title: { text: `Hour (${zone})`, standoff: 6 } },
          yaxis: { gridcolor: color("--grid"), title: { text: "kWh per hour" }, rangemode: "tozero" },
          yaxis2: {
            overlaying: "y",
            side: "right",
            title: { text: `price (${run.figures.currency}/kWh)` },
            showgrid: false,
            // From zero (Plotly centres a flat price on itself, down to negative ticks), with round ticks of its
            // own: an overlaying axis defaults to ticks at the kWh axis's lines (0.00, 0.10, 0.21).
            rangemode: "tozero",
            tickmode: "auto",
            tickformat: ".2f",
            automargin: true,
          },
          legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
          hovermode: "x unified",
        },
        { responsive: true, displaylogo: false, displayModeBar: false },
      );
    },
    [run, zone, theme],
  );
  return <div ref={ref} className="run-chart" data-testid="run-chart" />;
}

import { useEffect, useState } from "react";
import { formatEnergy, formatMoney } from "../../../worker/costs/money-contract";
import { errorText } from "../api/client";
import { type Report, reportsApi } from "../api/reports";
import { ErrorLine } from "../ui/ErrorLine";
import "./report.css";

const dayFormat = (timeZone: string) => new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" });
const weekdayFormat = (timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" });
const timeFormat = (timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

/** "23 Nov – 29 Nov 2026" (the last day is the one before `to`), or "November 2026". */
function periodTitle(report: Report): string {
  const zone = report.timezone;
  if (report.cadence === "month")
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone, month: "long", year: "numeric" }).format(new Date(report.from));
  const lastDay = new Date(new Date(report.to).getTime() - 1);
  return `${dayFormat(zone).format(new Date(report.from))} – ${dayFormat(zone).format(lastDay)}`;
}

function Change({ now, before, lowerIsBetter = true }: { now: number | null; before: number | null; lowerIsBetter?: boolean }) {
  if (now === null || before === null || before === 0) return <span className="muted">no earlier figure</span>;
  const pct = ((now - before) / Math.abs(before)) * 100;
  const better = lowerIsBetter ? pct < 0 : pct > 0;
  return (
    <span className={better ? "change better" : "change worse"}>
      {pct < 0 ? "▼" : "▲"} {Math.abs(pct).toFixed(0)} %
    </span>
  );
}

/**
 * A report as it was made, laid out for the screen and for paper: the print stylesheet hides the
 * app around it, prints on A4 with its margins, on white whatever the theme.
 */
export function ReportPage({ id }: { id: string }) {
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    reportsApi.get(id).then(setReport, (caught) => setError(errorText(caught)));
  }, [id]);

  useEffect(() => {
    if (report) document.title = `${report.meterName}: ${report.cadence === "week" ? "weekly" : "monthly"} report, ${periodTitle(report)}`;
  }, [report]);

  if (error)
    return (
      <main className="report-page">
        <ErrorLine error={error} />
      </main>
    );
  if (!report) return <main className="report-page" aria-busy="true" />;

  const { summary, topDevice, forecast, outlook, savings, alerts } = report;
  const zone = report.timezone;
  const money = (amount: number | null) => (amount === null ? "–" : formatMoney(amount, summary.currency));
  const previousName = report.cadence === "week" ? "the week before" : "the month before";
  const devices = [...summary.byDevice].sort((a, b) => (b.cost ?? b.energyKwh) - (a.cost ?? a.energyKwh));

  return (
    <main className="report-page" data-testid="report">
      <header className="report-header">
        <div>
          <p className="report-kicker">{report.cadence === "week" ? "Weekly report" : "Monthly report"}</p>
          <h1>{report.meterName}</h1>
          <p className="report-period">{periodTitle(report)}</p>
        </div>
        <div className="report-actions no-print">
          <button type="button" className="primary" onClick={() => window.print()}>
            Print or save as PDF
          </button>
        </div>
      </header>

      <section className="report-cards" aria-label="The period in figures">
        <article className="report-card">
          <h2>Cost</h2>
          <p className="figure">{money(summary.cost)}</p>
          <p>
            <Change now={summary.cost} before={summary.previous.cost} />{" "}
            <span className="muted">
              vs {money(summary.previous.cost)} {previousName}
            </span>
          </p>
          {summary.costNote && <p className="muted small">{summary.costNote}</p>}
        </article>
        <article className="report-card">
          <h2>Energy</h2>
          <p className="figure">{formatEnergy(summary.energyKwh)}</p>
          <p>
            <Change now={summary.energyKwh} before={summary.previous.energyKwh} />{" "}
            <span className="muted">
              vs {formatEnergy(summary.previous.energyKwh)} {previousName}
            </span>
          </p>
        </article>
        <article className="report-card">
          <h2>Peak</h2>
          <p className="figure">{summary.peakKw === null ? "–" : `${summary.peakKw.toFixed(1)} kW`}</p>
          <p className="muted">{summary.peakAt ? timeFormat(zone).format(new Date(summary.peakAt)) : "no power readings"}</p>
        </article>
        <article className="report-card">
          <h2>Standing charge</h2>
          <p className="figure">{money(summary.standingCharge)}</p>
          <p className="muted">on top of the cost of energy</p>
        </article>
      </section>

      <section className="report-section">
        <h2>Where the money went</h2>
        {topDevice ? (
          <p>
            <strong>{topDevice.name}</strong> cost most: {money(topDevice.cost)} for {formatEnergy(topDevice.energyKwh)}.
          </p>
        ) : (
          <p className="muted">This meter has no device meters under it: add some to see where the money goes.</p>
        )}
        {devices.length > 0 && (
          <table className="report-table">
            <thead>
              <tr>
                <th>Device</th>
                <th className="num">Energy</th>
                <th className="num">Cost</th>
                <th className="num">Share</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <tr key={device.meterId}>
                  <td>{device.name}</td>
                  <td className="num">{formatEnergy(device.energyKwh)}</td>
                  <td className="num">{money(device.cost)}</td>
                  <td className="num">{device.share === null ? "–" : `${Math.round(device.share * 100)} %`}</td>
                </tr>
              ))}
              {summary.untracked && (
                <tr className="muted">
                  <td>Not on a device meter</td>
                  <td className="num">{formatEnergy(summary.untracked.energyKwh)}</td>
                  <td className="num">{money(summary.untracked.cost)}</td>
                  <td className="num" />
                </tr>
              )}
            </tbody>
          </table>
        )}
      </section>

      <div className="report-columns">
        <section className="report-section">
          <h2>Forecast: the next {forecast?.hours ?? 24} hours</h2>
          {forecast ? (
            <>
              <p>
                About <strong>{formatEnergy(forecast.energyKwh)}</strong>, costing{" "}
                <strong>{formatMoney(forecast.expectedCost, forecast.currency)}</strong> with the plan, which draws at most{" "}
                {forecast.peakKw.toFixed(1)} kW from the grid (its charging included).
              </p>
              <p className="muted small">
                Forecast made {timeFormat(zone).format(new Date(forecast.issuedAt))}. The model forecasts one day ahead; the week ahead
                below is an estimate from history.
              </p>
            </>
          ) : (
            <p className="muted">No forecast yet: the model runs once the meter has three days of readings.</p>
          )}
        </section>
        <section className="report-section">
          <h2>What the plan saved</h2>
          {savings ? (
            <p>
              The battery plans saved <strong>{formatMoney(savings.realised, savings.currency)}</strong> against the real use (
              {formatMoney(savings.planned, savings.currency)} planned) over {savings.hours} hours.
            </p>
          ) : (
            <p className="muted">No battery plan ran in this period.</p>
          )}
        </section>
      </div>

      {outlook && (
        <section className="report-section" aria-labelledby="report-outlook">
          <h2 id="report-outlook">The week ahead: an estimate from history</h2>
          <table className="report-table">
            <thead>
              <tr>
                <th>Day</th>
                <th className="num">Energy</th>
                <th className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {outlook.days.map((day) => (
                <tr key={day.from}>
                  <td>{weekdayFormat(zone).format(new Date(day.from))}</td>
                  <td className="num">{day.energyKwh === null ? "–" : formatEnergy(day.energyKwh)}</td>
                  <td className="num">{day.cost === null ? "–" : formatMoney(day.cost, outlook.currency)}</td>
                </tr>
              ))}
              <tr>
                <th>Week</th>
                <th className="num">{outlook.energyKwh === null ? "–" : formatEnergy(outlook.energyKwh)}</th>
                <th className="num">{outlook.cost === null ? "–" : formatMoney(outlook.cost, outlook.currency)}</th>
              </tr>
            </tbody>
          </table>
          <p className="muted small">
            Each day is the average of the same weekday over the {outlook.weeks} weeks before (those with readings), at the prices then and
            before the standing charge: what a usual week looks like, not the model's forecast.
          </p>
        </section>
      )}

      <section className="report-section">
        <h2>Alerts</h2>
        {alerts.length === 0 ? (
          <p className="muted">No alert fired in this period.</p>
        ) : (
          <ul className="report-alerts">
            {alerts.map((alert) => (
              <li key={`${alert.ruleId}-${alert.at}`}>
                {timeFormat(zone).format(new Date(alert.at))}: <strong>{alert.ruleName}</strong> {alert.state}
                {alert.value !== null && ` at ${alert.value}`}
              </li>
            ))}
          </ul>
        )}
      </section>

      <footer className="report-footer muted small">
        Wattboard · made {timeFormat(zone).format(new Date(report.createdAt))} · times in {zone}
      </footer>
    </main>
  );
}

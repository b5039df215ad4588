import { useEffect, useState } from "react";
import { formatMoney } from "../../../worker/costs/money-contract";
import { errorText } from "../api/client";
import { type ForecastAccuracy, wattboard } from "../api/wattboard";
import { ErrorLine } from "../ui/ErrorLine";

type LeadAccuracy = ForecastAccuracy["byLead"][number];

const LEAD_LABELS: Record<number, string> = { 1: "Next hour", 6: "6 hours ahead", 24: "A day ahead" };
const COLUMNS = [
  { key: "model", label: "Our forecast" },
  { key: "persistenceEnsemble", label: "Past week's average" },
  { key: "lastValue", label: "Last hour repeated" },
] as const;

const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 100)} %`);

/**
 * How the meter's forecasts did against what then happened over the last 30 days, by how far
 * ahead they looked, next to the two guesses anyone could make; and what the battery plans saved
 * for real against what they promised. Keyed by the latest run, so a new run scores again.
 */
export function ForecastAccuracyPanel({ meterId }: { meterId: string }) {
  const [accuracy, setAccuracy] = useState<ForecastAccuracy | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    wattboard.forecastAccuracy(meterId).then(setAccuracy, (caught) => setError(errorText(caught)));
  }, [meterId]);

  if (error) return <ErrorLine error={error} />;
  if (!accuracy) return null;
  const scored = accuracy.byLead.some((lead) => lead.samples > 0);
  return (
    <section className="accuracy-panel" aria-label="Forecast accuracy">
      <h4>How good the forecast has been</h4>
      {!scored ? (
        <p className="muted">
          No forecast has been checked against what happened yet: each one is, once its hours are over. Come back after a day of readings.
        </p>
      ) : (
        <>
          <table className="accuracy-table">
            <thead>
              <tr>
                <th scope="col">Last 30 days</th>
                {COLUMNS.map((column) => (
                  <th scope="col" key={column.key}>
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {accuracy.byLead.map((lead) => (
                <LeadRow key={lead.leadH} lead={lead} />
              ))}
            </tbody>
          </table>
          <p className="muted">
            How far off each hour's forecast typically was, as a share of an average hour's use (lower is better), over {accuracy.runs}{" "}
            forecasts. The two other columns are guesses anyone could make at the same moment: the same hour's average over the 7 days
            before, or the last hour's use repeated.
            {accuracy.coverage80 !== null &&
              ` ${Math.round(accuracy.coverage80 * 10)} hours in 10 fell inside the shaded likely range (it should be 8).`}
          </p>
        </>
      )}
      {accuracy.savings && (
        <>
          <dl className="figures">
            <div>
              <dt>Battery plans promised</dt>
              <dd>{formatMoney(accuracy.savings.planned, accuracy.savings.currency)}</dd>
            </div>
            <div>
              <dt>Saved for real</dt>
              <dd>{formatMoney(accuracy.savings.realised, accuracy.savings.currency)}</dd>
            </div>
          </dl>
          <p className="muted">
            Over the last 30 days' {accuracy.savings.hours} battery hours: each hour's plan played against what the house really used (never
            selling back to the grid), compared with buying all of it from the grid.
          </p>
        </>
      )}
    </section>
  );
}

function LeadRow({ lead }: { lead: LeadAccuracy }) {
  const values = COLUMNS.map((column) => lead[column.key]).filter((value) => value !== null);
  const best = values.length > 0 ? Math.min(...values) : null;
  return (
    <tr>
      <th scope="row">
        {LEAD_LABELS[lead.leadH] ?? `${lead.leadH} h ahead`}
        <span className="muted"> · {lead.samples} h</span>
      </th>
      {COLUMNS.map((column) => (
        <td key={column.key} className={lead[column.key] !== null && lead[column.key] === best ? "best" : undefined}>
          {percent(lead[column.key])}
        </td>
      ))}
    </tr>
  );
}

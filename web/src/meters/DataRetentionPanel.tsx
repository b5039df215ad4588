import { useEffect, useState } from "react";
import { type DataRetention, wattboard } from "../api/wattboard";

/** The choices offered; the API takes any whole number of days from 7 to 3650. */
const CHOICES: { label: string; rawDays: number | null }[] = [
  { label: "For good", rawDays: null },
  { label: "2 years", rawDays: 730 },
  { label: "1 year", rawDays: 365 },
  { label: "90 days", rawDays: 90 },
  { label: "30 days", rawDays: 30 },
];

/** How long raw readings stay (account-wide), with the plain statement of what is kept. */
export function DataRetentionPanel({ onError }: { onError: (error: unknown) => void }) {
  const [retention, setRetention] = useState<DataRetention | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    wattboard.dataRetention().then(setRetention, onError);
  }, [onError]);

  if (!retention) return null;
  const custom = !CHOICES.some((choice) => choice.rawDays === retention.rawDays);
  const choose = (value: string) => {
    setSaving(true);
    wattboard
      .saveDataRetention(value === "forever" ? null : Number(value))
      .then(setRetention, onError)
      .finally(() => setSaving(false));
  };

  return (
    <section className="card data-retention" aria-label="Data kept">
      <h3>Data kept</h3>
      <label>
        Keep raw readings{" "}
        <select
          value={retention.rawDays === null ? "forever" : String(retention.rawDays)}
          disabled={saving}
          onChange={(event) => choose(event.target.value)}
        >
          {CHOICES.map((choice) => (
            <option key={choice.label} value={choice.rawDays === null ? "forever" : String(choice.rawDays)}>
              {choice.label}
            </option>
          ))}
          {custom && <option value={String(retention.rawDays)}>{retention.rawDays} days</option>}
        </select>
      </label>
      <p className="muted" role="status">
        {retention.statement}
      </p>
    </section>
  );
}

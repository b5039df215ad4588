import { type FormEvent, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type NotificationSettings, notificationsApi } from "../api/notifications";
import { ErrorLine } from "../ui/ErrorLine";

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const clock = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/**
 * Quiet hours: local hours in the person's time zone when only urgent alerts reach their channels;
 * the others wait until the hours end, and findings arrive in the inbox without a sound.
 */
export function QuietHoursPanel() {
  const [saved, setSaved] = useState<NotificationSettings | null>(null);
  const [form, setForm] = useState<{ on: boolean; from: number; to: number; timezone: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    notificationsApi.settings().then(
      (settings) => {
        setSaved(settings);
        const neverSet = settings.quietFromHour === null && settings.timezone === "UTC";
        setForm({
          on: settings.quietFromHour !== null,
          from: settings.quietFromHour ?? 22,
          to: settings.quietToHour ?? 7,
          // Until saved once, the browser's own zone is the likelier answer than the server's UTC.
          timezone: neverSet ? Intl.DateTimeFormat().resolvedOptions().timeZone : settings.timezone,
        });
      },
      (caught) => setError(errorText(caught)),
    );
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!saved || !form) return;
    setError(null);
    setStatus(null);
    try {
      const next = await notificationsApi.saveSettings({
        mutedKinds: saved.mutedKinds,
        quietFromHour: form.on ? form.from : null,
        quietToHour: form.on ? form.to : null,
        timezone: form.timezone.trim(),
      });
      setSaved(next);
      setStatus(
        next.quietFromHour === null
          ? "Saved: no quiet hours."
          : `Saved: quiet from ${clock(next.quietFromHour)} to ${clock(next.quietToHour!)}.`,
      );
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <section className="card quiet-hours" aria-labelledby="quiet-hours-title">
      <h3 id="quiet-hours-title">Quiet hours</h3>
      <p className="muted">
        During quiet hours only rules marked urgent reach your channels; other alerts wait until the quiet hours end. The app's inbox still
        gets everything, silently.
      </p>
      <ErrorLine error={error} />
      {form && (
        <form onSubmit={save} className="quiet-hours-form">
          <label>
            <input type="checkbox" checked={form.on} onChange={(e) => setForm({ ...form, on: e.target.checked })} /> Quiet hours
          </label>
          <HourSelect text="From" label="Quiet from" disabled={!form.on} hour={form.from} onChange={(from) => setForm({ ...form, from })} />
          <HourSelect text="to" label="Quiet until" disabled={!form.on} hour={form.to} onChange={(to) => setForm({ ...form, to })} />
          <label>
            Time zone <input required value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} />
          </label>
          <button type="submit" className="primary">
            Save quiet hours
          </button>
          {status && (
            <span role="status" className="muted">
              {status}
            </span>
          )}
        </form>
      )}
    </section>
  );
}

function HourSelect(props: { text: string; label: string; disabled: boolean; hour: number; onChange: (hour: number) => void }) {
  return (
    <label>
      {props.text}{" "}
      <select
        aria-label={props.label}
        disabled={props.disabled}
        value={props.hour}
        onChange={(e) => props.onChange(Number(e.target.value))}
      >
        {HOURS.map((hour) => (
          <option key={hour} value={hour}>
            {clock(hour)}
          </option>
        ))}
      </select>
    </label>
  );
}

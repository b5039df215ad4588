import { type FormEvent, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type ReportListItem, type ReportSchedule, reportsApi } from "../api/reports";
import type { Meter } from "../api/wattboard";
import { openAppPath } from "../navigation";
import { ErrorLine } from "../ui/ErrorLine";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const DAYS = Array.from({ length: 28 }, (_, i) => i + 1);
const clock = (hour: number) => `${String(hour).padStart(2, "0")}:00`;
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

function HourSelect({ value, onChange, label }: { value: number; onChange: (hour: number) => void; label: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {HOURS.map((hour) => (
        <option key={hour} value={hour}>
          {clock(hour)}
        </option>
      ))}
    </select>
  );
}

/** One site meter's schedule: a weekly and a monthly report, each on or off, at a day and hour of the meter's clock. */
function ScheduleForm({ site }: { site: Meter }) {
  const [schedule, setSchedule] = useState<ReportSchedule | null>(null);
  const [weekly, setWeekly] = useState({ on: false, weekday: 1, hour: 8 });
  const [monthly, setMonthly] = useState({ on: false, day: 1, hour: 8 });
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    reportsApi.schedule(site.id).then(
      (saved) => {
        setSchedule(saved);
        if (saved.weekly) setWeekly({ on: true, ...saved.weekly });
        if (saved.monthly) setMonthly({ on: true, ...saved.monthly });
      },
      (caught) => setError(errorText(caught)),
    );
  }, [site.id]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setStatus(null);
    try {
      const saved = await reportsApi.saveSchedule(site.id, {
        weekly: weekly.on ? { weekday: weekly.weekday, hour: weekly.hour } : null,
        monthly: monthly.on ? { day: monthly.day, hour: monthly.hour } : null,
      });
      setSchedule(saved);
      setStatus("Saved.");
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  if (!schedule) return <ErrorLine error={error} />;
  return (
    <form className="report-schedule" onSubmit={save} data-meter-id={site.id}>
      <strong>{site.name}</strong>
      <label>
        <input type="checkbox" checked={weekly.on} onChange={(e) => setWeekly({ ...weekly, on: e.target.checked })} /> Weekly, on
      </label>
      <select
        aria-label="Weekday"
        disabled={!weekly.on}
        value={weekly.weekday}
        onChange={(e) => setWeekly({ ...weekly, weekday: Number(e.target.value) })}
      >
        {WEEKDAYS.map((name, i) => (
          <option key={name} value={i + 1}>
            {name}
          </option>
        ))}
      </select>
      <HourSelect label="Weekly report's hour" value={weekly.hour} onChange={(hour) => setWeekly({ ...weekly, hour })} />
      <label>
        <input type="checkbox" checked={monthly.on} onChange={(e) => setMonthly({ ...monthly, on: e.target.checked })} /> Monthly, on day
      </label>
      <select
        aria-label="Day of the month"
        disabled={!monthly.on}
        value={monthly.day}
        onChange={(e) => setMonthly({ ...monthly, day: Number(e.target.value) })}
      >
        {DAYS.map((day) => (
          <option key={day} value={day}>
            {day}
          </option>
        ))}
      </select>
      <HourSelect label="Monthly report's hour" value={monthly.hour} onChange={(hour) => setMonthly({ ...monthly, hour })} />
      <button type="submit">Save</button>
      {status && (
        <span role="status" className="muted">
          {status}
        </span>
      )}
      <ErrorLine error={error} />
    </form>
  );
}

/**
 * Weekly and monthly reports of the site meters: when each is made (on the meter's clock, about
 * the week or month before) and the latest ones, each a printable page.
 */
export function ReportsPanel({ meters }: { meters: Meter[] }) {
  const sites = meters.filter((m) => m.kind === "site");
  const [reports, setReports] = useState<ReportListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    reportsApi.list().then(setReports, (caught) => setError(errorText(caught)));
  }, []);

  return (
    <section className="card reports-panel" aria-labelledby="reports-title">
      <h3 id="reports-title">Reports</h3>
      <p className="muted">
        A weekly report (the week before) and a monthly one (the month before): cost against the period before, the device that cost most,
        the forecast for the next 24 hours, the week ahead estimated from history, what the plan saved and the alerts that fired. They
        arrive as a notification, on the meter's clock.
      </p>
      <ErrorLine error={error} />
      {sites.length === 0 && <p className="muted">Add a site meter to get reports.</p>}
      {sites.map((site) => (
        <ScheduleForm key={site.id} site={site} />
      ))}
      {reports && reports.length > 0 && (
        <ul className="report-list">
          {reports.slice(0, 10).map((report) => (
            <li key={report.id}>
              <a
                href={`/reports/${report.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  openAppPath(`/reports/${report.id}`);
                }}
              >
                {report.meterName}: {report.cadence === "week" ? "week" : "month"} from {dateOnly.format(new Date(report.from))}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

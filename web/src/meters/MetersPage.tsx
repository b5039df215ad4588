import { type FormEvent, Fragment, useCallback, useEffect, useState } from "react";
import { ChannelsPanel } from "../alerts/ChannelsPanel";
import { QuietHoursPanel } from "../alerts/QuietHoursPanel";
import { RulesPanel } from "../alerts/RulesPanel";
import { errorText } from "../api/client";
import { type Meter, type MeterWithWebhook, wattboard } from "../api/wattboard";
import { meterTree } from "../builder/MeterPicker";
import { EditorOnly, useHomeRole } from "../homes/home-role";
import type { LiveChannel } from "../live-socket";
import { ReportsPanel } from "../reports/ReportsPanel";
import { ErrorBanner } from "../ui/ErrorBanner";
import { ConnectPanel } from "./ConnectPanel";
import { DataRetentionPanel } from "./DataRetentionPanel";
import { EnergySettings } from "./EnergySettings";
import { ImportPanel } from "./ImportPanel";
import { ModelRunPanel } from "./ModelRunPanel";
import { curlExample } from "./webhook-example";

const SILENT_AFTER_MS = 15 * 60_000;
const STATUS_REFRESH_MS = 30_000;
/** While a new meter's credentials are shown, how often to look for its first reading. */
const FIRST_READING_POLL_MS = 3_000;

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function newer(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return relative.format(-seconds, "second");
  if (seconds < 3_600) return relative.format(-Math.round(seconds / 60), "minute");
  if (seconds < 86_400) return relative.format(-Math.round(seconds / 3_600), "hour");
  return relative.format(-Math.round(seconds / 86_400), "day");
}

function status(meter: Meter): { label: string; receiving: boolean } {
  if (!meter.lastReadingAt) return { label: "No readings yet", receiving: false };
  const age = Date.now() - Date.parse(meter.lastReadingAt);
  return age < SILENT_AFTER_MS
    ? { label: `Receiving · last reading ${ago(age)}`, receiving: true }
    : { label: `Silent since ${when.format(new Date(meter.lastReadingAt))} (${ago(age)})`, receiving: false };
}

export function MetersPage({ live }: { live: LiveChannel | null }) {
  const [meters, setMeters] = useState<Meter[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [credentials, setCredentials] = useState<MeterWithWebhook | null>(null);
  /** The meter whose details are open, and which of them. */
  // A "Set a tariff" link (a cost without one) arrives as ?tariff=<meter id> with that form open.
  const [opened, setOpened] = useState<{ id: string; panel: "energy" | "data" } | null>(() => {
    const id = new URLSearchParams(location.search).get("tariff");
    return id ? { id, panel: "energy" } : null;
  });
  const [form, setForm] = useState({
    name: "",
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    kind: "site" as "site" | "device",
    parentId: "",
  });

  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);
  // A live reading may arrive while the list is in flight: keep the newer of the two.
  const reload = useCallback(
    () =>
      wattboard.listMeters().then(
        (fetched) =>
          setMeters((current) =>
            fetched.map((m) => ({
              ...m,
              lastReadingAt: newer(m.lastReadingAt, current?.find((c) => c.id === m.id)?.lastReadingAt ?? null),
            })),
          ),
        report,
      ),
    [report],
  );
  useEffect(() => void reload(), [reload]);

  // Status follows the live channel for charted meters (the only ones the hub is told about) and a
  // periodic refresh for the others.
  useEffect(() => {
    const timer = setInterval(reload, STATUS_REFRESH_MS);
    const unsubscribe = live?.subscribe((event) => {
      if (event.type !== "meter.readings") return;
      const { meterId, newestTs } = event.payload as { meterId: string; newestTs: string };
      setMeters(
        (current) => current?.map((m) => (m.id === meterId ? { ...m, lastReadingAt: newer(m.lastReadingAt, newestTs) } : m)) ?? current,
      );
    });
    return () => {
      clearInterval(timer);
      unsubscribe?.();
    };
  }, [live, reload]);

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      const created = await wattboard.createMeter({
        name: form.name,
        timezone: form.timezone,
        kind: form.kind,
        ...(form.kind === "device" && form.parentId ? { parentId: form.parentId } : {}),
      });
      setCredentials(created);
      setForm({ ...form, name: "" });
      setError(null);
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  async function rotate(meter: Meter) {
    if (!confirm(`Issue a new webhook secret for "${meter.name}"? The current secret keeps working for 24 hours.`)) return;
    try {
      setCredentials(await wattboard.rotateMeterSecret(meter.id));
    } catch (caught) {
      report(caught);
    }
  }

  async function remove(meter: Meter) {
    try {
      await wattboard.deleteMeter(meter.id);
    } catch (caught) {
      // The API answers 409 with the number of readings that would go.
      if (!(caught instanceof Error) || !confirm(`${caught.message.split(". Repeat")[0]}. Delete it?`)) return;
      try {
        await wattboard.deleteMeter(meter.id, meter.id);
        await reload();
      } catch (again) {
        report(again);
      }
    }
  }

  // A new meter (not a rotated secret): watch for its first reading.
  const awaited = credentials && !credentials.lastReadingAt ? meters?.find((m) => m.id === credentials.id) : undefined;
  const awaitedId = awaited?.id;
  const firstReadingAt = awaited?.lastReadingAt ?? null;
  useEffect(() => {
    if (!awaitedId || firstReadingAt) return;
    const timer = setInterval(reload, FIRST_READING_POLL_MS);
    return () => clearInterval(timer);
  }, [awaitedId, firstReadingAt, reload]);

  // A write token's first write: refresh the status and the meter's history chart.
  const [writes, setWrites] = useState(0);
  const firstWrite = useCallback(() => {
    setWrites((n) => n + 1);
    void reload();
  }, [reload]);

  const sites = meters?.filter((m) => m.kind === "site") ?? [];
  const { canEdit } = useHomeRole();
  const replaceMeter = (meter: Meter) => setMeters((current) => current?.map((m) => (m.id === meter.id ? meter : m)) ?? current);

  return (
    <main className="workspace meters">
      <h2>Meters</h2>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {credentials && (
        <section className="card credentials" aria-label="Webhook credentials">
          <h3>Webhook for {credentials.name}</h3>
          <p>
            <strong>Copy the secret now: it is shown only once.</strong> Meters sign each POST with it; see the example below.
            {credentials.webhook.previousSecretValidUntil &&
              ` The previous secret keeps working until ${new Date(credentials.webhook.previousSecretValidUntil).toLocaleString()}.`}
          </p>
          <dl>
            <dt>URL</dt>
            <dd>
              <code>{credentials.webhook.url}</code>
            </dd>
            <dt>Secret</dt>
            <dd>
              <code data-testid="webhook-secret">{credentials.webhook.secret}</code>
            </dd>
          </dl>
          {awaited && (
            <p role="status" className={firstReadingAt ? "first-reading ok" : "first-reading muted"}>
              {firstReadingAt
                ? `✓ First reading received (${when.format(new Date(firstReadingAt))}).`
                : "Waiting for the first reading… run the example below to send one."}
            </p>
          )}
          <pre className="snippet" data-testid="curl-example">
            {curlExample(credentials.webhook.url, credentials.webhook.secret)}
          </pre>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(curlExample(credentials.webhook.url, credentials.webhook.secret)).catch(report)
            }
          >
            Copy example
          </button>{" "}
          <button type="button" onClick={() => setCredentials(null)}>
            Done
          </button>
        </section>
      )}

      {meters && meters.length === 0 && (
        <div className="empty">
          <h3>No meters yet</h3>
          <p>
            Add one below: you get its webhook URL, a secret and a curl command that posts a first reading. Point the meter (or its gateway)
            at that URL.
          </p>
        </div>
      )}
      {meters && meters.length > 0 && (
        <table className="card meter-table">
          <thead>
            <tr>
              <th>Meter</th>
              <th className="wide-only">Kind</th>
              <th className="wide-only">Time zone</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {meterTree(meters).map(({ meter, depth }) => {
              const { label, receiving } = status(meter);
              const open = opened?.id === meter.id ? opened.panel : null;
              const toggle = (panel: "energy" | "data") => setOpened(open === panel ? null : { id: meter.id, panel });
              return (
                <Fragment key={meter.id}>
                  <tr data-meter-id={meter.id}>
                    <td className={depth ? "device" : undefined}>{meter.name}</td>
                    <td className="wide-only">{meter.kind === "site" ? "Site" : "Sub-meter"}</td>
                    <td className="wide-only">{meter.timezone}</td>
                    <td data-testid="meter-status">
                      <span className={receiving ? "dot live" : "dot"} aria-hidden="true" /> {label}
                    </td>
                    <td className="actions">
                      <button type="button" aria-expanded={open === "energy"} onClick={() => toggle("energy")}>
                        {open === "energy" ? "Close" : "Tariff & forecast"}
                      </button>{" "}
                      {canEdit && (
                        <>
                          <button type="button" aria-expanded={open === "data"} onClick={() => toggle("data")}>
                            {open === "data" ? "Close" : "Connect & import"}
                          </button>{" "}
                          <button type="button" onClick={() => void rotate(meter)}>
                            New secret
                          </button>{" "}
                          <button type="button" onClick={() => void remove(meter)}>
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                  {open === "energy" && (
                    <tr className="meter-details">
                      <td colSpan={5}>
                        <EditorOnly>
                          <EnergySettings meter={meter} onSaved={replaceMeter} />
                          <ModelRunPanel meter={meter} />
                        </EditorOnly>
                      </td>
                    </tr>
                  )}
                  {open === "data" && (
                    <tr className="meter-details">
                      <td colSpan={5}>
                        <ConnectPanel
                          meter={meter}
                          site={meters.find((m) => m.id === meter.parentId)}
                          onOpenSite={(siteId) => setOpened({ id: siteId, panel: "data" })}
                          onFirstWrite={firstWrite}
                        />
                        <ImportPanel meter={meter} live={live} refresh={writes} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}

      {meters && meters.length > 0 && <RulesPanel meters={meters} />}
      {meters && <ChannelsPanel />}
      {meters && <QuietHoursPanel />}
      {meters && (
        <EditorOnly>
          <ReportsPanel meters={meters} />
        </EditorOnly>
      )}

      {canEdit && (
        <form className="card meter-form" onSubmit={create} aria-labelledby="add-meter-title">
          <h3 id="add-meter-title">Add a meter</h3>
          <label>
            Name{" "}
            <input
              required
              maxLength={100}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              placeholder="Main house"
            />
          </label>
          <label>
            Time zone <input required value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} />
          </label>
          <label>
            Kind
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as "site" | "device" })}>
              <option value="site">Site (a whole building or supply)</option>
              <option value="device">Device (a sub-meter under a site)</option>
            </select>
          </label>
          {form.kind === "device" && (
            <label>
              Site
              <select value={form.parentId} onChange={(e) => setForm({ ...form, parentId: e.target.value })}>
                <option value="">None</option>
                {sites.map((site) => (
                  <option key={site.id} value={site.id}>
                    {site.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" className="primary">
            Create meter
          </button>
        </form>
      )}
      {canEdit && <DataRetentionPanel onError={report} />}
    </main>
  );
}

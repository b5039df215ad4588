import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type Channel, type ChannelKind, type CreatedChannel, channelsApi } from "../api/channels";
import { errorText } from "../api/client";
import { ErrorLine } from "../ui/ErrorLine";

const KINDS: { kind: ChannelKind; label: string; placeholder: string }[] = [
  { kind: "ntfy", label: "ntfy (phone push)", placeholder: "https://ntfy.sh/your-secret-topic" },
  { kind: "slack", label: "Slack incoming webhook", placeholder: "https://hooks.slack.com/services/…" },
  { kind: "discord", label: "Discord webhook", placeholder: "https://discord.com/api/webhooks/…" },
  { kind: "homeassistant", label: "Home Assistant webhook", placeholder: "https://homeassistant.example.com/api/webhook/wattboard" },
  { kind: "webhook", label: "Signed JSON webhook", placeholder: "https://example.com/hooks/wattboard" },
];
const kindLabel = (kind: ChannelKind) => KINDS.find((k) => k.kind === kind)?.label ?? kind;

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** What the last "Send a test" came to, per channel. */
type TestOutcome = { state: "sending" } | { state: "delivered"; at: string } | { state: "failed"; error: string } | { state: "waiting" };

/**
 * Where alerts reach people besides the app: the list with each channel's status (failing with
 * its last error), a form to add one (a signed webhook's secret is shown once), and a test button.
 */
export function ChannelsPanel() {
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<{ kind: ChannelKind; name: string; url: string }>({ kind: "ntfy", name: "", url: "" });
  const [created, setCreated] = useState<CreatedChannel | null>(null);
  const [tests, setTests] = useState<Record<string, TestOutcome>>({});
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);

  useEffect(() => {
    channelsApi.list().then(setChannels, report);
  }, [report]);

  const replace = (channel: Channel) => setChannels((current) => current?.map((c) => (c.id === channel.id ? channel : c)) ?? current);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const channel = await channelsApi.create(form);
      setChannels((current) => [...(current ?? []), channel]);
      if (channel.secret) setCreated(channel);
      setForm({ ...form, name: "", url: "" });
    } catch (caught) {
      report(caught);
    }
  }

  async function remove(channel: Channel) {
    if (!window.confirm(`Delete the channel "${channel.name}"? Alerts stop going there.`)) return;
    try {
      await channelsApi.remove(channel.id);
      setChannels((current) => current?.filter((c) => c.id !== channel.id) ?? current);
    } catch (caught) {
      report(caught);
    }
  }

  /** Queues a test, then watches the channel until the attempt shows (a delivery or a new failure). */
  async function sendTest(channel: Channel) {
    setTests((t) => ({ ...t, [channel.id]: { state: "sending" } }));
    try {
      await channelsApi.test(channel.id);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 750));
        const now = await channelsApi.get(channel.id);
        replace(now);
        if (now.lastDeliveryAt && now.lastDeliveryAt !== channel.lastDeliveryAt) {
          setTests((t) => ({ ...t, [channel.id]: { state: "delivered", at: now.lastDeliveryAt! } }));
          return;
        }
        if (now.failures > channel.failures || (now.lastError && now.lastError !== channel.lastError)) {
          setTests((t) => ({ ...t, [channel.id]: { state: "failed", error: now.lastError ?? "the delivery failed" } }));
          return;
        }
      }
      setTests((t) => ({ ...t, [channel.id]: { state: "waiting" } }));
    } catch (caught) {
      setTests((t) => ({ ...t, [channel.id]: { state: "failed", error: errorText(caught) } }));
    }
  }

  const placeholder = KINDS.find((k) => k.kind === form.kind)?.placeholder;
  return (
    <section className="card channels" aria-labelledby="channels-title">
      <h3 id="channels-title">Alert channels</h3>
      <p className="muted">Where alerts reach you when the app is closed. Each alert rule picks its channels.</p>
      <ErrorLine error={error} />
      {created?.secret && (
        <div className="credentials" role="status">
          <p>
            <strong>Copy the signing secret of "{created.name}" now: it is shown only once.</strong> Your server checks each delivery's
            webhook-signature with it (README, "Alerts: channels").
          </p>
          <code data-testid="channel-secret">{created.secret}</code>{" "}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.secret!).catch(report)}>
            Copy secret
          </button>{" "}
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {channels && channels.length === 0 && <p className="muted">No channels yet: add one below.</p>}
      {channels && channels.length > 0 && (
        <table className="channel-table">
          <thead>
            <tr>
              <th>Channel</th>
              <th className="wide-only">Kind</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {channels.map((channel) => {
              const outcome = tests[channel.id];
              return (
                <tr key={channel.id} data-channel-id={channel.id}>
                  <td>{channel.name}</td>
                  <td className="wide-only">{kindLabel(channel.kind)}</td>
                  <td data-testid="channel-status">
                    {channel.status === "failing" ? (
                      <>
                        <span className="status-badge failing">Failing</span> <span className="muted">{channel.lastError}</span>
                      </>
                    ) : (
                      <span className="status-badge ok">OK</span>
                    )}
                    {outcome && (
                      <div role="status" className="muted">
                        {outcome.state === "sending" && "Sending a test…"}
                        {outcome.state === "delivered" && `✓ Test delivered (${when.format(new Date(outcome.at))}).`}
                        {outcome.state === "failed" && `✗ Test failed: ${outcome.error}. It is retried for a few minutes.`}
                        {outcome.state === "waiting" && "Still queued: the outcome will show here."}
                      </div>
                    )}
                  </td>
                  <td className="actions">
                    <button type="button" disabled={outcome?.state === "sending"} onClick={() => void sendTest(channel)}>
                      Send a test
                    </button>{" "}
                    <button type="button" onClick={() => void remove(channel)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form className="meter-form" onSubmit={create}>
        <h4>Add a channel</h4>
        <label>
          Service
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as ChannelKind })}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {/* Not "Name": the meter form below has that label, and tests find it by its words. */}
          Title{" "}
          <input
            required
            maxLength={100}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            placeholder="My phone"
          />
        </label>
        <label>
          URL{" "}
          <input
            required
            type="url"
            value={form.url}
            onChange={(e) => setForm({ ...form, url: e.target.value })}
            placeholder={placeholder}
          />
        </label>
        <button type="submit" className="primary">
          Add channel
        </button>
      </form>
    </section>
  );
}

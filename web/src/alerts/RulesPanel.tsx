import { type FormEvent, Fragment, useCallback, useEffect, useState } from "react";
import { type AlertRule, type AlertRuleBody, type AlertRuleDetail, type AlertRuleKind, alertRulesApi } from "../api/alert-rules";
import { type Channel, channelsApi } from "../api/channels";
import { errorText } from "../api/client";
import type { Meter } from "../api/wattboard";
import { useHomeRole } from "../homes/home-role";
import { ErrorLine } from "../ui/ErrorLine";

const KINDS: { kind: AlertRuleKind; label: string }[] = [
  { kind: "threshold", label: "Power, energy or cost crosses a value" },
  { kind: "no_data", label: "The meter stops reporting" },
  { kind: "budget", label: "The period's bill heads over a budget" },
  { kind: "forecast", label: "Tomorrow's forecast is high" },
  { kind: "anomaly", label: "An unusual day" },
];

const DURATIONS = [
  { value: "PT5M", label: "5 minutes" },
  { value: "PT10M", label: "10 minutes" },
  { value: "PT30M", label: "30 minutes" },
  { value: "PT1H", label: "1 hour" },
  { value: "PT6H", label: "6 hours" },
  { value: "P1D", label: "1 day" },
];

const STATE_WORDS: Record<string, string> = { ok: "OK", pending: "Pending", firing: "Firing", resolved: "Resolved" };
const HOUR = 3_600_000;
/** States change off the request path (as readings arrive, on the schedule): the list is re-read this often. */
const STATE_REFRESH_MS = 30_000;
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

interface Form {
  meterId: string;
  kind: AlertRuleKind;
  name: string;
  metric: "power_w" | "energy_wh" | "cost";
  forecastMetric: "cost" | "peak";
  op: "above" | "below";
  /** In the unit the form shows: kW for power, kWh for energy, the currency for money. */
  value: string;
  for: string;
  period: "day" | "week" | "month";
  channels: string[];
  urgent: boolean;
}

/** The API's body from the form (power and energy are entered in kW and kWh, stored in W and Wh). */
function bodyOf(form: Form): AlertRuleBody {
  const common = {
    meterId: form.meterId,
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    channels: form.channels,
    urgent: form.urgent,
  };
  const value = Number(form.value);
  switch (form.kind) {
    case "threshold":
      return {
        ...common,
        kind: "threshold",
        metric: form.metric,
        op: form.op,
        value: form.metric === "cost" ? value : value * 1000,
        for: form.for,
      };
    case "no_data":
      return { ...common, kind: "no_data", for: form.for };
    case "budget":
      return { ...common, kind: "budget", period: form.period, value };
    case "forecast":
      return { ...common, kind: "forecast", metric: form.forecastMetric, value };
    case "anomaly":
      return { ...common, kind: "anomaly" };
  }
}

/** A judged value in the unit people read: kW, kWh, money, a silence in minutes. */
function valueWords(rule: AlertRule, value: number): string {
  if (rule.kind === "no_data") return `silent ${Math.round(value / 60)} min`;
  if (rule.kind === "anomaly") return `${value.toFixed(1)} kWh`;
  if (rule.metric === "power_w") return `${(value / 1000).toFixed(2)} kW`;
  if (rule.metric === "energy_wh") return `${(value / 1000).toFixed(2)} kWh`;
  if (rule.metric === "peak") return `${value.toFixed(2)} kW`;
  return value.toFixed(2);
}

function StateBadge({ state }: { state: string }) {
  return (
    <span className={`status-badge rule-${state}`} data-testid="rule-state">
      {STATE_WORDS[state] ?? state}
    </span>
  );
}

/**
 * Alert rules on the person's meters: make one, see each rule's state (ok, pending, firing) and
 * its history, silence it for an hour or a day, switch it off, delete it.
 */
export function RulesPanel({ meters }: { meters: Meter[] }) {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const { canEdit } = useHomeRole();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [opened, setOpened] = useState<AlertRuleDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<Form>({
    meterId: meters[0]?.id ?? "",
    kind: "threshold",
    name: "",
    metric: "power_w",
    forecastMetric: "cost",
    op: "above",
    value: "",
    for: "PT10M",
    period: "month",
    channels: [],
    urgent: false,
  });
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);

  useEffect(() => {
    alertRulesApi.list().then(setRules, report);
    channelsApi.list().then(setChannels, report);
    const timer = setInterval(() => void alertRulesApi.list().then(setRules, report), STATE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [report]);

  const replace = (rule: AlertRuleDetail) => {
    setRules((current) => current?.map((r) => (r.id === rule.id ? rule : r)) ?? current);
    if (opened?.id === rule.id) setOpened(rule);
  };

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const rule = await alertRulesApi.create(bodyOf(form));
      setRules((current) => [...(current ?? []), rule]);
      setForm({ ...form, name: "", value: "" });
    } catch (caught) {
      report(caught);
    }
  }

  async function change(rule: AlertRule, body: Parameters<typeof alertRulesApi.update>[1]) {
    setError(null);
    try {
      replace(await alertRulesApi.update(rule.id, body));
    } catch (caught) {
      report(caught);
    }
  }

  async function toggleHistory(rule: AlertRule) {
    if (opened?.id === rule.id) return setOpened(null);
    try {
      setOpened(await alertRulesApi.get(rule.id));
    } catch (caught) {
      report(caught);
    }
  }

  async function remove(rule: AlertRule) {
    if (!window.confirm(`Delete the rule "${rule.name}" and its history?`)) return;
    try {
      await alertRulesApi.remove(rule.id);
      setRules((current) => current?.filter((r) => r.id !== rule.id) ?? current);
    } catch (caught) {
      report(caught);
    }
  }

  const silence = (rule: AlertRule, ms: number) => change(rule, { silencedUntil: new Date(Date.now() + ms).toISOString() });
  const meterName = (id: string) => meters.find((m) => m.id === id)?.name ?? "";
  const unit = form.metric === "power_w" ? "kW" : form.metric === "energy_wh" ? "kWh" : "in your tariff's currency";
  const needsValue = form.kind === "threshold" || form.kind === "budget" || form.kind === "forecast";
  const needsDuration = form.kind === "threshold" || form.kind === "no_data";

  return (
    <section className="card channels rules" aria-labelledby="rules-title">
      <h3 id="rules-title">Alert rules</h3>
      <p className="muted">
        Each rule tells you once when it fires and once when it resolves, in the app and on its channels. A condition must hold for its
        duration before it fires.
      </p>
      <ErrorLine error={error} />
      {rules && rules.length === 0 && <p className="muted">{canEdit ? "No rules yet: add one below." : "No rules yet."}</p>}
      {rules && rules.length > 0 && (
        <table className="channel-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th className="wide-only">Meter</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => {
              const silenced = rule.silencedUntil && Date.parse(rule.silencedUntil) > Date.now();
              return (
                <Fragment key={rule.id}>
                  <tr data-rule-id={rule.id}>
                    <td>{rule.name}</td>
                    <td className="wide-only">{meterName(rule.meterId)}</td>
                    <td>
                      <StateBadge state={rule.state} />
                      {!rule.enabled && <span className="muted"> switched off</span>}
                      {silenced && <span className="muted"> silenced until {when.format(new Date(rule.silencedUntil!))}</span>}
                    </td>
                    <td className="actions">
                      <button type="button" aria-expanded={opened?.id === rule.id} onClick={() => void toggleHistory(rule)}>
                        History
                      </button>{" "}
                      {canEdit && (
                        <>
                          {silenced ? (
                            <button type="button" onClick={() => void change(rule, { silencedUntil: null })}>
                              Unsilence
                            </button>
                          ) : (
                            <>
                              <button type="button" onClick={() => void silence(rule, HOUR)}>
                                Silence 1 h
                              </button>{" "}
                              <button type="button" onClick={() => void silence(rule, 24 * HOUR)}>
                                Silence 1 day
                              </button>
                            </>
                          )}{" "}
                          <button type="button" onClick={() => void change(rule, { enabled: !rule.enabled })}>
                            {rule.enabled ? "Switch off" : "Switch on"}
                          </button>{" "}
                          <button type="button" onClick={() => void remove(rule)}>
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                  {opened?.id === rule.id && (
                    <tr className="meter-details">
                      <td colSpan={4}>
                        {opened.history.length === 0 ? (
                          <p className="muted">Nothing yet: the rule has stayed OK.</p>
                        ) : (
                          <ol className="rule-history" data-testid="rule-history">
                            {opened.history.map((event) => (
                              <li key={`${event.state}-${event.at}`}>
                                <StateBadge state={event.state} /> {when.format(new Date(event.at))}
                                {event.value !== null && <span className="muted"> · {valueWords(rule, event.value)}</span>}
                                {event.silenced && <span className="muted"> · silenced</span>}
                              </li>
                            ))}
                          </ol>
                        )}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {canEdit && (
        <form className="meter-form" onSubmit={create}>
          <h4>Add a rule</h4>
          <label>
            Meter{" "}
            <select value={form.meterId} onChange={(e) => setForm({ ...form, meterId: e.target.value })}>
              {meters.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            When{" "}
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as AlertRuleKind })}>
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          {form.kind === "threshold" && (
            <>
              <label>
                Measure{" "}
                <select value={form.metric} onChange={(e) => setForm({ ...form, metric: e.target.value as Form["metric"] })}>
                  <option value="power_w">Power (held)</option>
                  <option value="energy_wh">Energy over the duration</option>
                  <option value="cost">Cost over the duration</option>
                </select>
              </label>
              <label>
                Goes{" "}
                <select value={form.op} onChange={(e) => setForm({ ...form, op: e.target.value as Form["op"] })}>
                  <option value="above">above</option>
                  <option value="below">below</option>
                </select>
              </label>
            </>
          )}
          {form.kind === "budget" && (
            <label>
              Period{" "}
              <select value={form.period} onChange={(e) => setForm({ ...form, period: e.target.value as Form["period"] })}>
                <option value="day">this day</option>
                <option value="week">this week</option>
                <option value="month">this month</option>
              </select>
            </label>
          )}
          {form.kind === "forecast" && (
            <label>
              Forecast{" "}
              <select
                value={form.forecastMetric}
                onChange={(e) => setForm({ ...form, forecastMetric: e.target.value as Form["forecastMetric"] })}
              >
                <option value="cost">cost</option>
                <option value="peak">peak (kW)</option>
              </select>
            </label>
          )}
          {needsValue && (
            <label>
              Value ({form.kind === "threshold" ? unit : form.kind === "forecast" && form.forecastMetric === "peak" ? "kW" : "money"}){" "}
              <input
                required
                type="number"
                step="any"
                min={0}
                value={form.value}
                onChange={(e) => setForm({ ...form, value: e.target.value })}
              />
            </label>
          )}
          {needsDuration && (
            <label>
              {form.kind === "no_data" ? "Silent for" : "For"}{" "}
              <select value={form.for} onChange={(e) => setForm({ ...form, for: e.target.value })}>
                {DURATIONS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {/* Not "Name": the meter form below has that label, and tests find it by its words. */}
            Headline{" "}
            <input
              maxLength={100}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              placeholder="(optional)"
            />
          </label>
          {channels.length > 0 && (
            <fieldset>
              <legend>Also send to</legend>
              {channels.map((channel) => (
                <label key={channel.id} className="rule-check">
                  <input
                    type="checkbox"
                    checked={form.channels.includes(channel.id)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        channels: e.target.checked ? [...form.channels, channel.id] : form.channels.filter((id) => id !== channel.id),
                      })
                    }
                  />{" "}
                  {channel.name}
                </label>
              ))}
            </fieldset>
          )}
          <label className="rule-check">
            <input type="checkbox" checked={form.urgent} onChange={(e) => setForm({ ...form, urgent: e.target.checked })} /> Urgent
          </label>
          <button type="submit" className="primary" disabled={!form.meterId}>
            Add rule
          </button>
        </form>
      )}
    </section>
  );
}

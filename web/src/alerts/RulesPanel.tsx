import { type FormEvent, Fragment, useCallback, useEffect, useRef, useState } from "react";
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

type Condition = Pick<AlertRuleBody, "metric" | "op" | "value" | "for" | "period">;
type RuleChanges = Parameters<typeof alertRulesApi.update>[1];

/** The condition fields of the form's kind (power and energy are entered in kW and kWh, stored in W and Wh): the same on create and on edit. */
function conditionOf(form: Form): Condition {
  const value = Number(form.value);
  switch (form.kind) {
    case "threshold":
      return { metric: form.metric, op: form.op, value: form.metric === "cost" ? value : value * 1000, for: form.for };
    case "no_data":
      return { for: form.for };
    case "budget":
      return { period: form.period, value };
    case "forecast":
      return { metric: form.forecastMetric, value };
    case "anomaly":
      return {};
  }
}

/** The API's body for a new rule from the form. */
function bodyOf(form: Form): AlertRuleBody {
  return {
    meterId: form.meterId,
    kind: form.kind,
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    channels: form.channels,
    urgent: form.urgent,
    ...conditionOf(form),
  };
}

/** The form filled with a rule, for editing it (values back in kW and kWh). */
function formOf(rule: AlertRule, current: Form): Form {
  const stored = rule.value ?? 0;
  const shown = rule.kind === "threshold" && rule.metric !== "cost" ? stored / 1000 : stored;
  return {
    ...current,
    meterId: rule.meterId,
    kind: rule.kind,
    name: rule.name,
    metric: rule.kind === "threshold" ? (rule.metric as Form["metric"]) : current.metric,
    forecastMetric: rule.kind === "forecast" ? (rule.metric as Form["forecastMetric"]) : current.forecastMetric,
    op: rule.op ?? current.op,
    value: rule.value === undefined ? "" : String(shown),
    for: rule.for ?? current.for,
    period: rule.period ?? current.period,
    channels: rule.channels,
    urgent: rule.urgent,
  };
}

/**
 * The changes an edit makes: what differs from the rule, the condition whole when any of it does
 * (a new metric needs its value; a changed condition restarts the rule; a default name left alone
 * keeps following the condition).
 */
function changesOf(form: Form, rule: AlertRule): RuleChanges {
  const name = form.name.trim();
  const condition = conditionOf(form);
  const sameCondition = Object.entries(condition).every(([field, value]) => rule[field as keyof Condition] === value);
  const sameChannels = form.channels.length === rule.channels.length && form.channels.every((id) => rule.channels.includes(id));
  return {
    ...(sameCondition ? {} : condition),
    ...(name && name !== rule.name ? { name } : {}),
    ...(sameChannels ? {} : { channels: form.channels }),
    ...(form.urgent === rule.urgent ? {} : { urgent: form.urgent }),
  };
}

/** A rule's condition in the words and units people read, shown under its name. */
function conditionWords(rule: AlertRule): string {
  const duration = DURATIONS.find((d) => d.value === rule.for)?.label ?? rule.for;
  switch (rule.kind) {
    case "threshold":
      return `${rule.metric === "power_w" ? "Power" : rule.metric === "energy_wh" ? "Energy" : "Cost"} ${rule.op} ${valueWords(rule, rule.value ?? 0)} for ${duration}`;
    case "no_data":
      return `No readings for ${duration}`;
    case "budget":
      return `This ${rule.period}'s cost heads over ${valueWords(rule, rule.value ?? 0)}`;
    case "forecast":
      return `Tomorrow's forecast ${rule.metric} above ${valueWords(rule, rule.value ?? 0)}`;
    case "anomaly":
      return "An unusual day";
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
  const { canEdit } = useHomeRole();
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [opened, setOpened] = useState<AlertRuleDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The rule the form edits; null when it adds one. */
  const [editing, setEditing] = useState<AlertRule | null>(null);
  /** A refused save, shown by the form (a 400 names the field). */
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
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

  async function save(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    try {
      if (editing) {
        const changes = changesOf(form, editing);
        // Nothing changed: nothing to send (the API refuses an empty change).
        if (Object.keys(changes).length > 0) replace(await alertRulesApi.update(editing.id, changes));
        stopEditing();
      } else {
        const rule = await alertRulesApi.create(bodyOf(form));
        setRules((current) => [...(current ?? []), rule]);
        setForm({ ...form, name: "", value: "" });
      }
    } catch (caught) {
      setFormError(errorText(caught));
    }
  }

  function edit(rule: AlertRule) {
    setFormError(null);
    setEditing(rule);
    setForm(formOf(rule, form));
    formRef.current?.scrollIntoView({ block: "nearest" });
  }

  /** Back to adding a rule, the edited rule's name, value, channels and urgency cleared. */
  function stopEditing() {
    setFormError(null);
    setEditing(null);
    setForm((current) => ({ ...current, name: "", value: "", channels: [], urgent: false }));
  }

  async function change(rule: AlertRule, body: RuleChanges) {
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
                    <td>
                      {rule.name}
                      <div className="muted" data-testid="rule-condition">
                        {conditionWords(rule)}
                      </div>
                    </td>
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
                          <button type="button" aria-pressed={editing?.id === rule.id} onClick={() => edit(rule)}>
                            Edit
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
        <form ref={formRef} className="meter-form" onSubmit={save} aria-label={editing ? "Edit the rule" : "Add a rule"}>
          <h4>{editing ? `Edit "${editing.name}"` : "Add a rule"}</h4>
          {editing && <p className="muted rule-form-note">A rule keeps its meter and kind; a changed condition starts it again in OK.</p>}
          <label>
            Meter{" "}
            <select value={form.meterId} disabled={editing !== null} onChange={(e) => setForm({ ...form, meterId: e.target.value })}>
              {meters.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            When{" "}
            <select
              value={form.kind}
              disabled={editing !== null}
              onChange={(e) => setForm({ ...form, kind: e.target.value as AlertRuleKind })}
            >
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
          <ErrorLine error={formError} />
          <button type="submit" className="primary" disabled={!form.meterId}>
            {editing ? "Save rule" : "Add rule"}
          </button>
          {editing && (
            <button type="button" onClick={stopEditing}>
              Cancel
            </button>
          )}
        </form>
      )}
    </section>
  );
}

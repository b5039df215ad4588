import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { audit } from "../audit/service";
import { meterTariff } from "../costs/pricing";
import { ApiError, notFound, validationError } from "../errors";
import { requireRole } from "../homes/policy";
import type { MeterRow } from "../meters/queries";
import { requireMeter } from "../meters/service";
import type { ChatQuote } from "../notifications/contract";
import {
  type AlertRule,
  type AlertRuleDetail,
  AlertRuleInput,
  type AlertRuleList,
  type AlertRuleParams,
  CONDITION_FIELD_NAMES,
  type CreateAlertRuleBody,
  conditionOf,
  moneyUnit,
  type RuleCondition,
  ruleParams,
  type UpdateAlertRuleBody,
} from "./rules-contract";
import type { AlertRuleEventRow, AlertRuleRow } from "./rules-queries";
import * as queries from "./rules-queries";

const PERIOD_WORDS = { day: "daily", week: "weekly", month: "monthly" } as const;
const UNITS: Record<string, string> = { power_w: "W", energy_wh: "Wh", cost: "" };

/** What a rule watches, in words: its default name and the start of its messages. */
export function describeRule(params: AlertRuleParams): string {
  switch (params.kind) {
    case "threshold":
      return `${params.metric.replace("_", " ").replace(/ (w|wh)$/, "")} ${params.op} ${params.value}${UNITS[params.metric] ? ` ${UNITS[params.metric]}` : ""} for ${params.for}`;
    case "no_data":
      return `no readings for ${params.for}`;
    case "budget":
      return `${PERIOD_WORDS[params.period]} cost on course to pass ${params.value}`;
    case "forecast":
      return `tomorrow's forecast ${params.metric} above ${params.value}${params.metric === "peak" ? " kW" : ""}`;
    case "anomaly":
      return "an unusual day";
  }
}

export function rulePayload(row: AlertRuleRow): AlertRule {
  return {
    id: row.id,
    meterId: row.meterId,
    name: row.name,
    kind: row.kind,
    ...conditionOf(row.params),
    channels: row.channelIds,
    urgent: row.urgent,
    enabled: row.enabled,
    silencedUntil: row.silencedUntil?.toISOString() ?? null,
    state: row.state,
    stateSince: row.stateSince?.toISOString() ?? null,
    lastValue: row.lastValue,
    createdAt: row.createdAt.toISOString(),
  };
}

function historyPayload(rows: AlertRuleEventRow[]): AlertRuleDetail["history"] {
  return rows.map((row) => ({ state: row.state, at: row.at.toISOString(), value: row.value, silenced: row.silenced }));
}

/** 400 naming `channels` when one of them is not the person's (missing or another user's alike). */
async function checkChannels({ db, userId }: Actor, channelIds: string[]): Promise<string[]> {
  const unique = [...new Set(channelIds.map((id) => id.toLowerCase()))];
  const owned = await queries.ownedChannelIds(db, userId, unique);
  const index = unique.findIndex((id) => !owned.has(id));
  if (index >= 0) {
    const message = "must list your own channels (POST /api/channels)";
    throw new ApiError(400, "invalid_request", `Invalid body: channels.${index}: ${message}`, [{ path: `channels.${index}`, message }]);
  }
  return unique;
}

async function requireRule({ db, homeId }: Actor, id: string): Promise<AlertRuleRow> {
  const row = await queries.getRule(db, homeId, id);
  if (!row) throw notFound("Alert rule");
  return row;
}

const invalid = (path: string, message: string) =>
  new ApiError(400, "invalid_request", `Invalid body: ${path}: ${message}`, [{ path, message }]);

/** Money is judged in the tariff's currency: a value in another one would compare the wrong numbers (400 naming `unit`). */
async function checkCurrency(actor: Actor, meter: MeterRow, body: CreateAlertRuleBody): Promise<void> {
  const currencyGiven = moneyUnit(body);
  if (currencyGiven === undefined) return;
  const { currency } = await meterTariff(actor.db, actor.homeId, meter);
  if (currency !== currencyGiven) throw invalid("unit", `must be the currency of ${meter.name}'s tariff (${currency})`);
}

/** `asked`: the chat message the rule was made from, which its notifications quote. */
export async function createRule(actor: Actor, body: CreateAlertRuleBody, asked?: ChatQuote): Promise<AlertRuleDetail> {
  requireRole(actor, "editor");
  const { meterId, name, channels, urgent } = body;
  const params = ruleParams(body);
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  await checkCurrency(actor, meter, body);
  const channelIds = await checkChannels(actor, channels);
  const row = await queries.insertRule(actor.db, {
    ownerId: actor.homeId,
    meterId: meter.id,
    name: name ?? `${meter.name}: ${describeRule(params)}`,
    kind: params.kind,
    params,
    channelIds,
    urgent,
    chatContext: asked ?? null,
  });
  await audit(actor, "rule.create", { kind: "alert_rule", id: row.id }, { name: row.name, meterId: meter.id });
  return { ...rulePayload(row), history: [] };
}

export async function listRules({ db, homeId }: Actor, meterId?: string): Promise<AlertRuleList> {
  return { rules: (await queries.listRules(db, homeId, meterId)).map(rulePayload) };
}

export async function getRule(actor: Actor, id: string): Promise<AlertRuleDetail> {
  const row = await requireRule(actor, id);
  return { ...rulePayload(row), history: historyPayload(await queries.ruleHistory(actor.db, row.id)) };
}

/**
 * The rule's condition with `changes` applied, checked as a new rule of its kind would be (400
 * naming the field); undefined when nothing in it changes.
 */
async function changedParams(
  actor: Actor,
  rule: AlertRuleRow,
  meter: MeterRow,
  changes: RuleCondition,
): Promise<AlertRuleParams | undefined> {
  const given = Object.fromEntries(CONDITION_FIELD_NAMES.filter((field) => changes[field] !== undefined).map((f) => [f, changes[f]]));
  if (Object.keys(given).length === 0) return undefined;
  const current = conditionOf(rule.params);
  // The stored value is in the old metric's unit, and a unit converts the value it comes with.
  if (given.metric !== undefined && given.metric !== current.metric && given.value === undefined)
    throw invalid("value", "is required when the metric changes");
  if (given.unit !== undefined && given.value === undefined) throw invalid("unit", "is given with the value it measures");
  const parsed = AlertRuleInput.safeParse({ meterId: rule.meterId, kind: rule.kind, ...current, ...given });
  if (!parsed.success) throw validationError(parsed.error, "body");
  await checkCurrency(actor, meter, parsed.data);
  const params = ruleParams(parsed.data);
  // Field by field: jsonb keeps an object's keys in its own order.
  const stored: Record<string, unknown> = rule.params;
  const fields = new Set([...Object.keys(params), ...Object.keys(stored)]);
  return [...fields].every((field) => (params as Record<string, unknown>)[field] === stored[field]) ? undefined : params;
}

/**
 * Renames, re-routes, switches off, silences a rule or changes its condition. A changed condition
 * starts the rule again: back to ok, judged afresh on the last hour's readings and the next run or
 * schedule (an "ok" entry in its history ends a pending or firing spell, without a message: the
 * person made the change), and a default name follows the new condition. Otherwise state and
 * history stay.
 */
export async function updateRule(actor: Actor, id: string, changes: UpdateAlertRuleBody): Promise<AlertRuleDetail> {
  requireRole(actor, "editor");
  const rule = await requireRule(actor, id);
  const { channels, silencedUntil, name, urgent, enabled } = changes;
  const meter = await requireMeter(actor.db, actor.homeId, rule.meterId);
  const params = await changedParams(actor, rule, meter, changes);
  const defaultName = rule.name === `${meter.name}: ${describeRule(rule.params)}`;
  const row = await queries.updateRule(
    actor.db,
    actor.homeId,
    id,
    {
      ...(name === undefined ? {} : { name }),
      ...(urgent === undefined ? {} : { urgent }),
      ...(enabled === undefined ? {} : { enabled }),
      ...(channels === undefined ? {} : { channelIds: await checkChannels(actor, channels) }),
      ...(silencedUntil === undefined ? {} : { silencedUntil: silencedUntil === null ? null : new Date(silencedUntil) }),
      ...(params === undefined
        ? {}
        : {
            params,
            ...(name === undefined && defaultName ? { name: `${meter.name}: ${describeRule(params)}` } : {}),
            ...queries.RESTARTED,
          }),
    },
    params !== undefined && rule.state !== "ok" ? { state: "ok", at: new Date(), value: null, silenced: false } : undefined,
  );
  if (!row) throw notFound("Alert rule");
  await audit(actor, "rule.update", { kind: "alert_rule", id }, { fields: Object.keys(changes).sort().join(",") });
  return { ...rulePayload(row), history: historyPayload(await queries.ruleHistory(actor.db, row.id)) };
}

export async function deleteRule(actor: Actor, id: string): Promise<Deleted> {
  requireRole(actor, "editor");
  const { db, homeId } = actor;
  if (!(await queries.deleteRule(db, homeId, id))) throw notFound("Alert rule");
  await audit(actor, "rule.delete", { kind: "alert_rule", id });
  return { deleted: true };
}

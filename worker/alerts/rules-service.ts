import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import { audit } from "../audit/service";
import { meterTariff } from "../costs/pricing";
import { ApiError, notFound } from "../errors";
import { requireRole } from "../homes/policy";
import { requireMeter } from "../meters/service";
import type { ChatQuote } from "../notifications/contract";
import {
  type AlertRule,
  type AlertRuleDetail,
  type AlertRuleList,
  type AlertRuleParams,
  type CreateAlertRuleBody,
  moneyUnit,
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
  const { kind: _kind, ...params } = row.params;
  return {
    id: row.id,
    meterId: row.meterId,
    name: row.name,
    kind: row.kind,
    ...params,
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

/** `asked`: the chat message the rule was made from, which its notifications quote. */
export async function createRule(actor: Actor, body: CreateAlertRuleBody, asked?: ChatQuote): Promise<AlertRuleDetail> {
  requireRole(actor, "editor");
  const { meterId, name, channels, urgent } = body;
  const params = ruleParams(body);
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const currencyGiven = moneyUnit(body);
  if (currencyGiven !== undefined) {
    // Money is judged in the tariff's currency: a value in another one would compare the wrong numbers.
    const { currency } = await meterTariff(actor.db, actor.homeId, meter);
    if (currency !== currencyGiven) {
      const message = `must be the currency of ${meter.name}'s tariff (${currency})`;
      throw new ApiError(400, "invalid_request", `Invalid body: unit: ${message}`, [{ path: "unit", message }]);
    }
  }
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

/** Renames, re-routes, switches off or silences a rule; its state and history stay. */
export async function updateRule(actor: Actor, id: string, changes: UpdateAlertRuleBody): Promise<AlertRuleDetail> {
  requireRole(actor, "editor");
  await requireRule(actor, id);
  const { channels, silencedUntil, ...rest } = changes;
  const row = await queries.updateRule(actor.db, actor.homeId, id, {
    ...rest,
    ...(channels === undefined ? {} : { channelIds: await checkChannels(actor, channels) }),
    ...(silencedUntil === undefined ? {} : { silencedUntil: silencedUntil === null ? null : new Date(silencedUntil) }),
  });
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

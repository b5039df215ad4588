import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { alertChannels, alertRuleEvents, alertRules, meters, readings } from "../db/schema";
import type { MeterRow } from "../meters/queries";
import { insertNotification, type NewNotification, type NotificationRow } from "../notifications/queries";
import type { AlertRuleKind } from "./rules-contract";

export type AlertRuleRow = typeof alertRules.$inferSelect;
type NewAlertRule = typeof alertRules.$inferInsert;
export type AlertRuleEventRow = typeof alertRuleEvents.$inferSelect;
export type NewAlertRuleEvent = typeof alertRuleEvents.$inferInsert;
/** What an evaluation writes back: the tracked state (rule-states.ts) and how far it judged. */
export type RuleProgress = Pick<AlertRuleRow, "state" | "stateSince" | "clearSince" | "lastValue" | "evaluatedThrough">;

const owned = (ownerId: string, id: string) => and(eq(alertRules.ownerId, ownerId), eq(alertRules.id, id));

/** How many history entries a rule's GET shows (newest first). */
const HISTORY_LIMIT = 100;

export async function insertRule(db: Database, values: NewAlertRule): Promise<AlertRuleRow> {
  const [row] = await db.insert(alertRules).values(values).returning();
  return row;
}

export async function listRules(db: Database, ownerId: string, meterId?: string): Promise<AlertRuleRow[]> {
  return db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.ownerId, ownerId), meterId ? eq(alertRules.meterId, meterId) : undefined))
    .orderBy(asc(alertRules.createdAt), asc(alertRules.id));
}

export async function getRule(db: Database, ownerId: string, id: string): Promise<AlertRuleRow | undefined> {
  const [row] = await db.select().from(alertRules).where(owned(ownerId, id));
  return row;
}

/** A rule whose condition changed: ok, never judged (the last hour's readings and the next figures are judged afresh). */
export const RESTARTED: RuleProgress = { state: "ok", stateSince: null, clearSince: null, lastValue: null, evaluatedThrough: null };

/** Changes a rule, and when its changed condition ends a spell, adds that entry to its history (in one transaction). */
export async function updateRule(
  db: Database,
  ownerId: string,
  id: string,
  changes: Partial<Pick<AlertRuleRow, "name" | "channelIds" | "urgent" | "enabled" | "silencedUntil" | "params"> & RuleProgress>,
  ended?: Pick<NewAlertRuleEvent, "state" | "at" | "value" | "silenced">,
): Promise<AlertRuleRow | undefined> {
  const update = async (tx: Database | Transaction) => {
    const [row] = await tx
      .update(alertRules)
      .set({ ...changes, updatedAt: new Date() })
      .where(owned(ownerId, id))
      .returning();
    if (row && ended) await tx.insert(alertRuleEvents).values({ ...ended, ruleId: row.id, ownerId, meterId: row.meterId });
    return row;
  };
  return ended ? db.transaction(update) : update(db);
}

export async function deleteRule(db: Database, ownerId: string, id: string): Promise<boolean> {
  return (await db.delete(alertRules).where(owned(ownerId, id)).returning({ id: alertRules.id })).length > 0;
}

export async function ruleHistory(db: Database, ruleId: string): Promise<AlertRuleEventRow[]> {
  return (
    db
      .select()
      .from(alertRuleEvents)
      .where(eq(alertRuleEvents.ruleId, ruleId))
      // In the order they were judged (a change noticed later may be dated earlier, e.g. by its reading), then by date.
      .orderBy(desc(alertRuleEvents.createdAt), desc(alertRuleEvents.at))
      .limit(HISTORY_LIMIT)
  );
}

/**
 * The firing and resolved events of the rules on a site meter and its devices in [from, to),
 * oldest first, with each rule's name: what a report lists as the alerts of its period.
 */
export async function firedAndResolvedOfSite(
  db: Database,
  ownerId: string,
  siteId: string,
  from: Date,
  to: Date,
): Promise<{ ruleId: string; ruleName: string; state: "firing" | "resolved"; at: Date; value: number | null }[]> {
  const siteAndDevices = db
    .select({ id: meters.id })
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), or(eq(meters.id, siteId), eq(meters.parentId, siteId))));
  const rows = await db
    .select({
      ruleId: alertRuleEvents.ruleId,
      ruleName: alertRules.name,
      state: alertRuleEvents.state,
      at: alertRuleEvents.at,
      value: alertRuleEvents.value,
    })
    .from(alertRuleEvents)
    .innerJoin(alertRules, eq(alertRules.id, alertRuleEvents.ruleId))
    .where(
      and(
        eq(alertRuleEvents.ownerId, ownerId),
        inArray(alertRuleEvents.meterId, siteAndDevices),
        inArray(alertRuleEvents.state, ["firing", "resolved"]),
        gte(alertRuleEvents.at, from),
        lt(alertRuleEvents.at, to),
      ),
    )
    .orderBy(asc(alertRuleEvents.at));
  return rows.map((row) => ({ ...row, state: row.state as "firing" | "resolved" }));
}

/** Which of `ids` are the owner's channels. */
/** The rule's channels grouped by the member who owns each: every member's alerts go through their own channels. */
export async function channelsByOwner(db: Database, ids: string[], ownerIds: string[]): Promise<Map<string, string[]>> {
  const byOwner = new Map<string, string[]>();
  if (ids.length === 0 || ownerIds.length === 0) return byOwner;
  const rows = await db
    .select({ id: alertChannels.id, ownerId: alertChannels.ownerId })
    .from(alertChannels)
    .where(and(inArray(alertChannels.ownerId, ownerIds), inArray(alertChannels.id, ids)));
  for (const row of rows) byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), row.id]);
  return byOwner;
}

export async function ownedChannelIds(db: Database, ownerId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: alertChannels.id })
    .from(alertChannels)
    .where(and(eq(alertChannels.ownerId, ownerId), inArray(alertChannels.id, ids)));
  return new Set(rows.map((r) => r.id));
}

/** The enabled rules of the given kinds on one meter. */
export async function enabledRulesOfMeter(db: Database, meterId: string, kinds: readonly AlertRuleKind[]): Promise<AlertRuleRow[]> {
  return db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.meterId, meterId), eq(alertRules.enabled, true), inArray(alertRules.kind, [...kinds])))
    .orderBy(asc(alertRules.createdAt));
}

/** Whether the owner has an enabled rule of `kind` on the meter. */
export async function hasEnabledRule(db: Database, ownerId: string, meterId: string, kind: AlertRuleKind): Promise<boolean> {
  const [row] = await db
    .select({ id: alertRules.id })
    .from(alertRules)
    .where(and(eq(alertRules.ownerId, ownerId), eq(alertRules.meterId, meterId), eq(alertRules.enabled, true), eq(alertRules.kind, kind)))
    .limit(1);
  return row !== undefined;
}

/** Every enabled rule of the given kinds, all owners (the Cron Trigger's evaluation). */
export async function enabledRulesOfKinds(db: Database, kinds: readonly AlertRuleKind[]): Promise<AlertRuleRow[]> {
  return db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.enabled, true), inArray(alertRules.kind, [...kinds])))
    .orderBy(asc(alertRules.meterId));
}

/** The meter's power readings after `after` up to `to`, oldest first: what threshold rules judge. */
export async function powerReadingsBetween(db: Database, meterId: string, after: Date, to: Date): Promise<{ ts: Date; powerW: number }[]> {
  const rows = await db
    .select({ ts: readings.ts, powerW: readings.powerW })
    .from(readings)
    .where(and(eq(readings.meterId, meterId), gt(readings.ts, after), lte(readings.ts, to), isNotNull(readings.powerW)))
    .orderBy(asc(readings.ts));
  return rows.map((r) => ({ ts: r.ts, powerW: r.powerW! }));
}

/** Meters by id, any owner (the schedule's evaluation checks each rule's owner against its meter's). */
export async function metersByIds(db: Database, ids: string[]): Promise<MeterRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(meters).where(inArray(meters.id, ids));
}

/**
 * Stores an evaluation's outcome in one transaction: the rule's new state, its changes of state
 * and the notifications they call for, so no history entry or notification exists without the
 * state it led to. The update applies only if the rule has judged as far as when it was read
 * (every stored evaluation moves evaluated_through on): when another evaluation stored first,
 * nothing is written and undefined comes back.
 */
export async function saveEvaluation(
  db: Database,
  rule: AlertRuleRow,
  progress: RuleProgress,
  events: NewAlertRuleEvent[],
  notices: NewNotification[],
): Promise<{ notifications: NotificationRow[] } | undefined> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(alertRules)
      .set({ ...progress, updatedAt: new Date() })
      .where(
        and(
          eq(alertRules.id, rule.id),
          rule.evaluatedThrough ? eq(alertRules.evaluatedThrough, rule.evaluatedThrough) : isNull(alertRules.evaluatedThrough),
        ),
      )
      .returning({ id: alertRules.id });
    if (updated.length === 0) return undefined;
    if (events.length > 0) await tx.insert(alertRuleEvents).values(events);
    const stored: NotificationRow[] = [];
    for (const notice of notices) stored.push(await insertNotification(tx, notice));
    return { notifications: stored };
  });
}

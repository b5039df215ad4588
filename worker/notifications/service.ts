import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import { hasEnabledRule } from "../alerts/rules-queries";
import type { Deleted } from "../api-contract";
import { chartNamesForMeter } from "../charts/queries";
import type { Database, Transaction } from "../db/client";
import type { Env } from "../env";
import { notFound } from "../errors";
import { memberIds } from "../homes/queries";
import type { MeterRow } from "../meters/queries";
import type { ModelRunFinding } from "../runs/contract";
import type { ModelRunRow } from "../runs/queries";
import { type ChatOrigin, composeBody, GOALS, inQuietHours, NOTIFY_AT_MOST_EVERY_MS, requestedRunNotice, TITLES } from "./compose";
import type { Inbox, InboxQuery, MarkedAllRead, Notification, NotificationSettings } from "./contract";
import { notificationDto } from "./dto";
import type { NewNotification, NotificationRow } from "./queries";
import * as queries from "./queries";
import { quoteMentions } from "./quotes";

/** How far back in the person's chat a notification looks for something to quote. */
const QUOTABLE_MESSAGES = 500;

/** A notification composed before its run is stored; it gets the run's id when both are inserted. */
export type NotificationDraft = Omit<NewNotification, "runId">;

/**
 * What a run's findings should tell the person, composed before anything is written: skips muted
 * kinds and kinds already notified for this meter within the window, quotes the person's earlier
 * chat about the meter (from the UserHub), and marks what falls in quiet hours silent. An unusual
 * day is left to the home's enabled anomaly rule on the meter when there is one: its message
 * (fired, resolved, silenced as the person chose) replaces this one, so nobody hears it twice.
 * Reads only, so no transaction is held open while the hub answers.
 */
export async function composeFindingNotifications(
  env: Env,
  db: Database,
  meter: MeterRow,
  findings: ModelRunFinding[],
  now = new Date(),
): Promise<NotificationDraft[]> {
  if (findings.length === 0) return [];
  const recent: ModelRunFinding[] = [];
  for (const finding of findings) {
    if (finding.kind === "consumption_anomaly" && (await hasEnabledRule(db, meter.ownerId, meter.id, "anomaly"))) continue;
    if (await queries.notifiedSince(db, meter.id, finding.kind, new Date(now.getTime() - NOTIFY_AT_MOST_EVERY_MS))) continue;
    recent.push(finding);
  }
  if (recent.length === 0) return [];
  const terms = [meter.name, ...(await chartNamesForMeter(db, meter.ownerId, meter.id))];
  // Each member of the meter's home is told in their own words: their muted kinds, quiet hours and chats.
  const drafts: NotificationDraft[] = [];
  for (const member of await memberIds(db, meter.ownerId)) {
    const settings = await queries.getNotificationSettings(db, member);
    const due = recent.filter((finding) => !settings.mutedKinds.includes(finding.kind));
    if (due.length === 0) continue;
    const messages = await userHub(env, member).recentUserMessages(QUOTABLE_MESSAGES);
    for (const finding of due) {
      const quotes = quoteMentions(messages, { id: meter.id, terms }, GOALS[finding.kind]);
      drafts.push({
        ownerId: member,
        meterId: meter.id,
        kind: finding.kind,
        title: TITLES[finding.kind](meter.name),
        body: composeBody(finding, quotes),
        context: quotes,
        silent: inQuietHours(settings, now),
      });
    }
  }
  return drafts;
}

/** Stores the drafts for the run, in their order (inside the run's transaction). */
export async function insertNotifications(
  db: Database | Transaction,
  runId: string,
  drafts: NotificationDraft[],
): Promise<NotificationRow[]> {
  const rows: NotificationRow[] = [];
  for (const draft of drafts) rows.push(await queries.insertNotification(db, { ...draft, runId }));
  return rows;
}

/** Pushes stored notifications to every open tab of the person each is for. */
export async function publishNotifications(env: Env, notifications: NotificationRow[]): Promise<void> {
  for (const notification of notifications) await userHub(env, notification.ownerId).publish("notification", notificationDto(notification));
}

/** The notifications of a run stored already: composed, stored and pushed (the pipeline does the same around its transaction). */
export async function notifyFindings(
  env: Env,
  db: Database,
  meter: MeterRow,
  run: ModelRunRow,
  now = new Date(),
): Promise<NotificationRow[]> {
  const created = await insertNotifications(db, run.id, await composeFindingNotifications(env, db, meter, run.findings, now));
  await publishNotifications(env, created);
  return created;
}

/**
 * A run the person asked for in a chat session: the answer goes to the session, and a
 * notification links back to it, so it can be found later from any device.
 */
export async function notifyRequestedRun(
  { env, db, userId }: Actor,
  meter: MeterRow,
  runId: string,
  origin: ChatOrigin,
  explanation: string,
): Promise<NotificationRow> {
  const [notification] = await insertNotifications(db, runId, [
    { ownerId: userId, meterId: meter.id, ...requestedRunNotice(meter.name, origin, explanation) },
  ]);
  await publishNotifications(env, [notification]);
  return notification;
}

export async function listInbox(actor: Actor, query: InboxQuery): Promise<Inbox> {
  const { items, unread } = await queries.listNotifications(
    actor.db,
    actor.userId,
    query.limit,
    query.before ? new Date(query.before) : undefined,
  );
  return { notifications: items.map(notificationDto), unreadCount: unread };
}

export async function markRead(actor: Actor, id: string): Promise<Notification> {
  const row = await queries.markNotificationRead(actor.db, actor.userId, id);
  if (!row) throw notFound("Notification");
  return notificationDto(row);
}

export async function markAllRead(actor: Actor): Promise<MarkedAllRead> {
  return { marked: await queries.markAllNotificationsRead(actor.db, actor.userId) };
}

export async function removeNotification(actor: Actor, id: string): Promise<Deleted> {
  if (!(await queries.deleteNotification(actor.db, actor.userId, id))) throw notFound("Notification");
  return { deleted: true };
}

/** Which findings the person hears about, and when quietly (defaults when never saved). */
export async function notificationSettings(actor: Actor): Promise<NotificationSettings> {
  return (await queries.getNotificationSettings(actor.db, actor.userId)) as NotificationSettings;
}

export async function saveNotificationSettings(actor: Actor, settings: NotificationSettings): Promise<NotificationSettings> {
  await queries.saveNotificationSettings(actor.db, actor.userId, settings);
  return settings;
}

import type { ChatQuote } from "./contract";
import { localCalendar } from "../../ml/runtime/features";
import { chartNamesForMeter } from "../charts/queries";
import type { Database, Transaction } from "../db/client";
import type { MeterRow } from "../meters/queries";
import type { ModelRunRow } from "../runs/queries";
import { getNotificationSettings, insertNotification, notifiedSince, type NotificationRow } from "./queries";
import type { Env } from "../env";
import type { ModelRunFinding } from "../runs/contract";
import { notificationDto } from "./dto";
import { userHub } from "../../durable-objects/user-hub/stub";

/** At most one notification per meter and kind of finding in this window: no floods. */
export const NOTIFY_AT_MOST_EVERY_MS = 6 * 60 * 60 * 1000;

/** What a person may have said about each kind of finding ("keep the peak under 5 kW", "my budget"). */
const GOALS: Record<ModelRunFinding["kind"], string[]> = {
  peak_over_limit: ["\\bpeak", "\\bkw\\b", "\\blimit", "\\bfuse\\b"],
  plan_saves: ["budget", "\\bbill", "\\bcost", "cheap", "sav(e|ing)", "charge .* before", "\\bev\\b", "battery"],
  consumption_anomaly: ["\\busage", "\\buse[sd]?\\b", "consum", "unusual", "\\bleave|away|holiday"],
};

const TITLES: Record<ModelRunFinding["kind"], (meter: string) => string> = {
  peak_over_limit: (meter) => `${meter}: peak above your limit`,
  plan_saves: (meter) => `${meter}: today's plan saves money`,
  consumption_anomaly: (meter) => `${meter}: unusual consumption`,
};

function inQuietHours(settings: { quietFromHour: number | null; quietToHour: number | null; timezone: string }, now: Date): boolean {
  const { quietFromHour: from, quietToHour: to } = settings;
  if (from === null || to === null || from === to) return false;
  const hour = localCalendar(now.getTime(), settings.timezone).hour;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** The finding in the person's own context: what it is, then what they said about it before. */
export function composeBody(finding: ModelRunFinding, quotes: ChatQuote[]): string {
  if (quotes.length === 0) return finding.message;
  const [first] = quotes;
  const day = new Date(first.at).toISOString().slice(0, 10);
  return `${finding.message} On ${day}, in "${first.sessionTitle}", you said: "${first.excerpt}"`;
}

/**
 * Turns a run's findings into notifications: skips muted kinds and repeats within the window,
 * quotes the person's earlier chat about this meter, stores each (silent in quiet hours) and
 * pushes it to every open tab through the UserHub.
 */
export async function notifyFindings(env: Env, db: Database, meter: MeterRow, run: ModelRunRow, now = new Date()): Promise<NotificationRow[]> {
  const created = await storeFindingNotifications(env, db, meter, run, now);
  const hub = userHub(env, meter.ownerId);
  for (const notification of created) await hub.publish("notification", notificationDto(notification));
  return created;
}

/** The storing half of notifyFindings, for a transaction that also stores the run; push them after the commit. */
export async function storeFindingNotifications(env: Env, db: Database | Transaction, meter: MeterRow, run: ModelRunRow, now = new Date()): Promise<NotificationRow[]> {
  if (run.findings.length === 0) return [];
  const settings = await getNotificationSettings(db, meter.ownerId);
  const hub = userHub(env, meter.ownerId);
  const terms = [meter.name, ...(await chartNamesForMeter(db, meter.ownerId, meter.id))];
  const created: NotificationRow[] = [];
  for (const finding of run.findings) {
    if (settings.mutedKinds.includes(finding.kind)) continue;
    if (await notifiedSince(db, meter.id, finding.kind, new Date(now.getTime() - NOTIFY_AT_MOST_EVERY_MS))) continue;
    const quotes = await hub.chatContext(terms, GOALS[finding.kind]);
    created.push(
      await insertNotification(db, {
        ownerId: meter.ownerId,
        meterId: meter.id,
        runId: run.id,
        kind: finding.kind,
        title: TITLES[finding.kind](meter.name),
        body: composeBody(finding, quotes),
        context: quotes,
        silent: inQuietHours(settings, now),
      }),
    );
  }
  return created;
}

/**
 * A run the person asked for in a chat session: the answer goes to the session, and a
 * notification links back to it, so it can be found later from any device.
 */
export async function notifyRequestedRun(env: Env, db: Database, meter: MeterRow, run: ModelRunRow, session: { id: string; title: string; messageId: string; at: string }, explanation: string): Promise<NotificationRow> {
  const hub = userHub(env, meter.ownerId);
  const notification = await insertNotification(db, {
    ownerId: meter.ownerId,
    meterId: meter.id,
    runId: run.id,
    kind: "run_requested",
    title: `${meter.name}: the forecast you asked for is ready`,
    body: explanation,
    context: [{ sessionId: session.id, sessionTitle: session.title, messageId: session.messageId, excerpt: "Run requested in this chat", at: session.at }],
    silent: false,
  });
  await hub.publish("notification", notificationDto(notification));
  return notification;
}

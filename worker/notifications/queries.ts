import { and, count, desc, eq, gt, isNull, lt } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { notificationSettings, notifications } from "../db/schema";

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type NotificationSettingsRow = typeof notificationSettings.$inferSelect;

const byOwner = (ownerId: string, id: string) => and(eq(notifications.id, id), eq(notifications.ownerId, ownerId));

export async function insertNotification(db: Database | Transaction, notification: NewNotification): Promise<NotificationRow> {
  const [row] = await db.insert(notifications).values(notification).returning();
  return row;
}

export async function listNotifications(
  db: Database,
  ownerId: string,
  limit: number,
  before?: Date,
): Promise<{ items: NotificationRow[]; unread: number }> {
  const items = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.ownerId, ownerId), before ? lt(notifications.createdAt, before) : undefined))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
  const [{ unread }] = await db
    .select({ unread: count() })
    .from(notifications)
    .where(and(eq(notifications.ownerId, ownerId), isNull(notifications.readAt)));
  return { items, unread };
}

export async function markNotificationRead(db: Database, ownerId: string, id: string): Promise<NotificationRow | undefined> {
  const [row] = await db.update(notifications).set({ readAt: new Date() }).where(byOwner(ownerId, id)).returning();
  return row;
}

export async function markAllNotificationsRead(db: Database, ownerId: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.ownerId, ownerId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function deleteNotification(db: Database, ownerId: string, id: string): Promise<boolean> {
  return (await db.delete(notifications).where(byOwner(ownerId, id)).returning({ id: notifications.id })).length > 0;
}

/** Whether the person was already told about this kind of finding for this meter since `since`. */
export async function notifiedSince(db: Database | Transaction, meterId: string, kind: string, since: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.meterId, meterId), eq(notifications.kind, kind), gt(notifications.createdAt, since)))
    .limit(1);
  return row !== undefined;
}

export async function getNotificationSettings(
  db: Database | Transaction,
  ownerId: string,
): Promise<Omit<NotificationSettingsRow, "ownerId" | "updatedAt">> {
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.ownerId, ownerId));
  return row ?? { mutedKinds: [], quietFromHour: null, quietToHour: null, timezone: "UTC" };
}

export async function saveNotificationSettings(
  db: Database,
  ownerId: string,
  settings: { mutedKinds: string[]; quietFromHour: number | null; quietToHour: number | null; timezone: string },
): Promise<void> {
  await db
    .insert(notificationSettings)
    .values({ ownerId, ...settings })
    .onConflictDoUpdate({ target: notificationSettings.ownerId, set: { ...settings, updatedAt: new Date() } });
}

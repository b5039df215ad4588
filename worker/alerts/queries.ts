import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { alertChannels } from "../db/schema";

export type ChannelRow = typeof alertChannels.$inferSelect;
type NewChannel = typeof alertChannels.$inferInsert;

const owned = (ownerId: string, id: string) => and(eq(alertChannels.ownerId, ownerId), eq(alertChannels.id, id));

export async function listChannels(db: Database, ownerId: string): Promise<ChannelRow[]> {
  return db
    .select()
    .from(alertChannels)
    .where(eq(alertChannels.ownerId, ownerId))
    .orderBy(asc(alertChannels.createdAt), asc(alertChannels.id));
}

export async function countChannels(db: Database, ownerId: string): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(alertChannels).where(eq(alertChannels.ownerId, ownerId));
  return row.count;
}

export async function getChannel(db: Database, ownerId: string, id: string): Promise<ChannelRow | undefined> {
  const [row] = await db.select().from(alertChannels).where(owned(ownerId, id));
  return row;
}

export async function insertChannel(db: Database, values: NewChannel & { id: string }): Promise<ChannelRow> {
  const [row] = await db.insert(alertChannels).values(values).returning();
  return row;
}

/** A new URL starts afresh: status ok, no failures. */
export async function updateChannel(
  db: Database,
  ownerId: string,
  id: string,
  changes: { name?: string; url?: string },
): Promise<ChannelRow | undefined> {
  const reset = changes.url === undefined ? {} : { status: "ok" as const, failures: 0, lastError: null };
  const [row] = await db
    .update(alertChannels)
    .set({ ...changes, ...reset })
    .where(owned(ownerId, id))
    .returning();
  return row;
}

export async function deleteChannel(db: Database, ownerId: string, id: string): Promise<boolean> {
  const rows = await db.delete(alertChannels).where(owned(ownerId, id)).returning({ id: alertChannels.id });
  return rows.length > 0;
}

export async function recordDeliverySuccess(db: Database, ownerId: string, id: string, at: Date): Promise<void> {
  await db.update(alertChannels).set({ status: "ok", failures: 0, lastError: null, lastDeliveryAt: at }).where(owned(ownerId, id));
}

export async function recordDeliveryFailure(db: Database, ownerId: string, id: string, error: string): Promise<void> {
  await db
    .update(alertChannels)
    .set({ status: "failing", failures: sql`${alertChannels.failures} + 1`, lastError: error })
    .where(owned(ownerId, id));
}

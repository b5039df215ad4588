import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { meters, meterWriteTokens } from "../db/schema";
import type { MeterRow } from "./queries";

export type WriteTokenRow = typeof meterWriteTokens.$inferSelect;

const live = isNull(meterWriteTokens.revokedAt);
const ofSite = (ownerId: string, meterId: string) => and(eq(meterWriteTokens.ownerId, ownerId), eq(meterWriteTokens.meterId, meterId));

export async function insertWriteToken(
  db: Database,
  token: { ownerId: string; meterId: string; name: string; tokenHash: string; prefix: string },
): Promise<WriteTokenRow> {
  const [row] = await db.insert(meterWriteTokens).values(token).returning();
  return row;
}

/** The site's tokens that are not revoked, oldest first. */
export function listWriteTokens(db: Database, ownerId: string, meterId: string): Promise<WriteTokenRow[]> {
  return db
    .select()
    .from(meterWriteTokens)
    .where(and(ofSite(ownerId, meterId), live))
    .orderBy(asc(meterWriteTokens.createdAt));
}

/** False when the token is missing, revoked already, or not of this owner's site. */
export async function revokeWriteToken(db: Database, ownerId: string, meterId: string, id: string): Promise<boolean> {
  const revoked = await db
    .update(meterWriteTokens)
    .set({ revokedAt: new Date() })
    .where(and(ofSite(ownerId, meterId), eq(meterWriteTokens.id, id), live))
    .returning({ id: meterWriteTokens.id });
  return revoked.length > 0;
}

/** Not scoped to a user: the writer authenticates with the token itself. */
export async function findLiveWriteToken(db: Database, tokenHash: string): Promise<WriteTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(meterWriteTokens)
    .where(and(eq(meterWriteTokens.tokenHash, tokenHash), live));
  return row;
}

/** Sets last_used_at unless it is more recent than `staleBefore` (concurrent writes update it once). */
export async function touchWriteToken(db: Database, id: string, now: Date, staleBefore: Date): Promise<void> {
  await db
    .update(meterWriteTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(meterWriteTokens.id, id), or(isNull(meterWriteTokens.lastUsedAt), lt(meterWriteTokens.lastUsedAt, staleBefore))));
}

/** The site itself or one of its device meters (of the same owner); undefined for any other meter. */
export async function findMeterOfSite(db: Database, ownerId: string, siteId: string, meterId: string): Promise<MeterRow | undefined> {
  const [row] = await db
    .select()
    .from(meters)
    .where(and(eq(meters.id, meterId), eq(meters.ownerId, ownerId), or(eq(meters.id, siteId), eq(meters.parentId, siteId))));
  return row;
}

/** The site and its device meters (of the same owner), oldest first, in one query. */
export function listMetersOfSite(db: Database, ownerId: string, siteId: string): Promise<MeterRow[]> {
  return db
    .select()
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), or(eq(meters.id, siteId), eq(meters.parentId, siteId))))
    .orderBy(asc(meters.createdAt));
}

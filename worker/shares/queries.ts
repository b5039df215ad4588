import { and, desc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { charts, shares, tabs } from "../db/schema";

export type ShareRow = typeof shares.$inferSelect;

/** 32 random bytes, base64url: 256 bits, far beyond guessing. */
export function newShareToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

const live = (now: Date) => and(isNull(shares.revokedAt), or(isNull(shares.expiresAt), gt(shares.expiresAt, now)));

export async function findLiveShare(
  db: Database,
  ownerId: string,
  kind: "chart" | "tab",
  targetId: string,
  now = new Date(),
): Promise<ShareRow | undefined> {
  const [row] = await db
    .select()
    .from(shares)
    .where(and(eq(shares.ownerId, ownerId), eq(shares.kind, kind), eq(shares.targetId, targetId), live(now)))
    .orderBy(desc(shares.createdAt))
    .limit(1);
  return row;
}

type ShareTarget = { ownerId: string; kind: "chart" | "tab"; targetId: string };

const unrevokedOf = ({ ownerId, kind, targetId }: ShareTarget) =>
  and(eq(shares.ownerId, ownerId), eq(shares.kind, kind), eq(shares.targetId, targetId), isNull(shares.revokedAt));

/**
 * Revokes the target's unrevoked link if it is expired, or any unrevoked one when `renew` is set,
 * so a new link can take its place (the database keeps one unrevoked link per target). The tokens revoked.
 */
export async function revokeReplacedShares(
  db: Database | Transaction,
  target: ShareTarget,
  renew: boolean,
  now = new Date(),
): Promise<string[]> {
  const rows = await db
    .update(shares)
    .set({ revokedAt: now })
    .where(and(unrevokedOf(target), renew ? undefined : lte(shares.expiresAt, now)))
    .returning({ token: shares.token });
  return rows.map((row) => row.token);
}

/**
 * A new link for the target, or the unrevoked one a concurrent request made first: the unique index
 * on unrevoked links decides, so concurrent creates give one link.
 */
export async function createShareOnce(
  db: Database | Transaction,
  share: ShareTarget & { viewerMayChangeRange: boolean; showAnnotations: boolean; expiresAt: Date | null },
): Promise<ShareRow> {
  const [created] = await db
    .insert(shares)
    .values({ ...share, token: newShareToken() })
    .onConflictDoNothing({ target: [shares.ownerId, shares.kind, shares.targetId], where: isNull(shares.revokedAt) })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(shares).where(unrevokedOf(share));
  return existing;
}

/** Links not revoked, newest first, with the title of what each shows (null once it is deleted). */
export async function listShares(db: Database, ownerId: string): Promise<(ShareRow & { title: string | null })[]> {
  const rows = await db
    .select({ share: shares, chartTitle: charts.title, tabTitle: tabs.title })
    .from(shares)
    .leftJoin(charts, and(eq(shares.kind, "chart"), eq(charts.id, shares.targetId)))
    .leftJoin(tabs, and(eq(shares.kind, "tab"), eq(tabs.id, shares.targetId)))
    .where(and(eq(shares.ownerId, ownerId), isNull(shares.revokedAt)))
    .orderBy(desc(shares.createdAt));
  return rows.map((r) => ({ ...r.share, title: r.chartTitle ?? r.tabTitle }));
}

export async function revokeShare(db: Database, ownerId: string, token: string): Promise<boolean> {
  const rows = await db
    .update(shares)
    .set({ revokedAt: new Date() })
    .where(and(eq(shares.token, token), eq(shares.ownerId, ownerId), isNull(shares.revokedAt)))
    .returning({ token: shares.token });
  return rows.length > 0;
}

/** The share behind a public token, if it is neither revoked nor expired. */
export async function openShare(db: Database, token: string, now = new Date()): Promise<ShareRow | undefined> {
  const [row] = await db
    .update(shares)
    .set({ viewCount: sql`${shares.viewCount} + 1` })
    .where(and(eq(shares.token, token), live(now)))
    .returning();
  return row;
}

/** Deleting charts or a tab kills their links. */
export async function revokeSharesOf(db: Database, ownerId: string, targetIds: string[]): Promise<void> {
  if (targetIds.length === 0) return;
  await db
    .update(shares)
    .set({ revokedAt: new Date() })
    .where(and(eq(shares.ownerId, ownerId), inArray(shares.targetId, targetIds), isNull(shares.revokedAt)));
}

/** The live share behind a token, without counting a view (for the page around the data). */
export async function peekShare(db: Database, token: string, now = new Date()): Promise<ShareRow | undefined> {
  const [row] = await db
    .select()
    .from(shares)
    .where(and(eq(shares.token, token), live(now)));
  return row;
}

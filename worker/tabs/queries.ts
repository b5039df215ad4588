import { and, asc, eq, sql } from "drizzle-orm";
import type { ChartRow } from "../charts/queries";
import type { Database } from "../db/client";
import { charts, tabs } from "../db/schema";

export type TabRow = typeof tabs.$inferSelect;

const byOwner = (ownerId: string, id: string) => and(eq(tabs.id, id), eq(tabs.ownerId, ownerId));

export function listTabs(db: Database, ownerId: string): Promise<TabRow[]> {
  return db.select().from(tabs).where(eq(tabs.ownerId, ownerId)).orderBy(asc(tabs.position), asc(tabs.createdAt));
}

export async function getTab(db: Database, ownerId: string, id: string): Promise<TabRow | undefined> {
  const [row] = await db.select().from(tabs).where(byOwner(ownerId, id));
  return row;
}

export async function getTabWithCharts(db: Database, ownerId: string, id: string): Promise<(TabRow & { charts: ChartRow[] }) | undefined> {
  const tab = await getTab(db, ownerId, id);
  if (!tab) return undefined;
  const tabCharts = await db
    .select()
    .from(charts)
    .where(and(eq(charts.tabId, id), eq(charts.ownerId, ownerId)))
    .orderBy(asc(charts.createdAt));
  return { ...tab, charts: tabCharts };
}

/** New tabs go last. */
export async function createTab(db: Database, ownerId: string, title: string): Promise<TabRow> {
  const [row] = await db
    .insert(tabs)
    .values({
      ownerId,
      title,
      position: sql`(select coalesce(max(${tabs.position}) + 1, 0) from ${tabs} where ${tabs.ownerId} = ${ownerId})`,
    })
    .returning();
  return row;
}

/**
 * Renames and/or moves a tab. `position` is the tab's new index in the user's list (clamped to
 * its length); every tab of the user is renumbered 0..n-1 in one transaction.
 */
export async function updateTab(
  db: Database,
  ownerId: string,
  id: string,
  changes: { title?: string; position?: number },
): Promise<TabRow | undefined> {
  return db.transaction(async (tx) => {
    // Lock the user's tabs so concurrent reorders apply one after the other.
    const ordered = await tx
      .select({ id: tabs.id, position: tabs.position })
      .from(tabs)
      .where(eq(tabs.ownerId, ownerId))
      .orderBy(asc(tabs.position), asc(tabs.createdAt))
      .for("update");
    const index = ordered.findIndex((t) => t.id === id);
    if (index === -1) return undefined;

    if (changes.position !== undefined) {
      const [moved] = ordered.splice(index, 1);
      ordered.splice(Math.min(changes.position, ordered.length), 0, moved);
      for (const [position, tab] of ordered.entries()) {
        if (tab.position !== position) await tx.update(tabs).set({ position }).where(eq(tabs.id, tab.id));
      }
    }
    const [row] = await tx
      .update(tabs)
      .set({ ...(changes.title === undefined ? {} : { title: changes.title }), updatedAt: new Date() })
      .where(byOwner(ownerId, id))
      .returning();
    return row;
  });
}

/** Deletes the tab and (by cascade) its charts; the ids of those charts, or undefined when there was no such tab. */
export async function deleteTab(db: Database, ownerId: string, id: string): Promise<string[] | undefined> {
  const chartIds = (
    await db
      .select({ id: charts.id })
      .from(charts)
      .where(and(eq(charts.tabId, id), eq(charts.ownerId, ownerId)))
  ).map((c) => c.id);
  const deleted = await db.delete(tabs).where(byOwner(ownerId, id)).returning({ id: tabs.id });
  return deleted.length === 0 ? undefined : chartIds;
}

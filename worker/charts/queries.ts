import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { charts, meters, tabs } from "../db/schema";
import type { ChartLayout, ChartSpec } from "./chart-spec-contract";
import { placeNewChart } from "./placement";

export type ChartRow = typeof charts.$inferSelect;

const byOwner = (ownerId: string, id: string) => and(eq(charts.id, id), eq(charts.ownerId, ownerId));

/** Where a chart of height `h` lands when none is given (placeNewChart), from the tab's layouts. */
export async function nextFreeLayout(db: Database, tabId: string, h: number): Promise<ChartLayout> {
  const rows = await db.select({ layout: charts.layout }).from(charts).where(eq(charts.tabId, tabId));
  return placeNewChart(
    rows.map((row) => row.layout),
    h,
  );
}

/** Whether every meter of a spec is the owner's. */
export async function ownsMeters(db: Database, ownerId: string, meterIds: string[]): Promise<boolean> {
  const unique = [...new Set(meterIds)];
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), inArray(meters.id, unique)));
  return n === unique.length;
}

export async function insertChart(db: Database, ownerId: string, chart: Omit<typeof charts.$inferInsert, "ownerId">): Promise<ChartRow> {
  const [row] = await db
    .insert(charts)
    .values({ ...chart, ownerId })
    .returning();
  return row;
}

/** Every chart of the owner, oldest first, without layouts: what the chat resolves "that chart" and chart titles against. */
export function listChartHeads(db: Database, ownerId: string): Promise<{ id: string; title: string; tabId: string; spec: ChartSpec }[]> {
  return db
    .select({ id: charts.id, title: charts.title, tabId: charts.tabId, spec: charts.spec })
    .from(charts)
    .where(eq(charts.ownerId, ownerId))
    .orderBy(charts.createdAt);
}

export async function getChart(db: Database, ownerId: string, id: string): Promise<ChartRow | undefined> {
  const [row] = await db.select().from(charts).where(byOwner(ownerId, id));
  return row;
}

/** Fields left undefined keep their value. */
export async function updateChart(
  db: Database,
  ownerId: string,
  id: string,
  changes: { title?: string; spec?: ChartSpec; layout?: ChartLayout; tabId?: string },
): Promise<ChartRow | undefined> {
  const [row] = await db
    .update(charts)
    .set({ ...changes, updatedAt: new Date() })
    .where(byOwner(ownerId, id))
    .returning();
  return row;
}

export async function deleteChart(db: Database, ownerId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(charts).where(byOwner(ownerId, id)).returning({ id: charts.id });
  return deleted.length > 0;
}

/** Titles of the owner's charts that show a meter, with their tab titles (the words a person uses for it). */
export async function chartNamesForMeter(db: Database | Transaction, ownerId: string, meterId: string): Promise<string[]> {
  const rows = await db
    .select({ chart: charts.title, tab: tabs.title })
    .from(charts)
    .innerJoin(tabs, eq(tabs.id, charts.tabId))
    .where(and(eq(charts.ownerId, ownerId), sql`${charts.spec}->'meterIds' ? ${meterId}`));
  return [...new Set(rows.flatMap((r) => [r.chart, r.tab]))];
}

import { and, eq, inArray, sql } from "drizzle-orm";
import type { ChartLayout, ChartProvenance, ChartSpec } from "./chart-spec-contract";
import type { Database, Transaction } from "../db/client";
import { charts, meters, tabs } from "../db/schema";
import { revokeSharesOf } from "../shares/queries";

export type ChartRow = typeof charts.$inferSelect;

const DEFAULT_SIZE = { w: 6, h: 8 };

const byOwner = (ownerId: string, id: string) => and(eq(charts.id, id), eq(charts.ownerId, ownerId));

async function ownsTab(db: Database, ownerId: string, tabId: string): Promise<boolean> {
  const [row] = await db.select({ id: tabs.id }).from(tabs).where(and(eq(tabs.id, tabId), eq(tabs.ownerId, ownerId)));
  return row !== undefined;
}

/** Where a chart lands when none is given: below everything already on the tab. */
async function nextFreeLayout(db: Database, tabId: string): Promise<ChartLayout> {
  const [{ bottom }] = await db
    .select({ bottom: sql<number>`coalesce(max(((${charts.layout}->>'y')::int + (${charts.layout}->>'h')::int)), 0)::int` })
    .from(charts)
    .where(eq(charts.tabId, tabId));
  return { x: 0, y: bottom, ...DEFAULT_SIZE };
}

export interface NewChart {
  tabId: string;
  title: string;
  spec: ChartSpec;
  layout?: ChartLayout;
  source?: "manual" | "chat";
  provenance?: ChartProvenance;
}

/** Whether every meter of a spec is the owner's: a chart never points at someone else's meter. */
async function ownsMeters(db: Database, ownerId: string, meterIds: string[]): Promise<boolean> {
  const unique = [...new Set(meterIds)];
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), inArray(meters.id, unique)));
  return n === unique.length;
}

export type ChartWriteResult = { ok: true; chart: ChartRow } | { ok: false; missing: "chart" | "tab" | "meter" };

/** A missing and a foreign tab or meter look the same: `missing` says which. */
export async function createChart(db: Database, ownerId: string, chart: NewChart): Promise<ChartWriteResult> {
  if (!(await ownsTab(db, ownerId, chart.tabId))) return { ok: false, missing: "tab" };
  if (!(await ownsMeters(db, ownerId, chart.spec.meterIds))) return { ok: false, missing: "meter" };
  const [row] = await db
    .insert(charts)
    .values({
      ownerId,
      tabId: chart.tabId,
      title: chart.title,
      spec: chart.spec,
      layout: chart.layout ?? (await nextFreeLayout(db, chart.tabId)),
      source: chart.source ?? "manual",
      provenance: chart.provenance ?? null,
    })
    .returning();
  return { ok: true, chart: row };
}

export async function getChart(db: Database, ownerId: string, id: string): Promise<ChartRow | undefined> {
  const [row] = await db.select().from(charts).where(byOwner(ownerId, id));
  return row;
}

export interface ChartChanges {
  title?: string;
  spec?: ChartSpec;
  layout?: ChartLayout;
  tabId?: string;
}

/** Moving to another tab without a layout puts the chart below that tab's charts. */
export async function updateChart(db: Database, ownerId: string, id: string, changes: ChartChanges): Promise<ChartWriteResult> {
  const current = await getChart(db, ownerId, id);
  if (!current) return { ok: false, missing: "chart" };
  const moving = changes.tabId !== undefined && changes.tabId !== current.tabId;
  if (moving && !(await ownsTab(db, ownerId, changes.tabId!))) return { ok: false, missing: "tab" };
  if (changes.spec && !(await ownsMeters(db, ownerId, changes.spec.meterIds))) return { ok: false, missing: "meter" };
  const layout = changes.layout ?? (moving ? await nextFreeLayout(db, changes.tabId!) : undefined);
  const [row] = await db
    .update(charts)
    .set({
      ...(changes.title === undefined ? {} : { title: changes.title }),
      ...(changes.spec === undefined ? {} : { spec: changes.spec }),
      ...(layout === undefined ? {} : { layout }),
      ...(moving ? { tabId: changes.tabId } : {}),
      updatedAt: new Date(),
    })
    .where(byOwner(ownerId, id))
    .returning();
  return row ? { ok: true, chart: row } : { ok: false, missing: "chart" };
}

/** Deletes the chart and kills its public links. */
export async function deleteChart(db: Database, ownerId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(charts).where(byOwner(ownerId, id)).returning({ id: charts.id });
  if (deleted.length === 0) return false;
  await revokeSharesOf(db, ownerId, [id]);
  return true;
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

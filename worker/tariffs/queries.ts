import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { meters, tariffs } from "../db/schema";

export type TariffRow = typeof tariffs.$inferSelect;

/** A tariff without its prices, with what the list shows of them (computed in Postgres, so no price array travels). */
export type TariffSummaryRow = Omit<TariffRow, "prices"> & { slots: number; minPrice: number; maxPrice: number };

const byOwner = (ownerId: string, id: string) => and(eq(tariffs.ownerId, ownerId), eq(tariffs.id, id));

const { prices: _prices, ...summaryColumns } = getTableColumns(tariffs);
const summarySelection = {
  ...summaryColumns,
  slots: sql<number>`coalesce(array_length(${tariffs.prices}, 1), 0)`.mapWith(Number),
  minPrice: sql<number>`(select min(p) from unnest(${tariffs.prices}) p)`.mapWith(Number),
  maxPrice: sql<number>`(select max(p) from unnest(${tariffs.prices}) p)`.mapWith(Number),
};

/** One of the owner's imported tariffs with its prices; undefined for a missing or foreign one. */
export async function getTariffPrices(db: Database, ownerId: string, id: string): Promise<TariffRow | undefined> {
  const [row] = await db.select().from(tariffs).where(byOwner(ownerId, id));
  return row;
}

/** The owner's imported tariffs by name only, for the chat to recognise them in a message. */
export function listTariffNames(db: Database, ownerId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: tariffs.id, name: tariffs.name })
    .from(tariffs)
    .where(eq(tariffs.ownerId, ownerId))
    .orderBy(asc(tariffs.createdAt));
}

export function listTariffs(db: Database, ownerId: string): Promise<TariffSummaryRow[]> {
  return db.select(summarySelection).from(tariffs).where(eq(tariffs.ownerId, ownerId)).orderBy(asc(tariffs.createdAt));
}

export async function getTariffSummary(db: Database, ownerId: string, id: string): Promise<TariffSummaryRow | undefined> {
  const [row] = await db.select(summarySelection).from(tariffs).where(byOwner(ownerId, id));
  return row;
}

export interface NewTariff {
  name: string;
  currency: string;
  standingChargePerDay: number | null;
  startsAt: Date;
  slotMinutes: number;
  prices: number[];
}

export async function createTariff(db: Database, ownerId: string, tariff: NewTariff): Promise<string> {
  const [row] = await db
    .insert(tariffs)
    .values({ ownerId, ...tariff })
    .returning({ id: tariffs.id });
  return row.id;
}

/** One statement, so a reader sees the old prices or the new ones, never a mix; false when not the owner's. */
export async function replacePrices(
  db: Database,
  ownerId: string,
  id: string,
  series: Pick<NewTariff, "startsAt" | "slotMinutes" | "prices">,
): Promise<boolean> {
  const updated = await db
    .update(tariffs)
    .set({ ...series, updatedAt: new Date() })
    .where(byOwner(ownerId, id))
    .returning({ id: tariffs.id });
  return updated.length > 0;
}

export async function updateTariff(
  db: Database,
  ownerId: string,
  id: string,
  changes: Partial<Pick<NewTariff, "name" | "currency" | "standingChargePerDay">>,
): Promise<boolean> {
  const updated = await db
    .update(tariffs)
    .set({ ...changes, updatedAt: new Date() })
    .where(byOwner(ownerId, id))
    .returning({ id: tariffs.id });
  return updated.length > 0;
}

const paysTariff = (id: string) => and(sql`${meters.tariff}->>'kind' = 'imported'`, sql`${meters.tariff}->>'tariffId' = ${id}`);

/** The owner's meters whose own tariff setting is this imported tariff, oldest first. */
export function metersPaying(db: Database, ownerId: string, id: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: meters.id, name: meters.name })
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), paysTariff(id)))
    .orderBy(asc(meters.createdAt));
}

/** The owner's meters that pay any imported tariff, with the tariff's id, oldest first (one query for a list). */
export function metersPayingImported(db: Database, ownerId: string): Promise<{ id: string; name: string; tariffId: string }[]> {
  return db
    .select({ id: meters.id, name: meters.name, tariffId: sql<string>`${meters.tariff}->>'tariffId'` })
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), sql`${meters.tariff}->>'kind' = 'imported'`))
    .orderBy(asc(meters.createdAt));
}

/**
 * Deletes the tariff unless a meter pays it, in one statement (a meter switched to it meanwhile
 * keeps it alive); false when nothing was deleted.
 */
export async function deleteUnusedTariff(db: Database, ownerId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(tariffs)
    .where(and(byOwner(ownerId, id), sql`not exists (select 1 from ${meters} where ${meters.ownerId} = ${ownerId} and ${paysTariff(id)})`))
    .returning({ id: tariffs.id });
  return deleted.length > 0;
}

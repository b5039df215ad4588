import { and, asc, eq, getTableColumns, gt, gte, inArray, lt, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { annotations, meters } from "../db/schema";
import type { MeterRow } from "../meters/queries";

export type AnnotationRow = typeof annotations.$inferSelect;
type NewAnnotation = typeof annotations.$inferInsert;
/** A row with the name of its meter, as the listings show it. */
export type NamedAnnotationRow = AnnotationRow & { meterName: string };

/** How many notes one listing returns at most (oldest first). */
const LIST_LIMIT = 1_000;

const named = { ...getTableColumns(annotations), meterName: meters.name };

/**
 * The meters whose notes belong on a meter's charts: itself, its site (a device) and its devices
 * (a site). A device sits under a site of the same owner (meters/queries.ts), so the family never
 * crosses owners.
 */
export async function chartFamily(db: Database, meter: MeterRow): Promise<string[]> {
  const related = await db
    .select({ id: meters.id })
    .from(meters)
    .where(or(eq(meters.parentId, meter.id), meter.parentId ? eq(meters.id, meter.parentId) : undefined));
  return [meter.id, ...related.map((row) => row.id)];
}

export async function insertAnnotation(db: Database, values: NewAnnotation): Promise<AnnotationRow> {
  const [row] = await db.insert(annotations).values(values).returning();
  return row;
}

/** Any annotation by id: the service decides through its meter whether the person may see it. */
export async function getAnnotation(db: Database, id: string): Promise<AnnotationRow | undefined> {
  const [row] = await db.select().from(annotations).where(eq(annotations.id, id));
  return row;
}

/** What overlaps [from, to) (a moment: starts in it), oldest first. */
const overlapping = (from?: Date, to?: Date) =>
  and(to ? lt(annotations.startsAt, to) : undefined, from ? or(gte(annotations.startsAt, from), gt(annotations.endsAt, from)) : undefined);

export async function listAnnotations(db: Database, meterIds: string[], from?: Date, to?: Date): Promise<NamedAnnotationRow[]> {
  return db
    .select(named)
    .from(annotations)
    .innerJoin(meters, eq(meters.id, annotations.meterId))
    .where(and(inArray(annotations.meterId, meterIds), overlapping(from, to)))
    .orderBy(asc(annotations.startsAt), asc(annotations.id))
    .limit(LIST_LIMIT);
}

/** The ranges marked away on these meters that overlap [from, to). */
export async function awayRanges(db: Database, meterIds: string[], from: Date, to: Date): Promise<{ startsAt: Date; endsAt: Date }[]> {
  const rows = await db
    .select({ startsAt: annotations.startsAt, endsAt: annotations.endsAt })
    .from(annotations)
    .where(and(inArray(annotations.meterId, meterIds), eq(annotations.kind, "away"), overlapping(from, to)));
  return rows.filter((row): row is { startsAt: Date; endsAt: Date } => row.endsAt !== null);
}

export async function updateAnnotation(
  db: Database,
  id: string,
  changes: Partial<Pick<AnnotationRow, "kind" | "text" | "startsAt" | "endsAt">>,
): Promise<AnnotationRow | undefined> {
  const [row] = await db
    .update(annotations)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(annotations.id, id))
    .returning();
  return row;
}

export async function deleteAnnotation(db: Database, id: string): Promise<boolean> {
  return (await db.delete(annotations).where(eq(annotations.id, id)).returning({ id: annotations.id })).length > 0;
}

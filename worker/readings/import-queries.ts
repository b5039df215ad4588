import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { readingImports } from "../db/schema";

export type ImportRow = typeof readingImports.$inferSelect;

export type ImportProgress = Pick<ImportRow, "rowsRead" | "rowsStored" | "duplicates" | "errors"> &
  Partial<Pick<ImportRow, "status" | "failure">>;

export async function createImport(db: Database, job: Pick<ImportRow, "ownerId" | "meterId" | "format" | "unit">): Promise<ImportRow> {
  const [row] = await db.insert(readingImports).values(job).returning();
  return row;
}

export async function updateImport(db: Database, id: string, progress: ImportProgress): Promise<ImportRow> {
  const [row] = await db
    .update(readingImports)
    .set({ ...progress, updatedAt: new Date() })
    .where(eq(readingImports.id, id))
    .returning();
  return row;
}

export async function getImport(db: Database, ownerId: string, id: string): Promise<ImportRow | undefined> {
  const [row] = await db
    .select()
    .from(readingImports)
    .where(and(eq(readingImports.id, id), eq(readingImports.ownerId, ownerId)));
  return row;
}

/** The meter's most recent imports, newest first. */
export function listImports(db: Database, ownerId: string, meterId: string, limit: number): Promise<ImportRow[]> {
  return db
    .select()
    .from(readingImports)
    .where(and(eq(readingImports.meterId, meterId), eq(readingImports.ownerId, ownerId)))
    .orderBy(desc(readingImports.createdAt))
    .limit(limit);
}

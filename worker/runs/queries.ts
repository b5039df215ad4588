import { and, desc, eq } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { modelRuns } from "../db/schema";

export type ModelRunRow = typeof modelRuns.$inferSelect;
export type NewModelRun = typeof modelRuns.$inferInsert;

export async function insertModelRun(db: Database | Transaction, run: NewModelRun): Promise<ModelRunRow> {
  const [row] = await db.insert(modelRuns).values(run).returning();
  return row;
}

export async function latestModelRun(db: Database | Transaction, ownerId: string, meterId: string): Promise<ModelRunRow | undefined> {
  const [row] = await db
    .select()
    .from(modelRuns)
    .where(and(eq(modelRuns.meterId, meterId), eq(modelRuns.ownerId, ownerId)))
    .orderBy(desc(modelRuns.createdAt))
    .limit(1);
  return row;
}

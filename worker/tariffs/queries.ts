import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { tariffs } from "../db/schema";

export type TariffRow = typeof tariffs.$inferSelect;

/** One of the owner's imported tariffs with its prices; undefined for a missing or foreign one. */
export async function getTariffPrices(db: Database, ownerId: string, id: string): Promise<TariffRow | undefined> {
  const [row] = await db
    .select()
    .from(tariffs)
    .where(and(eq(tariffs.ownerId, ownerId), eq(tariffs.id, id)));
  return row;
}

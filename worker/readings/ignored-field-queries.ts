import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { ignoredFields } from "../db/schema";

export type IgnoredFieldRow = typeof ignoredFields.$inferSelect;

/** Counts one more write carrying each of `fields` on the meter. */
export async function recordIgnoredFields(db: Database, meterId: string, fields: readonly string[], seenAt: Date): Promise<void> {
  if (fields.length === 0) return;
  await db.$client.query(
    `INSERT INTO ignored_fields (meter_id, field, last_seen_at, count)
     SELECT $1, field, $3, 1 FROM unnest($2::text[]) AS field
     ON CONFLICT (meter_id, field) DO UPDATE
       SET count = ignored_fields.count + 1, last_seen_at = greatest(ignored_fields.last_seen_at, excluded.last_seen_at)`,
    [meterId, fields, seenAt.toISOString()],
  );
}

/** The meter's ignored fields, most recently seen first (the caller checks the meter is the user's). */
export function listIgnoredFields(db: Database, meterId: string): Promise<IgnoredFieldRow[]> {
  return db
    .select()
    .from(ignoredFields)
    .where(eq(ignoredFields.meterId, meterId))
    .orderBy(desc(ignoredFields.lastSeenAt), ignoredFields.field);
}

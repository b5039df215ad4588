import type { Database } from "../db/client";
import { notFound } from "../errors";
import { getMeter, type MeterRow } from "./queries";

/** The user's meter, or the 404 that a missing and another user's meter both get. */
export async function requireMeter(db: Database, userId: string, meterId: string): Promise<MeterRow> {
  const meter = await getMeter(db, userId, meterId);
  if (!meter) throw notFound("Meter");
  return meter;
}

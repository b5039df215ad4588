import type { Actor } from "../actor";
import { requireMeter } from "../meters/service";
import * as stored from "./ignored-field-queries";
import type { IgnoredFieldList } from "./influx-contract";

/** What the meter's senders wrote that maps to no metric (line protocol), most recently seen first. */
export async function listIgnoredFields(actor: Actor, meterId: string): Promise<IgnoredFieldList> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const rows = await stored.listIgnoredFields(actor.db, meter.id);
  return { fields: rows.map((row) => ({ field: row.field, count: row.count, lastSeenAt: row.lastSeenAt.toISOString() })) };
}

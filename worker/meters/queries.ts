import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { meters } from "../db/schema";
import type { FlexibleAssets, TariffSetting } from "./energy-contract";

export type MeterRow = typeof meters.$inferSelect;

const byOwner = (ownerId: string, id: string) => and(eq(meters.id, id), eq(meters.ownerId, ownerId));

export function listMeters(db: Database, ownerId: string): Promise<MeterRow[]> {
  return db.select().from(meters).where(eq(meters.ownerId, ownerId)).orderBy(asc(meters.createdAt));
}

export async function getMeter(db: Database, ownerId: string, id: string): Promise<MeterRow | undefined> {
  const [row] = await db.select().from(meters).where(byOwner(ownerId, id));
  return row;
}

/** The owner's meters among `ids`; ids of other users simply do not come back. */
export function getMeters(db: Database, ownerId: string, ids: string[]): Promise<MeterRow[]> {
  return db
    .select()
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), inArray(meters.id, ids)));
}

/** The device meters under one of the owner's sites, oldest first. */
export function listDevices(db: Database, ownerId: string, siteId: string): Promise<MeterRow[]> {
  return db
    .select()
    .from(meters)
    .where(and(eq(meters.ownerId, ownerId), eq(meters.parentId, siteId)))
    .orderBy(asc(meters.createdAt));
}

async function isOwnSite(db: Database, ownerId: string, id: string): Promise<boolean> {
  const meter = await getMeter(db, ownerId, id);
  return meter?.kind === "site";
}

export interface NewMeter {
  name: string;
  timezone: string;
  kind: "site" | "device";
  parentId?: string;
}

export type MeterWriteResult = { ok: true; meter: MeterRow; rebuildRollups?: boolean } | { ok: false; missing: "meter" | "parent" };

export async function createMeter(db: Database, ownerId: string, meter: NewMeter): Promise<MeterWriteResult> {
  if (meter.parentId && !(await isOwnSite(db, ownerId, meter.parentId))) return { ok: false, missing: "parent" };
  const [row] = await db
    .insert(meters)
    // A new meter has no readings: its (empty) rollups are exact.
    .values({ ownerId, ...meter, rollupsReady: true })
    .returning();
  return { ok: true, meter: row };
}

export async function updateMeter(
  db: Database,
  ownerId: string,
  id: string,
  changes: { name?: string; timezone?: string; parentId?: string | null; tariff?: TariffSetting | null; assets?: FlexibleAssets | null },
): Promise<MeterWriteResult> {
  const current = await getMeter(db, ownerId, id);
  if (!current) return { ok: false, missing: "meter" };
  if (changes.parentId) {
    if (current.kind !== "device" || changes.parentId === id || !(await isOwnSite(db, ownerId, changes.parentId)))
      return { ok: false, missing: "parent" };
  }
  // Another zone moves every local day: the daily rollups wait for a rebuild, reads go to raw meanwhile.
  const rezoned = changes.timezone !== undefined && changes.timezone !== current.timezone;
  const [row] = await db
    .update(meters)
    .set({ ...changes, ...(rezoned ? { rollupsReady: false } : {}), updatedAt: new Date() })
    .where(byOwner(ownerId, id))
    .returning();
  return { ok: true, meter: row, rebuildRollups: rezoned };
}

/** Deletes the meter and, by cascade, its readings. */
export async function deleteMeter(db: Database, ownerId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(meters).where(byOwner(ownerId, id)).returning({ id: meters.id });
  return deleted.length > 0;
}

/** Starts using the next key version; the current one keeps working for `graceMs`. */
export async function rotateWebhookKey(db: Database, ownerId: string, id: string, graceMs: number): Promise<MeterRow | undefined> {
  const current = await getMeter(db, ownerId, id);
  if (!current) return undefined;
  const [row] = await db
    .update(meters)
    .set({
      webhookKeyVersion: current.webhookKeyVersion + 1,
      previousKeyVersion: current.webhookKeyVersion,
      previousKeyExpiresAt: new Date(Date.now() + graceMs),
      updatedAt: new Date(),
    })
    // Guard against two rotations racing: only the first one applies.
    .where(and(byOwner(ownerId, id), eq(meters.webhookKeyVersion, current.webhookKeyVersion)))
    .returning();
  return row;
}

/** Not scoped to a user: for the webhook (which authenticates by signature) and the queue (which carries the owner). */
export async function findMeterById(db: Database, id: string): Promise<MeterRow | undefined> {
  const [row] = await db.select().from(meters).where(eq(meters.id, id));
  return row;
}

/**
 * The site's device meter that the sender calls `externalId` (Home Assistant's entity id, a
 * `meter` tag), created with `name` on first sight. Two writes racing create it once.
 */
export async function findOrCreateDevice(db: Database, site: MeterRow, externalId: string, name: string): Promise<MeterRow> {
  await db
    .insert(meters)
    .values({ ownerId: site.ownerId, name, timezone: site.timezone, kind: "device", parentId: site.id, externalId, rollupsReady: true })
    .onConflictDoNothing({ target: [meters.parentId, meters.externalId] });
  const [row] = await db
    .select()
    .from(meters)
    .where(and(eq(meters.ownerId, site.ownerId), eq(meters.parentId, site.id), eq(meters.externalId, externalId)));
  return row;
}

import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { homeInvites, homeMembers, homes, users } from "../db/schema";
import type { HomeRole } from "./contract";

export type HomeInviteRow = typeof homeInvites.$inferSelect;

/**
 * Tables whose rows a route addresses by id as its first path segment after /api: a request
 * without a `home` parameter acts in the home of the row it names (when the person is a member),
 * so a member opens a shared tab's link like their own. The names are fixed here, never taken
 * from the request.
 */
/** The home owning the row a path names by id: the row's owner_id, or its meter's for rows kept under a meter. */
const ownedRow =
  (table: string, key = "id") =>
  (id: string) =>
    sql`(SELECT owner_id FROM ${sql.identifier(table)} WHERE ${sql.identifier(key)} = ${id})`;
const ADDRESSED: Record<string, (id: string) => SQL> = {
  tabs: ownedRow("tabs"),
  charts: ownedRow("charts"),
  meters: ownedRow("meters"),
  tariffs: ownedRow("tariffs"),
  "alert-rules": ownedRow("alert_rules"),
  reports: ownedRow("reports"),
  imports: ownedRow("reading_imports"),
  shares: ownedRow("shares", "token"),
  annotations: (id) => sql`(SELECT m.owner_id FROM annotations a JOIN meters m ON m.id = a.meter_id WHERE a.id = ${id})`,
};

/** Whether `/api/<kind>/<id>` names a home's row (ids are checked by the caller: a malformed one names nothing). */
export const isAddressedKind = (kind: string) => Object.hasOwn(ADDRESSED, kind);

/** The person's role in the home, or undefined for a non-member. */
export async function membership(db: Database, userId: string, homeId: string): Promise<HomeRole | undefined> {
  const [row] = await db
    .select({ role: homeMembers.role })
    .from(homeMembers)
    .where(and(eq(homeMembers.userId, userId), eq(homeMembers.homeId, homeId)));
  return row?.role;
}

/** The home of the row `/api/<kind>/<id>` names if the person is a member of it, else their personal home; in one query. */
export async function homeOfAddressed(
  db: Database,
  userId: string,
  kind: string,
  id: string,
): Promise<{ homeId: string; role: HomeRole } | undefined> {
  const result = await db.execute<{ home_id: string; role: HomeRole }>(sql`
    SELECT home_id, role FROM home_members
     WHERE user_id = ${userId}
       AND home_id IN (${userId}, ${ADDRESSED[kind](id)})
     ORDER BY home_id = ${userId}
     LIMIT 1`);
  const [row] = result.rows;
  return row ? { homeId: row.home_id, role: row.role } : undefined;
}

/** The person's personal home and its owner row, made once (first sign-in): the home's id is the person's. */
export async function ensurePersonalHome(db: Database, userId: string): Promise<void> {
  await db.execute(sql`
    WITH made AS (
      INSERT INTO homes (id, name) VALUES (${userId}, 'My home') ON CONFLICT (id) DO NOTHING RETURNING id
    )
    INSERT INTO home_members (home_id, user_id, role) SELECT id, id, 'owner' FROM made ON CONFLICT DO NOTHING`);
}

export function listHomesOf(db: Database, userId: string) {
  return db
    .select({ id: homes.id, name: homes.name, role: homeMembers.role })
    .from(homeMembers)
    .innerJoin(homes, eq(homes.id, homeMembers.homeId))
    .where(eq(homeMembers.userId, userId))
    .orderBy(sql`${homes.id} <> ${userId}`, asc(homes.createdAt));
}

export async function createHome(db: Database, ownerId: string, name: string) {
  // Both rows or neither: a transaction opens the pool's one connection, so batch it as one statement.
  const result = await db.execute<{ id: string; name: string }>(sql`
    WITH made AS (INSERT INTO homes (name) VALUES (${name}) RETURNING id, name),
         member AS (INSERT INTO home_members (home_id, user_id, role) SELECT id, ${ownerId}, 'owner' FROM made)
    SELECT id, name FROM made`);
  return result.rows[0];
}

export async function getHome(db: Database, homeId: string) {
  const [row] = await db.select().from(homes).where(eq(homes.id, homeId));
  return row;
}

export async function renameHome(db: Database, homeId: string, name: string) {
  const [row] = await db.update(homes).set({ name }).where(eq(homes.id, homeId)).returning();
  return row;
}

export async function deleteHome(db: Database, homeId: string): Promise<void> {
  await db.delete(homes).where(eq(homes.id, homeId));
}

export function listMembers(db: Database, homeId: string) {
  return db
    .select({ userId: homeMembers.userId, email: users.email, role: homeMembers.role, since: homeMembers.createdAt })
    .from(homeMembers)
    .innerJoin(users, eq(users.id, homeMembers.userId))
    .where(eq(homeMembers.homeId, homeId))
    .orderBy(asc(homeMembers.createdAt));
}

/** Every member's id: whose hubs hear the home's events, who is notified. */
export async function memberIds(db: Database, homeId: string): Promise<string[]> {
  const rows = await db.select({ userId: homeMembers.userId }).from(homeMembers).where(eq(homeMembers.homeId, homeId));
  return rows.map((r) => r.userId);
}

/**
 * Changes a role unless it would leave the home without an owner: the check and the change are one
 * statement, so two owners demoting each other at once cannot both succeed. Returns "missing",
 * "last_owner" or the new role.
 */
export async function setRole(db: Database, homeId: string, userId: string, role: HomeRole): Promise<"missing" | "last_owner" | HomeRole> {
  const result = await db.execute<{ role: HomeRole }>(sql`
    UPDATE home_members SET role = ${role}
     WHERE home_id = ${homeId} AND user_id = ${userId}
       AND (${role} = 'owner' OR role <> 'owner'
            OR EXISTS (SELECT 1 FROM home_members o WHERE o.home_id = ${homeId} AND o.role = 'owner' AND o.user_id <> ${userId}))
     RETURNING role`);
  if (result.rows[0]) return result.rows[0].role;
  return (await membership(db, userId, homeId)) ? "last_owner" : "missing";
}

/** Removes a member unless they are its last owner (one statement, as setRole). */
export async function removeMember(db: Database, homeId: string, userId: string): Promise<"missing" | "last_owner" | "removed"> {
  const result = await db.execute<{ user_id: string }>(sql`
    DELETE FROM home_members
     WHERE home_id = ${homeId} AND user_id = ${userId}
       AND (role <> 'owner'
            OR EXISTS (SELECT 1 FROM home_members o WHERE o.home_id = ${homeId} AND o.role = 'owner' AND o.user_id <> ${userId}))
     RETURNING user_id`);
  if (result.rows[0]) return "removed";
  return (await membership(db, userId, homeId)) ? "last_owner" : "missing";
}

export async function insertInvite(db: Database, invite: typeof homeInvites.$inferInsert): Promise<HomeInviteRow> {
  const [row] = await db.insert(homeInvites).values(invite).returning();
  return row;
}

export async function findInvite(db: Database, tokenHash: string): Promise<HomeInviteRow | undefined> {
  const [row] = await db.select().from(homeInvites).where(eq(homeInvites.tokenHash, tokenHash));
  return row;
}

/**
 * Uses the invite and makes the person a member in one statement: only an unused, unexpired invite
 * is used (so two people racing for one link cannot both get in). An existing member keeps the
 * higher of their role and the invite's. Returns the role, or undefined if the invite was not usable.
 */
export async function consumeInvite(db: Database, inviteId: string, userId: string, now: Date): Promise<HomeRole | undefined> {
  const result = await db.execute<{ role: HomeRole }>(sql`
    WITH used AS (
      UPDATE home_invites SET used_at = ${now.toISOString()}, used_by = ${userId}
       WHERE id = ${inviteId} AND used_at IS NULL AND expires_at > ${now.toISOString()}
       RETURNING home_id, role
    )
    INSERT INTO home_members (home_id, user_id, role) SELECT home_id, ${userId}, role FROM used
    ON CONFLICT (home_id, user_id) DO UPDATE SET role = CASE
      WHEN home_members.role = 'owner' OR excluded.role = 'owner' THEN 'owner'
      WHEN home_members.role = 'editor' OR excluded.role = 'editor' THEN 'editor'
      ELSE 'viewer' END
    RETURNING role`);
  return result.rows[0]?.role;
}

import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, users } from "../db/schema";

export type NewAuditEvent = typeof auditEvents.$inferInsert;

export async function insertAuditEvent(db: Database, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values(event);
}

/** A sign-in is something every home of the person sees. */
export async function insertSignIn(db: Database, userId: string): Promise<void> {
  await db.execute(sql`
    INSERT INTO audit_events (home_id, actor_id, action, target_kind, target_id)
    SELECT home_id, ${userId}, 'auth.sign_in', 'user', ${userId} FROM home_members WHERE user_id = ${userId}`);
}

export function listAuditEvents(db: Database, homeId: string, limit: number, before?: Date) {
  return db
    .select({
      at: auditEvents.at,
      actorId: auditEvents.actorId,
      email: users.email,
      action: auditEvents.action,
      targetKind: auditEvents.targetKind,
      targetId: auditEvents.targetId,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.homeId, homeId), before ? lt(auditEvents.at, before) : undefined))
    .orderBy(desc(auditEvents.at))
    .limit(limit);
}

export async function deleteAuditEventsBefore(db: Database, before: Date): Promise<number> {
  const deleted = await db.delete(auditEvents).where(lt(auditEvents.at, before)).returning({ id: auditEvents.id });
  return deleted.length;
}

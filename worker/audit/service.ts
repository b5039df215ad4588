import type { Actor } from "../actor";
import type { Database } from "../db/client";
import { requireRole } from "../homes/policy";
import { AUDIT_KEPT_DAYS, type AuditEvent, type AuditQuery } from "./contract";
import * as queries from "./queries";

export type Detail = Record<string, string | number | boolean | null>;

/**
 * Writes who did what in the actor's home. Operations call it after their change: `detail` holds
 * plain facts (a name, a role, a kind) and never a secret, token, URL or request body.
 */
export async function audit(actor: Actor, action: string, target: { kind: string; id?: string }, detail?: Detail): Promise<void> {
  await queries.insertAuditEvent(actor.db, {
    homeId: actor.homeId,
    actorId: actor.userId,
    action,
    targetKind: target.kind,
    targetId: target.id ?? null,
    detail: detail ?? null,
  });
}

export const auditSignIn = (db: Database, userId: string) => queries.insertSignIn(db, userId);

/** The home's log, newest first: owners only. */
export async function listAudit(actor: Actor, query: AuditQuery): Promise<AuditEvent[]> {
  requireRole(actor, "owner");
  const rows = await queries.listAuditEvents(actor.db, actor.homeId, query.limit, query.before ? new Date(query.before) : undefined);
  return rows.map((row) => ({
    at: row.at.toISOString(),
    actor: { id: row.actorId, email: row.email },
    action: row.action,
    target: { kind: row.targetKind, id: row.targetId },
    detail: row.detail,
  }));
}

/** The scheduled job: events older than a year go. */
export function purgeOldAuditEvents(db: Database, at: Date): Promise<number> {
  return queries.deleteAuditEventsBefore(db, new Date(at.getTime() - AUDIT_KEPT_DAYS * 24 * 60 * 60 * 1000));
}

import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import type { Database } from "../db/client";
import { ApiError, notFound } from "../errors";
import { announceChange } from "../homes/live";
import { requireRole } from "../homes/policy";
import type { MeterRow } from "../meters/queries";
import { requireMeter } from "../meters/service";
import {
  type Annotation,
  type AnnotationList,
  type AnnotationListQuery,
  type CreateAnnotationBody,
  type PublicAnnotation,
  rangeProblem,
  type UpdateAnnotationBody,
} from "./contract";
import type { AnnotationRow, NamedAnnotationRow } from "./queries";
import * as queries from "./queries";

function payload(row: AnnotationRow, meterName: string): Annotation {
  return {
    id: row.id,
    meterId: row.meterId,
    meterName,
    kind: row.kind,
    text: row.text,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

const namedPayload = (row: NamedAnnotationRow) => payload(row, row.meterName);

/**
 * The annotation and its meter, when the person may see that meter: access is the meter's
 * (requireMeter), so a missing annotation and one on another home's meter are the same 404.
 */
async function requireAnnotation(actor: Actor, id: string): Promise<{ row: AnnotationRow; meter: MeterRow }> {
  const row = await queries.getAnnotation(actor.db, id);
  if (!row) throw notFound("Annotation");
  const meter = await requireMeter(actor.db, actor.homeId, row.meterId).catch((error: unknown) => {
    throw error instanceof ApiError && error.status === 404 ? notFound("Annotation") : error;
  });
  return { row, meter };
}

export async function createAnnotation(actor: Actor, body: CreateAnnotationBody): Promise<Annotation> {
  requireRole(actor, "editor");
  const meter = await requireMeter(actor.db, actor.homeId, body.meterId);
  const row = await queries.insertAnnotation(actor.db, {
    meterId: meter.id,
    createdBy: actor.userId,
    kind: body.kind,
    text: body.text,
    startsAt: new Date(body.startsAt),
    endsAt: body.endsAt ? new Date(body.endsAt) : null,
  });
  await announceChange(
    actor,
    { kind: "annotation", id: row.id, action: "created", meterId: meter.id },
    { meterId: meter.id, kind: row.kind },
  );
  return payload(row, meter.name);
}

/** The notes drawn on a meter's charts over a window: its own, its site's and its devices'. */
export async function listAnnotations(actor: Actor, { meterId, from, to }: AnnotationListQuery): Promise<AnnotationList> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const family = await queries.chartFamily(actor.db, meter);
  const rows = await queries.listAnnotations(actor.db, family, from ? new Date(from) : undefined, to ? new Date(to) : undefined);
  return { annotations: rows.map(namedPayload) };
}

export async function getAnnotation(actor: Actor, id: string): Promise<Annotation> {
  const { row, meter } = await requireAnnotation(actor, id);
  return payload(row, meter.name);
}

/** Changes the text, kind or range; the range rule is judged on the result (400 naming the field). */
export async function updateAnnotation(actor: Actor, id: string, changes: UpdateAnnotationBody): Promise<Annotation> {
  requireRole(actor, "editor");
  const { row, meter } = await requireAnnotation(actor, id);
  const problem = rangeProblem({
    kind: changes.kind ?? row.kind,
    startsAt: changes.startsAt ?? row.startsAt.toISOString(),
    endsAt: changes.endsAt === undefined ? row.endsAt?.toISOString() : changes.endsAt,
  });
  if (problem) throw new ApiError(400, "invalid_request", `Invalid body: ${problem.path}: ${problem.message}`, [problem]);
  const updated = await queries.updateAnnotation(actor.db, id, {
    kind: changes.kind,
    text: changes.text,
    startsAt: changes.startsAt === undefined ? undefined : new Date(changes.startsAt),
    endsAt: changes.endsAt === undefined ? undefined : changes.endsAt === null ? null : new Date(changes.endsAt),
  });
  if (!updated) throw notFound("Annotation");
  await announceChange(actor, { kind: "annotation", id, action: "updated", meterId: meter.id });
  return payload(updated, meter.name);
}

export async function deleteAnnotation(actor: Actor, id: string): Promise<Deleted> {
  requireRole(actor, "editor");
  const { meter } = await requireAnnotation(actor, id);
  if (!(await queries.deleteAnnotation(actor.db, id))) throw notFound("Annotation");
  await announceChange(actor, { kind: "annotation", id, action: "deleted", meterId: meter.id });
  return { deleted: true };
}

/**
 * The notes of a shared chart's meters over its window, as a public viewer sees them (no ids, no
 * author). The share's owner reads them: the share already proved the charts are theirs.
 */
export async function sharedAnnotations(
  db: Database,
  ownerId: string,
  meterIds: string[],
  from: Date,
  to: Date,
): Promise<PublicAnnotation[]> {
  const family = new Set<string>();
  for (const id of meterIds) for (const member of await queries.chartFamily(db, await requireMeter(db, ownerId, id))) family.add(member);
  const rows = await queries.listAnnotations(db, [...family], from, to);
  return rows.map(({ meterName, kind, text, startsAt, endsAt }) => ({
    meterName,
    kind,
    text,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt?.toISOString() ?? null,
  }));
}

/**
 * The ranges marked away that a run of `meter` leaves out of [from, to): the meter's own and its
 * site's (nobody home at the site is nobody home for its devices).
 */
export async function awayRangesForRun(db: Database, meter: MeterRow, from: Date, to: Date): Promise<{ startsAt: Date; endsAt: Date }[]> {
  return queries.awayRanges(db, meter.parentId ? [meter.id, meter.parentId] : [meter.id], from, to);
}

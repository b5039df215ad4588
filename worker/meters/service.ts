import type { z } from "zod";
import type { Actor } from "../actor";
import { audit } from "../audit/service";
import type { Database } from "../db/client";
import { ApiError, notFound, secretsKey } from "../errors";
import { requireRole } from "../homes/policy";
import { countReadings } from "../readings/queries";
import { queueRollupsRebuild } from "../rollups/rebuild-queue";
import { requireOwnTariff } from "../tariffs/service";
import type { CreateMeterBody, Meter, MeterDeleted, MeterList, MeterWithWebhook, UpdateMeterBody } from "./contract";
import type { MeterRow } from "./queries";
import * as stored from "./queries";
import { previousSecretValidUntil, webhookSecret } from "./webhook-secrets";

/** How long a rotated-out webhook secret keeps working, so installers can update meters calmly. */
export const WEBHOOK_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

/** The user's meter, or the 404 that a missing and another user's meter both get. */
export async function requireMeter(db: Database, userId: string, meterId: string): Promise<MeterRow> {
  const meter = await stored.getMeter(db, userId, meterId);
  if (!meter) throw notFound("Meter");
  return meter;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The meter a person refers to by id or by name (any case), as the chat tools take them. Only
 * their own meters are searched, so another user's meter reads as missing; when no name matches,
 * the error lists theirs so the person (or the model) can pick one.
 */
export async function meterByIdOrName(actor: Actor, reference: string): Promise<MeterRow> {
  const wanted = reference.trim();
  if (UUID.test(wanted)) return requireMeter(actor.db, actor.homeId, wanted.toLowerCase());
  const meters = await stored.listMeters(actor.db, actor.homeId);
  const named = meters.filter((m) => m.name.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return named[0];
  if (named.length > 1)
    throw new ApiError(
      409,
      "ambiguous_meter",
      `${named.length} meters are called "${wanted}": give one's id (${named.map((m) => m.id).join(", ")})`,
    );
  const yours = meters.length ? `your meters are ${meters.map((m) => m.name).join(", ")}` : "you have no meters yet";
  throw new ApiError(404, "not_found", `No meter is called "${wanted}": ${yours}`);
}

/** Where the meter posts its readings. */
function webhookUrl(origin: string, meterId: string): string {
  return new URL(`/api/ingest/${meterId}`, origin).toString();
}

function meterDto(row: MeterRow, origin: string): Meter {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    kind: row.kind,
    parentId: row.parentId,
    lastReadingAt: row.lastReadingAt?.toISOString() ?? null,
    tariff: row.tariff,
    assets: row.assets,
    createdAt: row.createdAt.toISOString(),
    webhookUrl: webhookUrl(origin, row.id),
  };
}

async function withWebhook(row: MeterRow, origin: string, key: string): Promise<z.infer<typeof MeterWithWebhook>> {
  return {
    ...meterDto(row, origin),
    webhook: {
      url: webhookUrl(origin, row.id),
      secret: await webhookSecret(key, row.id, row.webhookKeyVersion),
      previousSecretValidUntil: previousSecretValidUntil(row)?.toISOString() ?? null,
    },
  };
}

export async function listMeters(actor: Actor): Promise<MeterList> {
  const rows = await stored.listMeters(actor.db, actor.homeId);
  return { meters: rows.map((row) => meterDto(row, actor.origin)) };
}

/** Creates a meter; the answer holds its webhook secret, which is shown only this once. */
export async function createMeter(actor: Actor, meter: CreateMeterBody): Promise<z.infer<typeof MeterWithWebhook>> {
  requireRole(actor, "editor");
  const key = secretsKey(actor.env);
  const result = await stored.createMeter(actor.db, actor.homeId, meter);
  if (!result.ok) throw notFound("Parent site meter");
  await audit(actor, "meter.create", { kind: "meter", id: result.meter.id }, { name: result.meter.name });
  return withWebhook(result.meter, actor.origin, key);
}

export async function getMeter(actor: Actor, meterId: string): Promise<Meter> {
  return meterDto(await requireMeter(actor.db, actor.homeId, meterId), actor.origin);
}

/** The one way a meter's settings change, for the PATCH route and the chat tools alike. */
export async function updateMeter(actor: Actor, meterId: string, changes: UpdateMeterBody): Promise<Meter> {
  requireRole(actor, "editor");
  // Another user's tariff is as unknown as a missing one.
  if (changes.tariff?.kind === "imported") await requireOwnTariff(actor, changes.tariff.tariffId);
  const result = await stored.updateMeter(actor.db, actor.homeId, meterId, changes);
  if (!result.ok) throw notFound(result.missing === "parent" ? "Parent site meter" : "Meter");
  if (result.rebuildRollups) await queueRollupsRebuild(actor.env, result.meter.id);
  await audit(actor, "meter.update", { kind: "meter", id: meterId }, { fields: Object.keys(changes).sort().join(",") });
  return meterDto(result.meter, actor.origin);
}

/** Issues a new webhook secret; the previous one keeps working for WEBHOOK_ROTATION_GRACE_MS. */
export async function rotateWebhookSecret(actor: Actor, meterId: string): Promise<z.infer<typeof MeterWithWebhook>> {
  requireRole(actor, "editor");
  const key = secretsKey(actor.env);
  const rotated = await stored.rotateWebhookKey(actor.db, actor.homeId, meterId, WEBHOOK_ROTATION_GRACE_MS);
  if (!rotated) {
    await requireMeter(actor.db, actor.homeId, meterId);
    throw new ApiError(
      409,
      "rotation_conflict",
      "Another rotation of this meter's secret happened at the same time; fetch the meter and try again.",
    );
  }
  await audit(actor, "meter.rotate_secret", { kind: "meter", id: meterId });
  return withWebhook(rotated, actor.origin, key);
}

/** Deletes a meter and its readings, which cannot be undone: `confirm` must repeat the meter's id. */
export async function deleteMeter(actor: Actor, meterId: string, confirm: string | undefined): Promise<MeterDeleted> {
  requireRole(actor, "editor");
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const readings = await countReadings(actor.db, meterId);
  if (confirm !== meterId) {
    throw new ApiError(
      409,
      "confirmation_required",
      `Deleting "${meter.name}" also deletes its ${readings} readings. Repeat with ?confirm=${meterId} to go ahead.`,
      { readings },
    );
  }
  await stored.deleteMeter(actor.db, actor.homeId, meterId);
  await audit(actor, "meter.delete", { kind: "meter", id: meterId }, { name: meter.name, readings });
  return { deleted: true, readingsDeleted: readings };
}

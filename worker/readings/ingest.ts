import type { Database } from "../db/client";
import { inTransaction, transactionBatch } from "../db/sql-client";
import type { Env } from "../env";
import { ApiError, validationError } from "../errors";
import { publishToHome } from "../homes/live";
import type { MeterRow } from "../meters/queries";
import { enforceLimit } from "../rate-limits";
import { queueRollupsRebuild } from "../rollups/rebuild-queue";
import { maintainRollups, maintenanceStatements, rebuildAsked, type StoredSpan } from "../rollups/service";
import { type IngestResult, MAX_INGEST_BODY_BYTES, type Reading, ReadingsBatch } from "./contract";
import { type InsertedReadings, insertedReadings, insertReadings, insertReadingsStatement } from "./queries";

/**
 * The one path readings take into Postgres, whatever door they come through (today the signed
 * JSON webhook, readings/webhook.ts): each door authenticates the meter and decodes its format
 * into `Reading`s, then calls `ingestReadings` (or `storeReadings`, and `announceReadings` once at
 * the end, for a long import).
 */

/** What ingestion needs: no signed-in user (meters authenticate themselves), and a way to finish work after the answer. */
export interface IngestContext {
  db: Database;
  env: Env;
  waitUntil(work: Promise<unknown>): void;
}

/** What storing needs of the meter: its reading interval as read (whether a batch may have to set the first one). */
export type StoringMeter = Pick<MeterRow, "id" | "readingIntervalMs">;
type IngestingMeter = StoringMeter & Pick<MeterRow, "ownerId">;

export const payloadTooLarge = () =>
  new ApiError(413, "payload_too_large", `The body is larger than ${MAX_INGEST_BODY_BYTES} bytes: send the readings in smaller batches`);

/** Per meter, before the body is decoded: a flooding meter costs as little as possible. */
export function limitMeterWrites(env: Env, meterId: string): Promise<void> {
  return enforceLimit(
    env,
    "WEBHOOK_LIMITER",
    meterId,
    "This meter posted too often this minute; nothing was stored: retry after Retry-After seconds (or send larger batches)",
  );
}

/** A decoded `{"readings": [...]}` batch, validated: 400 naming every failing path, so nothing of a bad batch is stored. */
export function validateBatch(json: unknown): Reading[] {
  const parsed = ReadingsBatch.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error, "readings");
  return parsed.data.readings;
}

export interface StoredReadings extends IngestResult {
  /** Readings older than the meter's retained raw data: refused. */
  expired: number;
  /** The newest instant stored, null when every reading was a duplicate. */
  newest: Date | null;
  /** Whether any chart shows the meter (only then do open dashboards need a refresh). */
  charted: boolean;
  /** The meter's rollups were marked not ready (its reading interval changed): a rebuild must be queued. */
  rebuildRollups: boolean;
}

/**
 * Stores validated readings of one meter in one transaction (all or nothing): the insert, then the
 * meter's rollups of the hours the readings reach (rollups/service.ts). The same instant twice in
 * the batch, or one already stored, is kept once and counted as a duplicate, so a retried batch
 * is safe; readings older than the meter's retained raw data are refused as expired.
 */
export async function storeReadings(db: Database, meter: StoringMeter, readings: Reading[]): Promise<StoredReadings> {
  const unique = uniqueByInstant(readings);
  const range = rangeWithoutLongGap(unique);
  const { inserted, rebuild } = range ? await storeInOneRequest(db, meter, unique, range) : await storeStepByStep(db, meter.id, unique);
  const { accepted, expired, newest, charted } = inserted;
  return { accepted, duplicates: readings.length - accepted - expired, expired, newest, charted, rebuildRollups: rebuild };
}

interface Stored {
  inserted: InsertedReadings;
  rebuild: boolean;
}

/**
 * The insert and the rollup maintenance sent as one batch (one HTTPS request over Neon's SQL path,
 * no connection to open): the rollups' statements find in SQL what the insert stored, and recompute
 * the hours of the batch's whole range, duplicates' and expired instants included (recomputing an
 * unchanged hour changes nothing).
 */
async function storeInOneRequest(db: Database, meter: StoringMeter, readings: Reading[], { first, last }: StoredSpan): Promise<Stored> {
  const [insert, ...maintenance] = await transactionBatch(db, [
    insertReadingsStatement(meter.id, readings),
    ...maintenanceStatements(meter.id, first, last, meter.readingIntervalMs !== null),
  ]);
  return { inserted: insertedReadings(insert.rows[0]), rebuild: rebuildAsked(maintenance) };
}

/** A batch with long gaps (an import across months): each cluster of stored readings recomputed on its own, in an interactive transaction. */
async function storeStepByStep(db: Database, meterId: string, readings: Reading[]): Promise<Stored> {
  return inTransaction(db, async (client) => {
    const inserted = await insertReadings(client, meterId, readings);
    const rebuild = inserted.accepted > 0 && (await maintainRollups(client, meterId, inserted.stored));
    return { inserted, rebuild };
  });
}

const DAY_MS = 86_400_000;

/**
 * The readings' first and last instants, when no two consecutive ones are further apart than a
 * day: the hours between are then about as many as the readings' own (insertReadings splits its
 * clusters only at longer gaps), so recomputing the whole range costs no more than the clusters.
 */
function rangeWithoutLongGap(readings: Reading[]): StoredSpan | undefined {
  const instants = readings.map((reading) => Date.parse(reading.ts)).sort((a, b) => a - b);
  if (instants.length === 0 || instants.some((instant, i) => i > 0 && instant - instants[i - 1] > DAY_MS)) return undefined;
  return { first: new Date(instants[0]), last: new Date(instants[instants.length - 1]) };
}

/**
 * After the commit, and without waiting: queues the meter's inference job and tells its owner's
 * open dashboards. Ingestion never waits for inference or sockets.
 */
export function announceReadings(
  context: IngestContext,
  meter: IngestingMeter,
  stored: Pick<StoredReadings, "newest" | "charted" | "rebuildRollups">,
): void {
  if (stored.rebuildRollups) context.waitUntil(queueRollupsRebuild(context.env, meter.id));
  if (!stored.newest) return;
  const newestTs = stored.newest.toISOString();
  context.waitUntil(
    context.env.INFERENCE_QUEUE.send({ meterId: meter.id, userId: meter.ownerId, newestTs, trigger: "auto" }).catch((error: Error) =>
      console.error(`inference: could not enqueue meter ${meter.id}: ${error.message}`),
    ),
  );
  if (stored.charted) {
    context.waitUntil(
      // Every member of the meter's home sees its charts move.
      publishToHome(context.env, context.db, meter.ownerId, "meter.readings", { meterId: meter.id, newestTs }).catch((error: Error) =>
        console.error(`live: could not notify the members of meter ${meter.id}: ${error.message}`),
      ),
    );
  }
}

/** Stores a meter's readings, then triggers what new readings trigger. */
export async function ingestReadings(context: IngestContext, meter: IngestingMeter, readings: Reading[]): Promise<IngestResult> {
  const stored = await storeReadings(context.db, meter, readings);
  announceReadings(context, meter, stored);
  // The answer keeps its shape; `expired` only appears when the meter's retention refused readings.
  return { accepted: stored.accepted, duplicates: stored.duplicates, ...(stored.expired > 0 ? { expired: stored.expired } : {}) };
}

/** The same instant twice in one batch is stored once (the first). */
function uniqueByInstant(readings: Reading[]): Reading[] {
  const seen = new Set<number>();
  return readings.filter((reading) => {
    const instant = Date.parse(reading.ts);
    if (seen.has(instant)) return false;
    seen.add(instant);
    return true;
  });
}

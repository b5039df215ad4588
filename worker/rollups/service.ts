import type { Database } from "../db/client";
import { inTransaction, type SqlClient, type Statement, sqlClientOf } from "../db/sql-client";
import { readingIntervalSql } from "../readings/energy-spans";
import {
  CLEAR_DAILY,
  CLEAR_HOURLY,
  DAILY_FROM_HOURLY,
  intervalCheckStatement,
  READINGS_EXTENT,
  type RefreshCondition,
  type RefreshRange,
  refreshStatement,
} from "./queries";

/**
 * Keeping the rollups exact. They are recomputed from raw readings, never adjusted, so late,
 * out-of-order and duplicate readings cannot make them drift: every stored batch recomputes, in
 * its own transaction, the hours its readings reach (storeReadings → maintainRollups). What
 * changes every hour at once (the meter's reading interval, its zone) marks the meter not ready
 * (reads go to raw) and queues a rebuild.
 */

/** A recompute covers at most this much time per statement (a month of minute data is 44,640 readings). */
const CHUNK_MS = 31 * 86_400_000;
const HOUR_MS = 3_600_000;
/** A stored reading interval further than this (relative) from the recent median gap is replaced, and the rollups rebuilt. */
const INTERVAL_TOLERANCE = 0.1;

export interface RefreshOutcome {
  /** Hourly and daily rows written (empty hours are deleted, not counted). */
  hours: number;
  days: number;
}

interface RefreshRow {
  hours: number;
  days: number;
  refreshed: boolean;
  stored_interval_ms: number | null;
  recent_interval_ms: number | null;
}

async function runRefresh(client: SqlClient, meterId: string, range: RefreshRange, condition: RefreshCondition): Promise<RefreshRow> {
  const { text, values } = refreshStatement(meterId, range, condition);
  const row = (await client.query(text, values)).rows[0] as RefreshRow;
  return {
    ...row,
    stored_interval_ms: row.stored_interval_ms === null ? null : Number(row.stored_interval_ms),
    recent_interval_ms: row.recent_interval_ms === null ? null : Number(row.recent_interval_ms),
  };
}

/**
 * Recomputes from raw readings the hourly rows of every UTC hour intersecting [from, to) (never an
 * hour before the meter's raw_kept_from), and the daily rows of the local days they touch,
 * whatever the meter's rollups_ready. Pass the transaction's client (or a database, for one
 * autocommitted statement per month of the range).
 */
export async function refreshRollups(
  tx: Database | SqlClient,
  meter: string | { id: string },
  from: Date,
  to: Date,
): Promise<RefreshOutcome> {
  const client = sqlClientOf(tx);
  const meterId = typeof meter === "string" ? meter : meter.id;
  const total = { hours: 0, days: 0 };
  // Chunks start on whole hours, so no hour is split between two statements.
  for (let start = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS; start < to.getTime(); start += CHUNK_MS) {
    const end = Math.min(start + CHUNK_MS, to.getTime());
    const row = await runRefresh(
      client,
      meterId,
      { kind: "hours", from: new Date(Math.max(start, from.getTime())), to: new Date(end) },
      "always",
    );
    total.hours += row.hours;
    total.days += row.days;
  }
  return total;
}

/**
 * Every hour the meter's retained readings reach, recomputed; with `clear`, the other hourly rows
 * (from the retention watermark on) deleted first and every daily row rebuilt from the hourly ones.
 */
async function refreshWholeMeter(client: SqlClient, meterId: string, clear: boolean): Promise<RefreshOutcome> {
  if (clear) await client.query(CLEAR_HOURLY, [meterId]);
  const extent = (await client.query(READINGS_EXTENT, [meterId])).rows[0] as
    | { first: Date | string | null; last: Date | string | null; interval_ms: number }
    | undefined;
  let outcome = { hours: 0, days: 0 };
  if (extent?.first && extent.last) {
    const reach = 1.5 * Number(extent.interval_ms) + 1;
    outcome = await refreshRollups(
      client,
      meterId,
      new Date(new Date(extent.first).getTime() - reach),
      new Date(new Date(extent.last).getTime() + reach),
    );
  }
  if (clear) {
    // Daily rows from every hourly row, those before the retention watermark included.
    await client.query(CLEAR_DAILY, [meterId]);
    const days = await client.query(`${DAILY_FROM_HOURLY} RETURNING 1`, [meterId]);
    outcome.days = days.rows.length;
  }
  return outcome;
}

/**
 * Rebuilds a meter's rollups from raw in one transaction: the meter locked (ingestion waits), its
 * reading interval recomputed (median gap of its last 500 readings), every hourly and daily row
 * recomputed, then rollups_ready set. Null when the meter no longer exists.
 */
export async function rebuildRollups(db: Database, meterId: string): Promise<RefreshOutcome | null> {
  return inTransaction(db, async (client) => {
    const locked = await client.query("SELECT rollups_ready FROM meters WHERE id = $1 FOR UPDATE", [meterId]);
    if (locked.rows.length === 0) return null;
    // Rebuilt since it was queued (a rebuild is queued by a change and again by the schedule).
    if ((locked.rows[0] as { rollups_ready: boolean }).rollups_ready) return { hours: 0, days: 0 };
    await client.query(`UPDATE meters SET reading_interval_ms = nullif((${readingIntervalSql("$1")}), 0) WHERE id = $1`, [meterId]);
    const outcome = await refreshWholeMeter(client, meterId, true);
    await client.query("UPDATE meters SET rollups_ready = true WHERE id = $1", [meterId]);
    return outcome;
  });
}

/** Readings were stored at first..last (one cluster of a batch). */
export interface StoredSpan {
  first: Date;
  last: Date;
}

/**
 * In the transaction that stored a batch (after the insert, which locked the meter's row): the
 * hours its readings reach recomputed, for a meter whose rollups are ready. Then the reading
 * interval: set when the meter had none (every hour recomputed with it), replaced when the recent
 * median gap moved by more than 10 % (the rollups are then marked not ready). Answers whether a
 * rebuild must be queued.
 */
export async function maintainRollups(client: SqlClient, meterId: string, stored: StoredSpan[]): Promise<boolean> {
  let last: RefreshRow | undefined;
  for (const span of stored) {
    last = await runRefresh(client, meterId, { kind: "change", ...span }, "ready");
    if (!last.refreshed) return false;
  }
  const recent = last?.recent_interval_ms ?? 0;
  if (!last || recent <= 0) return false;
  const current = last.stored_interval_ms;
  if (current === null) {
    // Every hour so far was computed without an interval (no cap): all recomputed with it.
    await client.query("UPDATE meters SET reading_interval_ms = $2 WHERE id = $1", [meterId, recent]);
    await refreshWholeMeter(client, meterId, false);
    return false;
  }
  if (Math.abs(recent - current) <= INTERVAL_TOLERANCE * current) return false;
  await client.query("UPDATE meters SET reading_interval_ms = $2, rollups_ready = false WHERE id = $1", [meterId, recent]);
  return true;
}

/**
 * maintainRollups as statements sent in one batch right after the insert of a batch whose
 * readings lie within first..last, since none needs an answer in between (rollups/queries.ts):
 * the interval check, then the refresh of the batch's hours. For a meter read without an interval
 * (`intervalKnown` false), the check may set its first one, and a third statement then recomputes
 * every hour with it; with one, that statement is left out (planning it alone costs several ms),
 * and should a rebuild have cleared the interval meanwhile, the check leaves it unset for a later
 * batch. Read their results with `rebuildAsked`.
 */
export function maintenanceStatements(meterId: string, first: Date, last: Date, intervalKnown: boolean): Statement[] {
  const statements = [
    intervalCheckStatement(meterId, INTERVAL_TOLERANCE, !intervalKnown),
    refreshStatement(meterId, { kind: "change", first, last }, "ready-after-insert"),
  ];
  if (!intervalKnown) statements.push(refreshStatement(meterId, { kind: "retained" }, "first-interval-set"));
  return statements;
}

/** Whether maintenanceStatements marked the rollups not ready (the interval moved): a rebuild must be queued. */
export function rebuildAsked(results: { rows: unknown[] }[]): boolean {
  return (results[0].rows[0] as { rebuild: boolean }).rebuild;
}

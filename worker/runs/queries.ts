import { and, asc, desc, eq, gte, lt, lte, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client";
import { modelRuns } from "../db/schema";

export type ModelRunRow = typeof modelRuns.$inferSelect;
export type NewModelRun = typeof modelRuns.$inferInsert;

export async function insertModelRun(db: Database | Transaction, run: NewModelRun): Promise<ModelRunRow> {
  const [row] = await db.insert(modelRuns).values(run).returning();
  return row;
}

/** The meter's newest run, or with `asOf` the newest stored by then (a replay's previous run). */
export async function latestModelRun(
  db: Database | Transaction,
  ownerId: string,
  meterId: string,
  asOf?: Date,
): Promise<ModelRunRow | undefined> {
  const [row] = await db
    .select()
    .from(modelRuns)
    .where(and(eq(modelRuns.meterId, meterId), eq(modelRuns.ownerId, ownerId), asOf ? lte(modelRuns.createdAt, asOf) : undefined))
    .orderBy(desc(modelRuns.createdAt))
    .limit(1);
  return row;
}

/**
 * latestModelRun of each meter (its owner's newest run) in one statement: the schedule's budget
 * rules of a whole round. Each meter's newest id comes from the (meter_id, created_at) index.
 */
export async function latestModelRuns(db: Database, meterIds: string[]): Promise<Map<string, ModelRunRow>> {
  if (meterIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(modelRuns)
    .where(
      sql`${modelRuns.id} IN (SELECT (SELECT r.id FROM model_runs r WHERE r.meter_id = m.id AND r.owner_id = m.owner_id ORDER BY r.created_at DESC LIMIT 1) FROM meters m WHERE m.id IN ${meterIds})`,
    );
  return new Map(rows.map((row) => [row.meterId, row]));
}

/** What scoring a forecast needs: when it was issued and what it (and the model) forecast. */
export type IssuedForecast = Pick<ModelRunRow, "inputTo" | "forecastKwh" | "modelForecastKwh">;

/** What the accuracy report needs of a run: its forecast, band and plan. */
export type IssuedRun = IssuedForecast & Pick<ModelRunRow, "forecastP10" | "forecastP90" | "forecastMethod" | "plan" | "figures">;

/** Of several runs issued the same hour, the last (rolling runs every quarter hour would otherwise count four times). */
const oneRunPerIssueHour = (ownerId: string, meterId: string, from: Date, to: Date) =>
  and(eq(modelRuns.meterId, meterId), eq(modelRuns.ownerId, ownerId), gte(modelRuns.inputTo, from), lt(modelRuns.inputTo, to));

/** The meter's forecasts issued in [from, to), oldest first, without their plans (the fallback's check, every run). */
export async function forecastsIssuedBetween(
  db: Database | Transaction,
  ownerId: string,
  meterId: string,
  from: Date,
  to: Date,
): Promise<IssuedForecast[]> {
  return db
    .selectDistinctOn([modelRuns.inputTo], {
      inputTo: modelRuns.inputTo,
      forecastKwh: modelRuns.forecastKwh,
      modelForecastKwh: modelRuns.modelForecastKwh,
    })
    .from(modelRuns)
    .where(oneRunPerIssueHour(ownerId, meterId, from, to))
    .orderBy(asc(modelRuns.inputTo), desc(modelRuns.createdAt));
}

/** The meter's runs issued in [from, to), oldest first. */
export async function runsIssuedBetween(
  db: Database | Transaction,
  ownerId: string,
  meterId: string,
  from: Date,
  to: Date,
): Promise<IssuedRun[]> {
  return db
    .selectDistinctOn([modelRuns.inputTo], {
      inputTo: modelRuns.inputTo,
      forecastKwh: modelRuns.forecastKwh,
      forecastP10: modelRuns.forecastP10,
      forecastP90: modelRuns.forecastP90,
      forecastMethod: modelRuns.forecastMethod,
      modelForecastKwh: modelRuns.modelForecastKwh,
      plan: modelRuns.plan,
      figures: modelRuns.figures,
    })
    .from(modelRuns)
    .where(oneRunPerIssueHour(ownerId, meterId, from, to))
    .orderBy(asc(modelRuns.inputTo), desc(modelRuns.createdAt));
}

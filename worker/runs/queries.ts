import { and, asc, desc, eq, gte, lt, lte } from "drizzle-orm";
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

/** What scoring needs of a run: when it was issued, what it forecast and planned. */
export type IssuedRun = Pick<
  ModelRunRow,
  "inputTo" | "forecastKwh" | "forecastP10" | "forecastP90" | "forecastMethod" | "modelForecastKwh" | "plan" | "figures"
>;

/** The meter's runs issued in [from, to), oldest first; of several runs issued the same hour, the last. */
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
    .where(and(eq(modelRuns.meterId, meterId), eq(modelRuns.ownerId, ownerId), gte(modelRuns.inputTo, from), lt(modelRuns.inputTo, to)))
    .orderBy(asc(modelRuns.inputTo), desc(modelRuns.createdAt));
}

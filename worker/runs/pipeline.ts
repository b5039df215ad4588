import { userHub } from "../../durable-objects/user-hub/stub";
import { evaluateRunRules } from "../alerts/rules-evaluation";
import type { Database } from "../db/client";
import type { Env } from "../env";
import type { MeterRow } from "../meters/queries";
import type { NotificationRow } from "../notifications/queries";
import { composeFindingNotifications, insertNotifications, publishNotifications } from "../notifications/service";
import { insertModelRun, type ModelRunRow } from "./queries";
import { type RunTimings, runModel, type SkippedRun } from "./run-model";

export type RunOutcome = { status: "ran"; run: ModelRunRow; timings: RunTimings } | SkippedRun;

/**
 * A run of one meter from start to finish, for the queue, the API and the chat alike:
 * 1. compute the forecast, plan and findings (reads only);
 * 2. compose the notifications the findings call for, with the UserHub's chat quotes, outside
 *    any transaction, so a slow hub never holds a Postgres transaction open;
 * 3. store the run and its notifications in one transaction: if Postgres fails midway, neither
 *    is left behind and a retry starts clean;
 * 4. after the commit, tell the person's open tabs;
 * 5. judge the meter's budget, forecast and anomaly rules on the new run.
 */
export async function runAndPublish(env: Env, db: Database, meter: MeterRow, trigger: "auto" | "manual"): Promise<RunOutcome> {
  const now = new Date();
  const outcome = await runModel(db, meter, trigger, now);
  if (outcome.status !== "ran") return outcome;
  const drafts = await composeFindingNotifications(env, db, meter, outcome.run.findings, now);
  const { run, notifications } = await db.transaction(async (tx) => {
    const run = await insertModelRun(tx, outcome.run);
    return { run, notifications: await insertNotifications(tx, run.id, drafts) };
  });
  // The run is stored: a lost live event must not make the queue run it again (the inbox has it).
  await publishRun(env, meter, run, notifications).catch((error: Error) =>
    console.error(`live: could not publish run ${run.id} of meter ${meter.id}: ${error.message}`),
  );
  // The run is stored either way: a rule that fails to evaluate waits for the next run or schedule.
  await evaluateRunRules(env, db, meter, run, now).catch((error: Error) =>
    console.error(`alerts: evaluation of run ${run.id}'s rules failed for meter ${meter.id}: ${error.message.split("\n")[0]}`),
  );
  return { status: "ran", run, timings: outcome.timings };
}

/**
 * A run as it would have gone at `asOf`, from the data known then (the forecast's history ends
 * there; its planning state is today's): stored as issued then, so the accuracy record covers
 * history imported or replayed before the meter was live. A past run tells nobody.
 */
export async function replayRun(db: Database, meter: MeterRow, asOf: Date): Promise<RunOutcome> {
  const outcome = await runModel(db, meter, "manual", asOf);
  if (outcome.status !== "ran") return outcome;
  const run = await insertModelRun(db, { ...outcome.run, createdAt: asOf });
  return { status: "ran", run, timings: outcome.timings };
}

/** Tells the user's open tabs about the run, and pushes its notifications. */
async function publishRun(env: Env, meter: MeterRow, run: ModelRunRow, notifications: NotificationRow[]): Promise<void> {
  await userHub(env, meter.ownerId).publish("model.run", {
    runId: run.id,
    meterId: meter.id,
    meterName: meter.name,
    trigger: run.trigger,
    findings: run.findings,
    figures: run.figures,
  });
  await publishNotifications(env, notifications);
}

import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { insertModelRun, type ModelRunRow } from "./queries";
import type { NotificationRow } from "../notifications/queries";
import type { Env } from "../env";
import { storeFindingNotifications } from "../notifications/compose";
import { notificationDto } from "../notifications/dto";
import { userHub } from "../../durable-objects/user-hub/stub";
import { runModel, type RunOutcome } from "./run-model";

/**
 * Runs the model and stores the run with the notifications its findings call for in one
 * transaction: if Postgres fails midway, neither is left behind and a retry starts clean. The
 * live events go out after the commit.
 */
export async function runAndPublish(env: Env, db: Database, meter: MeterRow, trigger: "auto" | "manual"): Promise<RunOutcome> {
  let notifications: NotificationRow[] = [];
  const outcome = await runModel(db, meter, trigger, new Date(), (run) =>
    db.transaction(async (tx) => {
      const row = await insertModelRun(tx, run);
      notifications = await storeFindingNotifications(env, tx, meter, row);
      return row;
    }),
  );
  if (outcome.status === "ran") {
    // The run is stored: a lost live event must not make the queue run it again (the inbox has it).
    await publishRun(env, meter, outcome.run, notifications).catch((error: Error) => console.error(`live: could not publish run ${outcome.run.id} of meter ${meter.id}: ${error.message}`));
  }
  return outcome;
}

/** Tells the user's open tabs about the run, and pushes its notifications. */
async function publishRun(env: Env, meter: MeterRow, run: ModelRunRow, notifications: NotificationRow[]): Promise<void> {
  const hub = userHub(env, meter.ownerId);
  await hub.publish("model.run", {
    runId: run.id,
    meterId: meter.id,
    meterName: meter.name,
    trigger: run.trigger,
    findings: run.findings,
    figures: run.figures,
  });
  for (const notification of notifications) await hub.publish("notification", notificationDto(notification));
}

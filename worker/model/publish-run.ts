import type { Database } from "../db/client";
import type { MeterRow } from "../db/meters";
import type { ModelRunRow } from "../db/model-runs";
import type { Env } from "../env";
import { notifyFindings } from "../notifications/compose";
import { userHub } from "../user-hub";

/** After a stored run: tell the user's open tabs, and turn its findings into notifications. */
export async function afterRun(env: Env, db: Database, meter: MeterRow, run: ModelRunRow): Promise<void> {
  const hub = userHub(env, meter.ownerId);
  await hub.publish("model.run", {
    runId: run.id,
    meterId: meter.id,
    meterName: meter.name,
    trigger: run.trigger,
    findings: run.findings,
    figures: run.figures,
  });
  await notifyFindings(env, db, meter, run);
}

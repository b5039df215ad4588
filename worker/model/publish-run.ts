import type { MeterRow } from "../db/meters";
import type { ModelRunRow } from "../db/model-runs";
import type { Env } from "../env";

/** Tells the user's UserHub that a run finished, with its findings (the hub turns them into notifications). */
export async function publishRunFinished(env: Env, meter: MeterRow, run: ModelRunRow): Promise<void> {
  const hub = env.USER_HUB.get(env.USER_HUB.idFromName(meter.ownerId));
  await hub.publish("model.run", {
    runId: run.id,
    meterId: meter.id,
    meterName: meter.name,
    trigger: run.trigger,
    findings: run.findings,
    figures: run.figures,
  });
}

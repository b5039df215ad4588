import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import { ApiError } from "../errors";
import { requireRole } from "../homes/policy";
import { requireMeter } from "../meters/service";
import type { ChatOrigin } from "../notifications/compose";
import { notifyRequestedRun } from "../notifications/service";
import type { FailedRuns, ModelRun, ReplayRunRequest } from "./contract";
import { explainRun } from "./explain";
import { replayRun, runAndPublish } from "./pipeline";
import { latestModelRun, type ModelRunRow } from "./queries";
import { MIN_HISTORY_HOURS, type RunTimings, type SkippedRun } from "./run-model";

/** A stored run as the API and the chat show it, explained in the meter's time zone. */
function modelRunDto(run: ModelRunRow, timezone: string): ModelRun {
  return {
    id: run.id,
    meterId: run.meterId,
    trigger: run.trigger,
    modelVersion: run.modelVersion,
    inputFrom: run.inputFrom.toISOString(),
    inputTo: run.inputTo.toISOString(),
    forecastKwh: run.forecastKwh,
    forecastP10: run.forecastP10,
    forecastP90: run.forecastP90,
    forecastMethod: run.forecastMethod,
    plan: run.plan,
    figures: run.figures,
    findings: run.findings,
    explanation: explainRun(run, timezone),
    createdAt: run.createdAt.toISOString(),
  };
}

/**
 * A person's request to forecast and plan one meter now: the run and its findings'
 * notifications are stored together, as for queued runs. Asked in a chat (`chat`), a
 * notification also links the answer back to that message. 409 when the meter's history is too
 * short for a forecast.
 */
export async function requestRun(actor: Actor, meterId: string, chat?: ChatOrigin): Promise<{ run: ModelRun; timings: RunTimings }> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const outcome = await runAndPublish(actor.env, actor.db, meter, "manual");
  if (outcome.status !== "ran") throw notEnoughHistory(meter.name, outcome);
  const run = modelRunDto(outcome.run, meter.timezone);
  if (chat) await notifyRequestedRun(actor, meter, run.id, chat, run.explanation);
  return { run, timings: outcome.timings };
}

/** A manual run only skips for lack of history. */
function notEnoughHistory(meterName: string, outcome: SkippedRun): ApiError {
  const hours = outcome.status === "not_enough_data" ? outcome.hoursWithData : 0;
  return new ApiError(
    409,
    "not_enough_history",
    `The forecast needs at least ${MIN_HISTORY_HOURS} hours of readings in the 7 days before it; ${meterName} has ${hours}.`,
    { hoursWithData: hours },
  );
}

/**
 * The run the meter would have had at a past hour, from the data known then, stored as issued
 * then (no notification): fills the accuracy record for history that arrived in bulk. 409
 * without 72 hours of readings in the week before it.
 */
export async function requestReplay(actor: Actor, meterId: string, request: ReplayRunRequest): Promise<ModelRun> {
  requireRole(actor, "editor");
  requireRole(actor, "editor");
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const outcome = await replayRun(actor.db, meter, new Date(request.asOf));
  if (outcome.status !== "ran") throw notEnoughHistory(meter.name, outcome);
  return modelRunDto(outcome.run, meter.timezone);
}

/** The meter's latest run, or null before its first; 404 for a missing or foreign meter. */
export async function latestRun(actor: Actor, meterId: string): Promise<{ meterName: string; run: ModelRun | null }> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const run = await latestModelRun(actor.db, actor.homeId, meter.id);
  return { meterName: meter.name, run: run ? modelRunDto(run, meter.timezone) : null };
}

/** The API's latest run: a meter without one yet is a 404 that says how to get one. */
export async function requireLatestRun(actor: Actor, meterId: string): Promise<ModelRun> {
  const { run } = await latestRun(actor, meterId);
  if (!run)
    throw new ApiError(
      404,
      "no_run_yet",
      "This meter has no model run yet: it runs by itself when readings arrive, or POST /api/meters/:id/runs",
    );
  return run;
}

/**
 * Queued runs of the home's meters that failed every retry, kept by the hub named by the home's id
 * (the dead letter consumer records there without asking Postgres, which may be why they failed);
 * for a personal home that is the person's own hub.
 */
export async function failedRuns(actor: Actor): Promise<FailedRuns> {
  return { items: await userHub(actor.env, actor.homeId).failedRuns() };
}

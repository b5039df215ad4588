import { getMeter } from "../meters/queries";
import { latestModelRun } from "./queries";
import { ApiError, notFound } from "../errors";
import { explainRun, MIN_HISTORY_HOURS } from "./run-model";
import { runAndPublish } from "./pipeline";
import { notifyRequestedRun } from "../notifications/compose";
import { requireMeter } from "../meters/service";
import { implement } from "../chat/tools/tool";

/** Chat tools over model runs. */
export const runTools = [
  implement("run_model", {
    async run(context, { meterId }) {
      const meter = await requireMeter(context.db, context.userId, meterId);
      // The run and its findings' notifications are stored together, as for queued runs.
      const outcome = await runAndPublish(context.env, context.db, meter, "manual");
      if (outcome.status !== "ran") {
        const hours = outcome.status === "not_enough_data" ? outcome.hoursWithData : 0;
        throw new ApiError(409, "not_enough_history", `The forecast needs at least ${MIN_HISTORY_HOURS} hours of readings in the last 7 days; ${meter.name} has ${hours}.`);
      }
      const explanation = explainRun(outcome.run, meter.timezone);
      await notifyRequestedRun(context.env, context.db, meter, outcome.run, { id: context.sessionId, title: context.sessionTitle, messageId: context.messageId, at: context.messageAt }, explanation);
      return { result: { runId: outcome.run.id, figures: outcome.run.figures, findings: outcome.run.findings, explanation }, summary: explanation };
    },
  }),
  implement("explain_plan", {
    async run(context, { meterId }) {
      const meter = await requireMeter(context.db, context.userId, meterId);
      const run = await latestModelRun(context.db, context.userId, meter.id);
      if (!run) return { result: null, summary: `${meter.name} has no forecast yet: run the model first.` };
      const explanation = explainRun(run, meter.timezone);
      return { result: { runId: run.id, createdAt: run.createdAt.toISOString(), explanation, findings: run.findings }, summary: explanation };
    },
  }),
] as const;

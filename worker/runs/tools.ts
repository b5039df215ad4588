import { implement } from "../chat/tools/tool";
import { latestRun, requestRun } from "./service";

/** Chat tools over model runs: the API's operations, with a summary for the person. */
export const runTools = [
  implement("run_model", {
    async run(context, { meterId }) {
      const { run } = await requestRun(context, meterId, {
        sessionId: context.sessionId,
        sessionTitle: context.sessionTitle,
        messageId: context.messageId,
        at: context.messageAt,
      });
      return {
        result: { runId: run.id, figures: run.figures, findings: run.findings, explanation: run.explanation },
        summary: run.explanation,
      };
    },
  }),
  implement("explain_plan", {
    async run(context, { meterId }) {
      const { meterName, run } = await latestRun(context, meterId);
      if (!run) return { result: null, summary: `${meterName} has no forecast yet: run the model first.` };
      return {
        result: { runId: run.id, createdAt: run.createdAt, explanation: run.explanation, findings: run.findings },
        summary: run.explanation,
      };
    },
  }),
] as const;

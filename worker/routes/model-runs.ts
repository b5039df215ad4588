import { createRoute } from "@hono/zod-openapi";
import { getMeter } from "../meters/queries";
import { latestModelRun, type ModelRunRow } from "../runs/queries";
import { ApiError, errorResponses, notFound } from "../errors";
import type { Env } from "../env";
import { explainRun, MIN_HISTORY_HOURS } from "../runs/run-model";
import { runAndPublish } from "../runs/pipeline";
import { FailedRun, ModelRun } from "../runs/contract";
import { userHub } from "../../durable-objects/user-hub/stub";
import { z } from "zod";
import { bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

export const modelRunsRoutes = createRouter();

function runDto(run: ModelRunRow, timezone: string): ModelRun {
  return {
    id: run.id,
    meterId: run.meterId,
    trigger: run.trigger,
    modelVersion: run.modelVersion,
    inputFrom: run.inputFrom.toISOString(),
    inputTo: run.inputTo.toISOString(),
    forecastKwh: run.forecastKwh,
    plan: run.plan,
    figures: run.figures,
    findings: run.findings,
    explanation: explainRun(run, timezone),
    createdAt: run.createdAt.toISOString(),
  };
}

modelRunsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters/{id}/runs",
    tags: ["model"],
    summary: "Forecast the meter's next 24 hours and plan its flexible assets now",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 201: jsonResponse("The stored run", ModelRun), ...errorResponses(401, 404, 409) },
  }),
  async (c) => {
    const meter = await getMeter(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Meter"));
    if (!meter) throw notFound("Meter");
    const outcome = await runAndPublish(c.env as Env, c.var.db, meter, "manual");
    if (outcome.status !== "ran") {
      const hours = outcome.status === "not_enough_data" ? outcome.hoursWithData : 0;
      throw new ApiError(409, "not_enough_history", `The forecast needs at least ${MIN_HISTORY_HOURS} hours of readings in the last 7 days; this meter has ${hours}.`, { hoursWithData: hours });
    }
    const { session, forecast, plan } = outcome.timings;
    c.header("Server-Timing", `session;dur=${session.toFixed(2)}, forecast;dur=${forecast.toFixed(2)}, plan;dur=${plan.toFixed(2)}`);
    return c.json(runDto(outcome.run, meter.timezone), 201);
  },
);

modelRunsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/runs/latest",
    tags: ["model"],
    summary: "The meter's latest forecast and plan",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The latest run", ModelRun), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const meter = await getMeter(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Meter"));
    if (!meter) throw notFound("Meter");
    const run = await latestModelRun(c.var.db, c.var.user.id, meter.id);
    if (!run) throw new ApiError(404, "no_run_yet", "This meter has no model run yet: it runs by itself when readings arrive, or POST /api/meters/:id/runs");
    return c.json(runDto(run, meter.timezone), 200);
  },
);

modelRunsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/model-runs/failed",
    tags: ["model"],
    summary: "Queued runs of the person's meters that failed every retry (the dead letter queue), newest first",
    security: bearerAuth,
    responses: { 200: jsonResponse("Failed runs", z.object({ items: z.array(FailedRun) })), ...errorResponses(401) },
  }),
  async (c) => c.json({ items: await userHub(c.env, c.var.user.id).failedRuns() }, 200),
);

import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { FailedRuns, ModelRun, ReplayRunRequest } from "../runs/contract";
import { failedRuns, requestReplay, requestRun, requireLatestRun } from "../runs/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const modelRunsRoutes = createRouter();

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
    const { run, timings } = await requestRun(actorOf(c), resourceId(c.req.valid("param").id, "Meter"));
    c.header(
      "Server-Timing",
      `session;dur=${timings.session.toFixed(2)}, forecast;dur=${timings.forecast.toFixed(2)}, plan;dur=${timings.plan.toFixed(2)}`,
    );
    return c.json(run, 201);
  },
);

modelRunsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters/{id}/runs/replays",
    tags: ["model"],
    summary:
      "Run the model as it would have run at a past hour, from the readings known then (fills the accuracy record of imported history)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(ReplayRunRequest) },
    responses: { 201: jsonResponse("The stored run, issued at that hour", ModelRun), ...errorResponses(400, 401, 404, 409) },
  }),
  async (c) => c.json(await requestReplay(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("json")), 201),
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
  async (c) => c.json(await requireLatestRun(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

modelRunsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/model-runs/failed",
    tags: ["model"],
    summary: "Queued runs of the person's meters that failed every retry (the dead letter queue), newest first",
    security: bearerAuth,
    responses: { 200: jsonResponse("Failed runs", FailedRuns), ...errorResponses(401) },
  }),
  async (c) => c.json(await failedRuns(actorOf(c)), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import { Chart, CreateChartBody, UpdateChartBody } from "../charts/contract";
import { createChart, deleteChart, getChart, updateChart } from "../charts/service";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const chartsRoutes = createRouter();

chartsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/charts",
    tags: ["charts"],
    summary: "Create a chart on one of the user's tabs",
    security: bearerAuth,
    request: jsonBody(CreateChartBody),
    responses: { 201: jsonResponse("The new chart", Chart), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await createChart(actorOf(c), { ...c.req.valid("json"), source: "manual" }), 201),
);

chartsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/charts/{id}",
    tags: ["charts"],
    summary: "Get a chart",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The chart", Chart), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getChart(actorOf(c), resourceId(c.req.valid("param").id, "Chart")), 200),
);

chartsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/charts/{id}",
    tags: ["charts"],
    summary: "Change a chart's title, spec or layout, or move it to another tab",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateChartBody) },
    responses: { 200: jsonResponse("The updated chart", Chart), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateChart(actorOf(c), resourceId(c.req.valid("param").id, "Chart"), c.req.valid("json")), 200),
);

chartsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/charts/{id}",
    tags: ["charts"],
    summary: "Delete a chart",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteChart(actorOf(c), resourceId(c.req.valid("param").id, "Chart")), 200),
);

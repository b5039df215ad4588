import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { createChart, deleteChart, getChart, updateChart } from "../charts/queries";
import { errorResponses, notFound } from "../errors";
import { Chart, CreateChartBody, UpdateChartBody } from "../charts/contract";
import { chartDto } from "./dto";
import { bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const chartsRoutes = createRouter();

const MISSING = { chart: "Chart", tab: "Tab", meter: "Meter" } as const;

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
  async (c) => {
    const body = c.req.valid("json");
    const result = await createChart(c.var.db, c.var.user.id, { ...body, source: "manual" });
    if (!result.ok) throw notFound(MISSING[result.missing]);
    return c.json(chartDto(result.chart), 201);
  },
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
  async (c) => {
    const chart = await getChart(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Chart"));
    if (!chart) throw notFound("Chart");
    return c.json(chartDto(chart), 200);
  },
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
  async (c) => {
    const id = resourceId(c.req.valid("param").id, "Chart");
    const result = await updateChart(c.var.db, c.var.user.id, id, c.req.valid("json"));
    if (!result.ok) throw notFound(MISSING[result.missing]);
    return c.json(chartDto(result.chart), 200);
  },
);

chartsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/charts/{id}",
    tags: ["charts"],
    summary: "Delete a chart",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", z.object({ deleted: z.literal(true) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const deleted = await deleteChart(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Chart"));
    if (!deleted) throw notFound("Chart");
    return c.json({ deleted: true as const }, 200);
  },
);

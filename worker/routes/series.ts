import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { ManySeriesQuery, SeriesQuery, SeriesSet, SingleSeries, UsageQuery, UsageSummary } from "../series/contract";
import { meterSeries, seriesSet, usageSummary } from "../series/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

/** What meters read: bucketed series and usage figures over a window. */
export const seriesRoutes = createRouter();

seriesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/series",
    tags: ["series"],
    summary: "A meter's readings in time buckets (avg/min/max/sum), never more than `points` buckets",
    security: bearerAuth,
    request: { params: IdParam, query: SeriesQuery },
    responses: { 200: jsonResponse("The series", SingleSeries), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await meterSeries(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("query")), 200),
);

seriesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/series",
    tags: ["series"],
    summary: "Series of several meters (comma-separated meterIds) for stacked and comparison charts",
    security: bearerAuth,
    request: { query: ManySeriesQuery },
    responses: { 200: jsonResponse("One series per meter, in the order asked", SeriesSet), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await seriesSet(actorOf(c), c.req.valid("query")), 200),
);

seriesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/usage",
    tags: ["series"],
    summary: "A meter's energy, peak, base load and power quality over a relative window, with the share of each of its device sub-meters",
    security: bearerAuth,
    request: { params: IdParam, query: UsageQuery },
    responses: { 200: jsonResponse("The usage summary", UsageSummary), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await usageSummary(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("query").window), 200),
);

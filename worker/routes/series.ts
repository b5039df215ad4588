import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { errorResponses } from "../errors";
import { Bucket, Metric, RELATIVE_WINDOWS } from "../charts/chart-spec-contract";
import { SeriesSet, SingleSeries } from "../series/contract";
import { DEFAULT_POINTS, loadSeries, MAX_POINTS } from "../series/service";
import { bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

export const seriesRoutes = createRouter();

const TEN_YEARS_MS = 10 * 366 * 86_400_000;

const windowShape = {
  metric: Metric.default("power_w"),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** A relative window instead of from/to; "this_month" and "this_year" follow the meter's calendar. */
  window: z.enum(RELATIVE_WINDOWS).optional(),
  points: z.coerce.number().int().min(1).max(MAX_POINTS).default(DEFAULT_POINTS),
  bucket: Bucket.default("auto"),
};

function withWindowRules<T extends z.ZodObject<typeof windowShape>>(schema: T) {
  return schema
    .refine((q) => !(q.window && (q.from || q.to)), { path: ["window"], message: "give either window or from/to, not both" })
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be later than from" })
    .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= TEN_YEARS_MS, { path: ["from"], message: "the window may span at most 10 years" });
}

const SeriesQuery = withWindowRules(z.object(windowShape));
const ManySeriesQuery = withWindowRules(
  z.object({
    ...windowShape,
    meterIds: z
      .string()
      .transform((ids) => ids.split(",").map((id) => id.trim().toLowerCase()))
      .pipe(z.array(z.uuid()).min(1).max(12)),
  }),
);

function seriesRequest(query: z.infer<typeof SeriesQuery>, meterIds: string[]) {
  return {
    meterIds,
    metric: query.metric,
    window: query.window ? { kind: "relative" as const, preset: query.window } : undefined,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    points: query.points,
    bucket: query.bucket,
  };
}

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
  async (c) => {
    const id = resourceId(c.req.valid("param").id, "Meter");
    const result = await loadSeries(c.var.db, c.var.user.id, seriesRequest(c.req.valid("query"), [id]));
    return c.json({ metric: result.metric, unit: result.unit, ...result.series[0] }, 200);
  },
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
  async (c) => {
    const query = c.req.valid("query");
    return c.json(await loadSeries(c.var.db, c.var.user.id, seriesRequest(query, query.meterIds)), 200);
  },
);

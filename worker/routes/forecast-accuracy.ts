import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { forecastAccuracy } from "../runs/accuracy";
import { ForecastAccuracy, ForecastAccuracyQuery } from "../runs/contract";
import { actorOf, bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

export const forecastAccuracyRoutes = createRouter();

forecastAccuracyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/forecast-accuracy",
    tags: ["model"],
    summary:
      "How the meter's stored forecasts did against what then happened, by lead time, next to the persistence baselines, and what the plans saved",
    security: bearerAuth,
    request: { params: IdParam, query: ForecastAccuracyQuery },
    responses: { 200: jsonResponse("Accuracy over the last days", ForecastAccuracy), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await forecastAccuracy(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("query")), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { dataRetention, saveDataRetention } from "../rollups/retention";
import { DataRetention, DataRetentionChoice } from "../rollups/retention-contract";
import { actorOf, bearerAuth, createRouter, jsonBody, jsonResponse } from "./router";

export const dataRetentionRoutes = createRouter();

dataRetentionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/data-retention",
    tags: ["meters"],
    summary: "How long raw readings are kept (hourly and daily totals are kept for good)",
    security: bearerAuth,
    responses: { 200: jsonResponse("What is kept", DataRetention), ...errorResponses(401) },
  }),
  async (c) => c.json(await dataRetention(actorOf(c)), 200),
);

dataRetentionRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/data-retention",
    tags: ["meters"],
    summary: "Keep raw readings for a number of days (null: for good); applied within 5 minutes",
    security: bearerAuth,
    request: jsonBody(DataRetentionChoice),
    responses: { 200: jsonResponse("Saved", DataRetention), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await saveDataRetention(actorOf(c), c.req.valid("json")), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { MeterSummary, SummaryQuery } from "../costs/contract";
import { meterSummary } from "../costs/summary";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

/** What a meter used and cost over calendar periods. */
export const summariesRoutes = createRouter();

summariesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/summary",
    tags: ["series"],
    summary:
      "A meter's energy, cost, standing charge and peak over a calendar day, week, month or year in its zone, against the period before, split across its devices plus untracked",
    security: bearerAuth,
    request: { params: IdParam, query: SummaryQuery },
    responses: { 200: jsonResponse("The summary", MeterSummary), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await meterSummary(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("query")), 200),
);

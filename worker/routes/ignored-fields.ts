import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { listIgnoredFields } from "../readings/ignored-fields";
import { IgnoredFieldList } from "../readings/influx-contract";
import { actorOf, bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

export const ignoredFieldsRoutes = createRouter();

ignoredFieldsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/ignored-fields",
    tags: ["meters"],
    summary: "Fields the meter's senders write (line protocol) that map to no metric, most recently seen first",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Ignored fields", IgnoredFieldList), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await listIgnoredFields(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { AuditList, AuditQuery } from "../audit/contract";
import { listAudit } from "../audit/service";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonResponse } from "./router";

export const auditRoutes = createRouter();

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/homes/{id}/audit",
    tags: ["homes"],
    summary: "Who did what in the home, newest first (owners; kept a year)",
    security: bearerAuth,
    request: { params: IdParam, query: AuditQuery },
    responses: { 200: jsonResponse("Events", AuditList), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => c.json(await listAudit(actorOf(c), c.req.valid("query")), 200),
);

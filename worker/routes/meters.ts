import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { CreateMeterBody, DeleteMeterQuery, Meter, MeterDeleted, MeterList, MeterWithWebhook, UpdateMeterBody } from "../meters/contract";
import { createMeter, deleteMeter, getMeter, listMeters, rotateWebhookSecret, updateMeter } from "../meters/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const metersRoutes = createRouter();

metersRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters",
    tags: ["meters"],
    summary: "List the user's meters",
    security: bearerAuth,
    responses: { 200: jsonResponse("Meters", MeterList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listMeters(actorOf(c)), 200),
);

metersRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters",
    tags: ["meters"],
    summary: "Create a meter; the response holds its webhook secret, shown only this once",
    security: bearerAuth,
    request: jsonBody(CreateMeterBody),
    responses: { 201: jsonResponse("The meter and its webhook credentials", MeterWithWebhook), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await createMeter(actorOf(c), c.req.valid("json")), 201),
);

metersRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}",
    tags: ["meters"],
    summary: "Get a meter (without its secret)",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The meter", Meter), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getMeter(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

metersRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/meters/{id}",
    tags: ["meters"],
    summary: "Rename a meter, change its time zone, tariff or flexible assets, or move a device under another site",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateMeterBody) },
    responses: { 200: jsonResponse("The meter", Meter), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateMeter(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("json")), 200),
);

metersRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/meters/{id}",
    tags: ["meters"],
    summary: "Delete a meter and all its readings; needs ?confirm=<meter id> because it cannot be undone",
    security: bearerAuth,
    request: { params: IdParam, query: DeleteMeterQuery },
    responses: { 200: jsonResponse("Deleted", MeterDeleted), ...errorResponses(401, 404, 409) },
  }),
  async (c) => c.json(await deleteMeter(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("query").confirm), 200),
);

metersRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters/{id}/webhook/rotate",
    tags: ["meters"],
    summary: "Issue a new webhook secret; the previous one keeps working for 24 hours",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The meter and its new webhook credentials", MeterWithWebhook), ...errorResponses(401, 404, 409) },
  }),
  async (c) => c.json(await rotateWebhookSecret(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

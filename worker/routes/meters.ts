import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { countReadings, createMeter, deleteMeter, getMeter, listMeters, rotateWebhookKey, updateMeter, type MeterRow } from "../meters/queries";
import { ApiError, errorResponses, notFound } from "../errors";
import { webhookSecret } from "../meters/webhook-secrets";
import { CreateMeterBody, Meter, MeterWithWebhook, UpdateMeterBody } from "../meters/contract";
import { bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

/** How long a rotated-out webhook secret keeps working, so installers can update meters calmly. */
export const WEBHOOK_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export const metersRoutes = createRouter();

function webhookUrl(requestUrl: string, meterId: string): string {
  return new URL(`/api/ingest/${meterId}`, requestUrl).toString();
}

function meterDto(row: MeterRow, requestUrl: string): Meter {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    kind: row.kind,
    parentId: row.parentId,
    lastReadingAt: row.lastReadingAt?.toISOString() ?? null,
    tariff: row.tariff,
    assets: row.assets,
    createdAt: row.createdAt.toISOString(),
    webhookUrl: webhookUrl(requestUrl, row.id),
  };
}

function masterKey(key: string | undefined): string {
  if (!key) throw new ApiError(503, "webhook_key_unconfigured", "WEBHOOK_SECRET_KEY is not set on the Worker: see the README's configuration section");
  return key;
}

async function withCredentials(row: MeterRow, requestUrl: string, key: string | undefined) {
  return {
    ...meterDto(row, requestUrl),
    webhook: {
      url: webhookUrl(requestUrl, row.id),
      secret: await webhookSecret(masterKey(key), row.id, row.webhookKeyVersion),
      previousSecretValidUntil: row.previousKeyExpiresAt && row.previousKeyExpiresAt > new Date() ? row.previousKeyExpiresAt.toISOString() : null,
    },
  };
}

metersRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters",
    tags: ["meters"],
    summary: "List the user's meters",
    security: bearerAuth,
    responses: { 200: jsonResponse("Meters", z.object({ meters: z.array(Meter) })), ...errorResponses(401) },
  }),
  async (c) => c.json({ meters: (await listMeters(c.var.db, c.var.user.id)).map((m) => meterDto(m, c.req.url)) }, 200),
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
  async (c) => {
    masterKey(c.env.WEBHOOK_SECRET_KEY);
    const result = await createMeter(c.var.db, c.var.user.id, c.req.valid("json"));
    if (!result.ok) throw notFound("Parent site meter");
    return c.json(await withCredentials(result.meter, c.req.url, c.env.WEBHOOK_SECRET_KEY), 201);
  },
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
  async (c) => {
    const meter = await getMeter(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Meter"));
    if (!meter) throw notFound("Meter");
    return c.json(meterDto(meter, c.req.url), 200);
  },
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
  async (c) => {
    const result = await updateMeter(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Meter"), c.req.valid("json"));
    if (!result.ok) throw notFound(result.missing === "parent" ? "Parent site meter" : "Meter");
    return c.json(meterDto(result.meter, c.req.url), 200);
  },
);

metersRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/meters/{id}",
    tags: ["meters"],
    summary: "Delete a meter and all its readings; needs ?confirm=<meter id> because it cannot be undone",
    security: bearerAuth,
    request: { params: IdParam, query: z.object({ confirm: z.string().optional() }) },
    responses: {
      200: jsonResponse("Deleted", z.object({ deleted: z.literal(true), readingsDeleted: z.int() })),
      ...errorResponses(401, 404, 409),
    },
  }),
  async (c) => {
    const id = resourceId(c.req.valid("param").id, "Meter");
    const meter = await getMeter(c.var.db, c.var.user.id, id);
    if (!meter) throw notFound("Meter");
    const readings = await countReadings(c.var.db, id);
    if (c.req.valid("query").confirm !== id) {
      throw new ApiError(409, "confirmation_required", `Deleting "${meter.name}" also deletes its ${readings} readings. Repeat with ?confirm=${id} to go ahead.`, { readings });
    }
    await deleteMeter(c.var.db, c.var.user.id, id);
    return c.json({ deleted: true as const, readingsDeleted: readings }, 200);
  },
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
  async (c) => {
    masterKey(c.env.WEBHOOK_SECRET_KEY);
    const id = resourceId(c.req.valid("param").id, "Meter");
    const rotated = await rotateWebhookKey(c.var.db, c.var.user.id, id, WEBHOOK_ROTATION_GRACE_MS);
    if (!rotated) {
      if (!(await getMeter(c.var.db, c.var.user.id, id))) throw notFound("Meter");
      throw new ApiError(409, "rotation_conflict", "Another rotation of this meter's secret happened at the same time; fetch the meter and try again.");
    }
    return c.json(await withCredentials(rotated, c.req.url, c.env.WEBHOOK_SECRET_KEY), 200);
  },
);

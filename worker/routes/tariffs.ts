import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CsvRequest } from "../csv-upload";
import type { AppEnv } from "../env";
import { errorResponses } from "../errors";
import {
  CreateTariffQuery,
  ReplacePricesQuery,
  Tariff,
  TariffDeleted,
  TariffList,
  TariffPrices,
  TariffPricesQuery,
  UpdateTariffBody,
} from "../tariffs/contract";
import { createTariff, deleteTariff, getTariffPrices, listTariffs, replacePrices, updateTariff } from "../tariffs/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const tariffsRoutes = createRouter();

const csvRequestBody = {
  body: {
    content: { "text/csv": { schema: z.string() } },
    required: true,
    description:
      "A price file, header first: timestamp,price_per_kwh (slot starts with an offset), an Octopus Agile or Octopus API rates export, a Nord Pool or an ENTSO-E day-ahead export (up to 10 MB)",
  },
} as const;

/** The body is read by the operation, after it has checked what it may. */
const requestCsv = (c: Context<AppEnv>): CsvRequest => ({
  contentType: c.req.header("Content-Type"),
  contentLength: c.req.header("Content-Length"),
  body: c.req.raw.body,
});

tariffsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/tariffs",
    tags: ["tariffs"],
    summary: "List the user's imported tariffs (without their prices)",
    security: bearerAuth,
    responses: { 200: jsonResponse("Tariffs", TariffList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listTariffs(actorOf(c)), 200),
);

tariffsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/tariffs",
    tags: ["tariffs"],
    summary: "Import a tariff from a price file; a meter pays it with the tariff {kind: imported, tariffId}",
    description:
      "Every slot must follow the previous one without a gap or overlap and be as long as the others, with a price from -10 to 100 per kWh " +
      "once converted. A bad file answers 400 with the line and the reason (details.line), and nothing is stored.",
    security: bearerAuth,
    request: { query: CreateTariffQuery, ...csvRequestBody },
    responses: { 201: jsonResponse("The tariff", Tariff), ...errorResponses(400, 401, 413, 415) },
  }),
  async (c) => c.json(await createTariff(actorOf(c), c.req.valid("query"), requestCsv(c)), 201),
);

tariffsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/tariffs/{id}",
    tags: ["tariffs"],
    summary: "A tariff with its prices, all or those of the slots overlapping [from, to)",
    security: bearerAuth,
    request: { params: IdParam, query: TariffPricesQuery },
    responses: { 200: jsonResponse("The tariff and its prices", TariffPrices), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await getTariffPrices(actorOf(c), resourceId(c.req.valid("param").id, "Tariff"), c.req.valid("query")), 200),
);

tariffsRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/tariffs/{id}/prices",
    tags: ["tariffs"],
    summary: "Replace all of a tariff's prices at once from a new file; the id, and so the meters paying it, stay",
    security: bearerAuth,
    request: { params: IdParam, query: ReplacePricesQuery, ...csvRequestBody },
    responses: { 200: jsonResponse("The tariff", Tariff), ...errorResponses(400, 401, 404, 413, 415) },
  }),
  async (c) =>
    c.json(await replacePrices(actorOf(c), resourceId(c.req.valid("param").id, "Tariff"), c.req.valid("query").unit, requestCsv(c)), 200),
);

tariffsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/tariffs/{id}",
    tags: ["tariffs"],
    summary: "Rename a tariff, change its currency or its standing charge per day",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateTariffBody) },
    responses: { 200: jsonResponse("The tariff", Tariff), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateTariff(actorOf(c), resourceId(c.req.valid("param").id, "Tariff"), c.req.valid("json")), 200),
);

tariffsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/tariffs/{id}",
    tags: ["tariffs"],
    summary: "Delete a tariff; 409 naming the meters while any meter pays it",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", TariffDeleted), ...errorResponses(401, 404, 409) },
  }),
  async (c) => c.json(await deleteTariff(actorOf(c), resourceId(c.req.valid("param").id, "Tariff")), 200),
);

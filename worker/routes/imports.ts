import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { errorResponses } from "../errors";
import { ImportJob, ImportJobList, ImportPreview, ImportQuery } from "../readings/import-contract";
import { csvBody, getImport, importReadings, listImports, previewImport } from "../readings/imports";
import { actorOf, bearerAuth, createRouter, IdParam, jsonResponse, resourceId } from "./router";

export const importsRoutes = createRouter();

const csvRequestBody = {
  body: { content: { "text/csv": { schema: z.string() } }, required: true, description: "The CSV file, header first" },
} as const;

const requestCsv = (c: Context<AppEnv>) =>
  csvBody({ contentType: c.req.header("Content-Type"), contentLength: c.req.header("Content-Length"), body: c.req.raw.body });

importsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters/{id}/imports/preview",
    tags: ["imports"],
    summary: "What a CSV file would import, from its first 64 kB: format, mapping, first readings and errors; nothing is written",
    security: bearerAuth,
    request: { params: IdParam, query: ImportQuery, ...csvRequestBody },
    responses: {
      200: jsonResponse("The detected format and the first rows as they would be stored", ImportPreview),
      ...errorResponses(400, 401, 404, 415),
    },
  }),
  async (c) =>
    c.json(await previewImport(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), () => requestCsv(c), c.req.valid("query")), 200),
);

importsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters/{id}/imports",
    tags: ["imports"],
    summary: "Import a CSV history file (up to 100 MB, streamed) into the meter",
    description:
      "The header decides the format (generic timestamp,value with ?unit=, Octopus Energy, Home Assistant with ?unit=, Low Carbon London). " +
      "Rows are stored as the upload arrives; the answer comes when the file is in, with the job (also GET /api/imports/{id}, and " +
      "import.progress / import.finished events on the live socket). Bad rows are reported by line and skipped; rows already stored count as duplicates.",
    security: bearerAuth,
    request: { params: IdParam, query: ImportQuery, ...csvRequestBody },
    responses: {
      202: jsonResponse("The import job", ImportJob),
      ...errorResponses(400, 401, 404, 413, 415),
    },
  }),
  async (c) => {
    const job = await importReadings(
      actorOf(c),
      (work) => c.executionCtx.waitUntil(work),
      resourceId(c.req.valid("param").id, "Meter"),
      () => requestCsv(c),
      c.req.valid("query"),
    );
    return c.json(job, 202);
  },
);

importsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/imports",
    tags: ["imports"],
    summary: "The meter's recent imports, newest first",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Imports", ImportJobList), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await listImports(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

importsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/imports/{id}",
    tags: ["imports"],
    summary: "An import's status, counts and first errors",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The import job", ImportJob), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getImport(actorOf(c), resourceId(c.req.valid("param").id, "Import")), 200),
);

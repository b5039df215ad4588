import { createRoute } from "@hono/zod-openapi";
import { Annotation, AnnotationList, AnnotationListQuery, CreateAnnotationBody, UpdateAnnotationBody } from "../annotations/contract";
import { createAnnotation, deleteAnnotation, getAnnotation, listAnnotations, updateAnnotation } from "../annotations/service";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

/** Notes on a meter at a moment or over a range, drawn on its charts; ranges marked away stay out of its forecasts. */
export const annotationsRoutes = createRouter();

annotationsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/annotations",
    tags: ["annotations"],
    summary:
      "Add a note on a meter at a moment (startsAt) or over a range (startsAt to endsAt, at most a year); kind away leaves the range out of its forecasts",
    security: bearerAuth,
    request: jsonBody(CreateAnnotationBody),
    responses: { 201: jsonResponse("The new annotation", Annotation), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await createAnnotation(actorOf(c), c.req.valid("json")), 201),
);

annotationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/annotations",
    tags: ["annotations"],
    summary: "The notes drawn on a meter's charts (its own, its site's and its devices'), within from/to when given, oldest first",
    security: bearerAuth,
    request: { query: AnnotationListQuery },
    responses: { 200: jsonResponse("Annotations", AnnotationList), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await listAnnotations(actorOf(c), c.req.valid("query")), 200),
);

annotationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/annotations/{id}",
    tags: ["annotations"],
    summary: "An annotation",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The annotation", Annotation), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getAnnotation(actorOf(c), resourceId(c.req.valid("param").id, "Annotation")), 200),
);

annotationsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/annotations/{id}",
    tags: ["annotations"],
    summary: "Change an annotation's text, kind or range (endsAt null makes it a moment)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateAnnotationBody) },
    responses: { 200: jsonResponse("The annotation", Annotation), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateAnnotation(actorOf(c), resourceId(c.req.valid("param").id, "Annotation"), c.req.valid("json")), 200),
);

annotationsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/annotations/{id}",
    tags: ["annotations"],
    summary: "Delete an annotation",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteAnnotation(actorOf(c), resourceId(c.req.valid("param").id, "Annotation")), 200),
);

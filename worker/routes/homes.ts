import { createRoute } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { CreateHomeBody, Home, HomeList, RenameHomeBody } from "../homes/contract";
import { createHome, deleteHome, listHomes, renameHome } from "../homes/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse } from "./router";

export const homesRoutes = createRouter();

homesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/homes",
    tags: ["homes"],
    summary: "The homes the person belongs to (their personal home first) and their role in each",
    security: bearerAuth,
    responses: { 200: jsonResponse("Homes", HomeList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listHomes(actorOf(c)), 200),
);

homesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/homes",
    tags: ["homes"],
    summary: "Start a home (the person is its owner)",
    security: bearerAuth,
    request: jsonBody(CreateHomeBody),
    responses: { 201: jsonResponse("The new home", Home), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await createHome(actorOf(c), c.req.valid("json").name), 201),
);

// The home of /api/homes/{id}/… is resolved (and its membership checked) before the handler: homes/resolve.ts.
homesRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/homes/{id}",
    tags: ["homes"],
    summary: "Rename a home (owners)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(RenameHomeBody) },
    responses: { 200: jsonResponse("The renamed home", Home), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => c.json(await renameHome(actorOf(c), c.req.valid("json").name), 200),
);

homesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/homes/{id}",
    tags: ["homes"],
    summary: "Delete a home and everything in it (owners; a personal home cannot be deleted)",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => c.json(await deleteHome(actorOf(c)), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { errorResponses } from "../errors";
import { CreateShareBody, LiveShare, Revoked, Share, ShareList, ShareTargetQuery } from "../shares/contract";
import { listShares, liveShareOf, revokeShare, shareTarget } from "../shares/service";
import { actorOf, bearerAuth, createRouter, jsonBody, jsonResponse } from "./router";

export const sharesRoutes = createRouter();

sharesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/shares",
    tags: ["shares"],
    summary: "Share a chart or a tab as a public link (the live link is returned again unless renew is set, which revokes it)",
    security: bearerAuth,
    request: jsonBody(CreateShareBody),
    responses: { 201: jsonResponse("The link", Share), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await shareTarget(actorOf(c), c.req.valid("json")), 201),
);

sharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/shares",
    tags: ["shares"],
    summary: "My live and expired (not revoked) links, newest first, with view counts",
    security: bearerAuth,
    responses: { 200: jsonResponse("Links", ShareList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listShares(actorOf(c)), 200),
);

sharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/shares/live",
    tags: ["shares"],
    summary: "The live link of a chart or a tab, or null; looking makes no link",
    security: bearerAuth,
    request: { query: ShareTargetQuery },
    responses: { 200: jsonResponse("The live link or null", LiveShare), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await liveShareOf(actorOf(c), c.req.valid("query")), 200),
);

sharesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/shares/{token}",
    tags: ["shares"],
    summary: "Revoke a link; it stops working within seconds everywhere",
    security: bearerAuth,
    request: { params: z.object({ token: z.string().max(100) }) },
    responses: { 200: jsonResponse("Revoked", Revoked), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await revokeShare(actorOf(c), c.req.valid("param").token), 200),
);

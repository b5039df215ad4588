import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { createWriteToken, listWriteTokens, revokeWriteToken } from "../meters/write-tokens";
import { CreatedWriteToken, CreateWriteTokenBody, WriteTokenList, WriteTokenParams } from "../meters/write-tokens-contract";
import { Revoked } from "../shares/contract";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const writeTokensRoutes = createRouter();

writeTokensRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/meters/{id}/tokens",
    tags: ["meters"],
    summary: "Create a write token for a site meter (it writes to the site and its device meters, reads nothing); shown only this once",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(CreateWriteTokenBody) },
    responses: { 201: jsonResponse("The token, shown only this once", CreatedWriteToken), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await createWriteToken(actorOf(c), resourceId(c.req.valid("param").id, "Meter"), c.req.valid("json")), 201),
);

writeTokensRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/meters/{id}/tokens",
    tags: ["meters"],
    summary: "The site meter's write tokens that are not revoked (never the token itself)",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Write tokens", WriteTokenList), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await listWriteTokens(actorOf(c), resourceId(c.req.valid("param").id, "Meter")), 200),
);

writeTokensRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/meters/{id}/tokens/{tokenId}",
    tags: ["meters"],
    summary: "Revoke a write token: the next write with it gets 401",
    security: bearerAuth,
    request: { params: WriteTokenParams },
    responses: { 200: jsonResponse("Revoked", Revoked), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { id, tokenId } = c.req.valid("param");
    return c.json(await revokeWriteToken(actorOf(c), resourceId(id, "Meter"), resourceId(tokenId, "Write token")), 200);
  },
);

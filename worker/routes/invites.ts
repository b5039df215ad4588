import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../errors";
import { AcceptedInvite, CreateInviteBody, Invite } from "../homes/contract";
import { acceptInvite, createInvite } from "../homes/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse } from "./router";

export const invitesRoutes = createRouter();

invitesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/homes/{id}/invites",
    tags: ["homes"],
    summary: "An invite link (owners): single use, good for 7 days, shown once",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(CreateInviteBody) },
    responses: { 201: jsonResponse("The link to send", Invite), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => c.json(await createInvite(actorOf(c), c.req.valid("json")), 201),
);

invitesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/invites/{token}/accept",
    tags: ["homes"],
    summary: "Join the invite's home (410 once used or expired)",
    security: bearerAuth,
    request: { params: z.object({ token: z.string() }) },
    responses: { 200: jsonResponse("The home joined and the role", AcceptedInvite), ...errorResponses(401, 404, 410) },
  }),
  async (c) => c.json(await acceptInvite(actorOf(c), c.req.valid("param").token), 200),
);

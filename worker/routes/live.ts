import { createRoute } from "@hono/zod-openapi";
import { LiveTicket, LiveUpgradeQuery, ticketUserId } from "../../durable-objects/user-hub/live-contract";
import { userHub } from "../../durable-objects/user-hub/stub";
import { errorResponses, unauthorized } from "../errors";
import { bearerAuth, createRouter, jsonResponse } from "./router";

export const liveRoutes = createRouter();

liveRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/ws/ticket",
    tags: ["live"],
    summary: "A single-use ticket (60 s) for opening the live WebSocket",
    security: bearerAuth,
    responses: { 200: jsonResponse("The ticket", LiveTicket), ...errorResponses(401) },
  }),
  async (c) => c.json({ ticket: await userHub(c.env, c.var.user.id).issueTicket(c.var.user.id) }, 200),
);

liveRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/ws",
    tags: ["live"],
    summary: "Upgrade to the user's live WebSocket (browsers cannot send headers: the ticket authenticates)",
    request: { query: LiveUpgradeQuery },
    responses: { 101: { description: "Switching protocols" }, ...errorResponses(400, 401) },
  }),
  async (c) => {
    const userId = ticketUserId(c.req.valid("query").ticket);
    if (!userId) throw unauthorized("The ticket is invalid, used or expired: request a new one");
    const hub = userHub(c.env, userId);
    return hub.fetch(c.req.raw);
  },
);

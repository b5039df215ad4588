import { createRoute } from "@hono/zod-openapi";
import {
  ChannelList,
  Channel as ChannelSchema,
  CreateChannelBody,
  CreatedChannel,
  QueuedDelivery,
  UpdateChannelBody,
} from "../alerts/contract";
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  MAX_CHANNELS_PER_USER,
  sendTestMessage,
  updateChannel,
} from "../alerts/service";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const channelsRoutes = createRouter();

channelsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/channels",
    tags: ["alerts"],
    summary: `Add a channel alerts reach people through (ntfy, Slack, Discord, Home Assistant, or a signed JSON webhook, whose secret is returned this once); at most ${MAX_CHANNELS_PER_USER} per user (409)`,
    security: bearerAuth,
    request: jsonBody(CreateChannelBody),
    responses: { 201: jsonResponse("The new channel", CreatedChannel), ...errorResponses(400, 401, 409) },
  }),
  async (c) => c.json(await createChannel(actorOf(c), c.req.valid("json")), 201),
);

channelsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/channels",
    tags: ["alerts"],
    summary: "The user's channels, oldest first, each with its delivery status",
    security: bearerAuth,
    responses: { 200: jsonResponse("Channels", ChannelList), ...errorResponses(401) },
  }),
  async (c) => c.json(await listChannels(actorOf(c)), 200),
);

channelsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/channels/{id}",
    tags: ["alerts"],
    summary: "A channel and its delivery status (failing with the last error, or ok)",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The channel", ChannelSchema), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await getChannel(actorOf(c), resourceId(c.req.valid("param").id, "Channel")), 200),
);

channelsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/channels/{id}",
    tags: ["alerts"],
    summary: "Rename a channel or change its URL (a new URL clears its failing state)",
    security: bearerAuth,
    request: { params: IdParam, ...jsonBody(UpdateChannelBody) },
    responses: { 200: jsonResponse("The channel", ChannelSchema), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(await updateChannel(actorOf(c), resourceId(c.req.valid("param").id, "Channel"), c.req.valid("json")), 200),
);

channelsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/channels/{id}",
    tags: ["alerts"],
    summary: "Delete a channel; deliveries still queued for it are dropped",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await deleteChannel(actorOf(c), resourceId(c.req.valid("param").id, "Channel")), 200),
);

channelsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/channels/{id}/test",
    tags: ["alerts"],
    summary:
      "Send a test message to the channel through the delivery queue; its outcome shows in the channel's status. A few a minute per user (429 with Retry-After)",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 202: jsonResponse("Queued", QueuedDelivery), ...errorResponses(401, 404, 429) },
  }),
  async (c) => c.json(await sendTestMessage(actorOf(c), resourceId(c.req.valid("param").id, "Channel")), 202),
);

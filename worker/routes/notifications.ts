import { createRoute } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { Inbox, InboxQuery, MarkedAllRead, Notification, NotificationSettings } from "../notifications/contract";
import {
  listInbox,
  markAllRead,
  markRead,
  notificationSettings,
  removeNotification,
  saveNotificationSettings,
} from "../notifications/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const notificationsRoutes = createRouter();

notificationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/notifications",
    tags: ["notifications"],
    summary: "The inbox, newest first, with the unread count",
    security: bearerAuth,
    request: { query: InboxQuery },
    responses: { 200: jsonResponse("Notifications", Inbox), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await listInbox(actorOf(c), c.req.valid("query")), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/notifications/read-all",
    tags: ["notifications"],
    summary: "Mark every notification read",
    security: bearerAuth,
    responses: { 200: jsonResponse("How many were unread", MarkedAllRead), ...errorResponses(401) },
  }),
  async (c) => c.json(await markAllRead(actorOf(c)), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/notifications/{id}/read",
    tags: ["notifications"],
    summary: "Mark one notification read",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("The notification", Notification), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await markRead(actorOf(c), resourceId(c.req.valid("param").id, "Notification")), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/notifications/{id}",
    tags: ["notifications"],
    summary: "Delete a notification",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", Deleted), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await removeNotification(actorOf(c), resourceId(c.req.valid("param").id, "Notification")), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/notification-settings",
    tags: ["notifications"],
    summary: "Which findings to hear about, and quiet hours",
    security: bearerAuth,
    responses: { 200: jsonResponse("Settings", NotificationSettings), ...errorResponses(401) },
  }),
  async (c) => c.json(await notificationSettings(actorOf(c)), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/notification-settings",
    tags: ["notifications"],
    summary: "Mute kinds of findings and set quiet hours (notifications then arrive silently)",
    security: bearerAuth,
    request: jsonBody(NotificationSettings),
    responses: { 200: jsonResponse("Saved", NotificationSettings), ...errorResponses(400, 401) },
  }),
  async (c) => c.json(await saveNotificationSettings(actorOf(c), c.req.valid("json")), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
  deleteNotification,
  getNotificationSettings,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  saveNotificationSettings,
} from "../notifications/queries";
import { errorResponses, notFound } from "../errors";
import { notificationDto } from "../notifications/dto";
import { Notification, NotificationSettings } from "../notifications/contract";
import { bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const notificationsRoutes = createRouter();

notificationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/notifications",
    tags: ["notifications"],
    summary: "The inbox, newest first, with the unread count",
    security: bearerAuth,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30), before: z.iso.datetime({ offset: true }).optional() }) },
    responses: { 200: jsonResponse("Notifications", z.object({ notifications: z.array(Notification), unreadCount: z.int() })), ...errorResponses(400, 401) },
  }),
  async (c) => {
    const { limit, before } = c.req.valid("query");
    const { items, unread } = await listNotifications(c.var.db, c.var.user.id, limit, before ? new Date(before) : undefined);
    return c.json({ notifications: items.map(notificationDto), unreadCount: unread }, 200);
  },
);

notificationsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/notifications/read-all",
    tags: ["notifications"],
    summary: "Mark every notification read",
    security: bearerAuth,
    responses: { 200: jsonResponse("How many were unread", z.object({ marked: z.int() })), ...errorResponses(401) },
  }),
  async (c) => c.json({ marked: await markAllNotificationsRead(c.var.db, c.var.user.id) }, 200),
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
  async (c) => {
    const row = await markNotificationRead(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Notification"));
    if (!row) throw notFound("Notification");
    return c.json(notificationDto(row), 200);
  },
);

notificationsRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/notifications/{id}",
    tags: ["notifications"],
    summary: "Delete a notification",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Deleted", z.object({ deleted: z.literal(true) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    if (!(await deleteNotification(c.var.db, c.var.user.id, resourceId(c.req.valid("param").id, "Notification")))) throw notFound("Notification");
    return c.json({ deleted: true as const }, 200);
  },
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
  async (c) => {
    const settings = await getNotificationSettings(c.var.db, c.var.user.id);
    return c.json(settings as z.infer<typeof NotificationSettings>, 200);
  },
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
  async (c) => {
    const settings = c.req.valid("json");
    await saveNotificationSettings(c.var.db, c.var.user.id, settings);
    return c.json(settings, 200);
  },
);

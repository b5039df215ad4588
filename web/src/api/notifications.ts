import { answerOf, byId, client, type Json, type RequestJson } from "./client";

export type Notification = Json<"/api/notifications/{id}/read", "post">;

/** Muted kinds of findings and quiet hours (local hours in a time zone). */
export type NotificationSettings = Json<"/api/notification-settings", "get">;

export const notificationsApi = {
  list: () => answerOf(client.GET("/api/notifications", { params: { query: { limit: 30 } } })),
  markRead: (id: string) => answerOf(client.POST("/api/notifications/{id}/read", byId(id))),
  markAllRead: () => answerOf(client.POST("/api/notifications/read-all")),
  remove: (id: string) => answerOf(client.DELETE("/api/notifications/{id}", byId(id))),
  settings: () => answerOf(client.GET("/api/notification-settings")),
  saveSettings: (body: RequestJson<"/api/notification-settings", "put">) => answerOf(client.PUT("/api/notification-settings", { body })),
};

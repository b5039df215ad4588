import { answerOf, byId, client, type Json } from "./client";

export type Notification = Json<"/api/notifications/{id}/read", "post">;

export const notificationsApi = {
  list: () => answerOf(client.GET("/api/notifications", { params: { query: { limit: 30 } } })),
  markRead: (id: string) => answerOf(client.POST("/api/notifications/{id}/read", byId(id))),
  markAllRead: () => answerOf(client.POST("/api/notifications/read-all")),
  remove: (id: string) => answerOf(client.DELETE("/api/notifications/{id}", byId(id))),
};

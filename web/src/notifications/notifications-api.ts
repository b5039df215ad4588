import type { Notification } from "../../../worker/notifications/contract";
import { api } from "../api";

export type { Notification };

export const notificationsApi = {
  list: () => api<{ notifications: Notification[]; unreadCount: number }>("GET", "/api/notifications?limit=30"),
  markRead: (id: string) => api<Notification>("POST", `/api/notifications/${id}/read`),
  markAllRead: () => api<{ marked: number }>("POST", "/api/notifications/read-all"),
  remove: (id: string) => api<{ deleted: true }>("DELETE", `/api/notifications/${id}`),
};

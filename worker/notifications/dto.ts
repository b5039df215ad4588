import type { Notification } from "./contract";
import type { NotificationRow } from "./queries";

export function notificationDto(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    meterId: row.meterId,
    runId: row.runId,
    title: row.title,
    body: row.body,
    context: row.context.map((quote) => ({ ...quote, link: `/chat/${quote.sessionId}` })),
    silent: row.silent,
    link: row.link,
    alertRuleId: row.alertRuleId,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

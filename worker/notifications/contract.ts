import { z } from "zod";
import { TimeZone } from "../meters/contract";

/** A past chat message that mentions what a notification is about, quoted briefly. */
export const ChatQuote = z.object({
  sessionId: z.string(),
  sessionTitle: z.string(),
  messageId: z.string(),
  excerpt: z.string(),
  at: z.string(),
});
export type ChatQuote = z.infer<typeof ChatQuote>;

export const Notification = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    meterId: z.uuid().nullable(),
    runId: z.uuid().nullable(),
    title: z.string(),
    body: z.string(),
    /** Earlier chat messages the body quotes; `link` opens the session. */
    context: z.array(ChatQuote.extend({ link: z.string() })),
    silent: z.boolean(),
    /** The app page it opens (a report: /reports/{id}); null for none. */
    link: z.string().nullable(),
    /** The alert rule it is about (PATCH /api/alert-rules/{id} silences it); null for other kinds. */
    alertRuleId: z.uuid().nullable(),
    read: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: "Notification" });
export type Notification = z.infer<typeof Notification>;

/** GET /api/notifications: a page of the inbox, older than `before` when given. */
export const InboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  before: z.iso.datetime({ offset: true }).optional(),
});
export type InboxQuery = z.infer<typeof InboxQuery>;

export const Inbox = z.object({ notifications: z.array(Notification), unreadCount: z.int() }).meta({ id: "Inbox" });
export type Inbox = z.infer<typeof Inbox>;

export const MarkedAllRead = z.object({ marked: z.int() }).meta({ id: "MarkedAllRead" });
export type MarkedAllRead = z.infer<typeof MarkedAllRead>;

export const NOTIFICATION_KINDS = ["peak_over_limit", "plan_saves", "consumption_anomaly", "forecast_fallback"] as const;

export const NotificationSettings = z
  .object({
    mutedKinds: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length),
    quietFromHour: z.int().min(0).max(23).nullable(),
    quietToHour: z.int().min(0).max(23).nullable(),
    timezone: TimeZone,
  })
  .strict()
  .refine((s) => (s.quietFromHour === null) === (s.quietToHour === null), {
    path: ["quietToHour"],
    message: "give both quiet hours or neither",
  })
  .meta({ id: "NotificationSettings" });
export type NotificationSettings = z.infer<typeof NotificationSettings>;

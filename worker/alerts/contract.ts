import { z } from "zod";

export const CHANNEL_KINDS = ["webhook", "ntfy", "slack", "discord", "homeassistant"] as const;
export const ChannelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const ChannelName = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
/** Checked further (scheme, address) by the service: alerts/outgoing-url.ts. */
export const ChannelUrl = z.string().trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters");

export const CreateChannelBody = z
  .object({ kind: ChannelKind, name: ChannelName, url: ChannelUrl })
  .strict()
  .meta({ id: "CreateChannelBody" });
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

export const UpdateChannelBody = z
  .object({ name: ChannelName.optional(), url: ChannelUrl.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.url !== undefined, { message: "give a name or a url" })
  .meta({ id: "UpdateChannelBody" });
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

export const Channel = z
  .object({
    id: z.uuid(),
    kind: ChannelKind,
    name: z.string(),
    url: z.string(),
    /** failing after a delivery failed (every retry of it), ok again after one succeeds. */
    status: z.enum(["ok", "failing"]),
    /** Consecutive failed attempts. */
    failures: z.int(),
    /** The last failure: an HTTP status or a network error, never the URL. */
    lastError: z.string().nullable(),
    lastDeliveryAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Channel" });
export type Channel = z.infer<typeof Channel>;

/** The answer to a create: the generic webhook's signing secret (whsec_…) is shown this once. */
export const CreatedChannel = Channel.extend({ secret: z.string().optional() }).meta({ id: "CreatedChannel" });
export type CreatedChannel = z.infer<typeof CreatedChannel>;

export const ChannelList = z.object({ channels: z.array(Channel) }).meta({ id: "ChannelList" });
export type ChannelList = z.infer<typeof ChannelList>;

export const QueuedDelivery = z
  .object({
    /** The delivery's webhook-id (the same on each retry). */
    deliveryId: z.string(),
    queued: z.literal(true),
  })
  .meta({ id: "QueuedDelivery" });
export type QueuedDelivery = z.infer<typeof QueuedDelivery>;

/**
 * What every channel is told, in one shape; each kind formats it its own way (alerts/formats.ts).
 * A test message has no rule and no meter.
 */
export const AlertMessage = z.object({
  type: z.enum(["alert.firing", "alert.resolved", "test"]),
  rule: z.object({ id: z.string(), name: z.string() }).nullable(),
  meter: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The value that fired or resolved the rule, in the rule's unit; null for a test. */
  value: z.number().nullable(),
  /** When it happened (ISO 8601). */
  at: z.string(),
  /** The sentence a person reads. */
  message: z.string().max(4000),
  /** A short headline (a notification's title). */
  title: z.string().max(200),
  /** Urgent alerts ask for the phone's attention (ntfy priority 5). */
  urgent: z.boolean(),
});
export type AlertMessage = z.infer<typeof AlertMessage>;

import { z } from "zod";

/**
 * Every message the server sends over the live WebSocket. The web app parses with the same schema.
 * seq increases by one per event of a user, so a client can ask for what it missed.
 */
export const ServerEvent = z.object({
  id: z.string(),
  type: z.string(),
  seq: z.int().min(0),
  at: z.string(),
  payload: z.unknown(),
});
export type ServerEvent = z.infer<typeof ServerEvent>;

export const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resume"), after: z.int().min(0) }),
  z.object({ type: z.literal("ping") }),
  /** The answer to a permission.request event. */
  z.object({ type: z.literal("permission"), id: z.string(), decision: z.enum(["once", "always", "deny"]) }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** The close code of sockets whose person was removed from a home (UserHub.disconnect): reconnect with a new ticket. */
export const ACCESS_CHANGED_CLOSE = 4403;

/** Tickets authenticate the WebSocket upgrade: "<userId>.<secret>", single use, 60 s. */
export const TICKET_TTL_MS = 60_000;

export const LiveTicket = z.object({ ticket: z.string() }).meta({ id: "LiveTicket" });
export type LiveTicket = z.infer<typeof LiveTicket>;

/** The upgrade request carries the ticket in its query: browsers cannot send headers on it. */
export const LiveUpgradeQuery = z.object({ ticket: z.string() });

export function ticketUserId(ticket: string): string | undefined {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[0-9a-f]{64}$/.exec(ticket);
  return match?.[1];
}

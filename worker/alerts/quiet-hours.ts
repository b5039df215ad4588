/**
 * Quiet hours for alert deliveries, pure so it is tested across DST and midnight; the delivery
 * consumer (alerts/delivery.ts) asks it before each attempt.
 */
import { inQuietHours, type QuietHours } from "../notifications/compose";
import type { AlertMessage } from "./contract";

/** The longest a queue message can be delayed (Cloudflare Queues' delaySeconds limit, 12 hours). */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;
/** Every zone's offset is a whole number of quarter hours, so its local hours change on a UTC quarter hour. */
const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * How long to hold a message back for its owner's quiet hours, in seconds (0: send now). Only
 * urgent alerts leave the app during quiet hours (and a test, which the person is waiting for);
 * the others wait until the first local quarter hour outside them, found on the wall clock so a
 * DST change that shortens or lengthens the night is followed. A hold longer than the queue's
 * 12 hours is cut to 12 hours: the consumer then decides again.
 */
export function quietHoursHoldSeconds(message: AlertMessage, quiet: QuietHours, now: Date): number {
  if (message.urgent || message.type === "test" || !inQuietHours(quiet, now)) return 0;
  let end = Math.ceil(now.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const limit = now.getTime() + MAX_QUEUE_DELAY_SECONDS * 1000;
  while (end < limit && inQuietHours(quiet, new Date(end))) end += QUARTER_HOUR_MS;
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil((end - now.getTime()) / 1000));
}

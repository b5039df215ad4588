/**
 * Delivery of alert messages to channels, off the request path: `enqueueAlertDelivery` puts one
 * queue message per channel on "wattboard-deliveries"; `consumeDeliveryBatch` posts each one in
 * its channel's format. A failed attempt marks the channel failing (consecutive failures, last
 * error) and is retried with backoff; a success marks it ok. The URL is checked again before
 * every attempt, redirects are never followed and an attempt gives up after 5 s.
 */
import { z } from "zod";
import { connectDatabase, type Database } from "../db/client";
import type { Env } from "../env";
import { getNotificationSettings } from "../notifications/queries";
import { decryptChannelSecret } from "./channel-secrets";
import { AlertMessage } from "./contract";
import { FORMATS } from "./formats";
import { outgoingUrlProblem } from "./outgoing-url";
import type { ChannelRow } from "./queries";
import * as queries from "./queries";
import { quietHoursHoldSeconds } from "./quiet-hours";
import { newWebhookId, signWebhook } from "./signing";

export const DELIVERY_QUEUE_NAME = "wattboard-deliveries";
/** One first attempt and 5 retries (wrangler.jsonc's max_retries for the queue). */
export const MAX_DELIVERY_ATTEMPTS = 6;
export const DELIVERY_TIMEOUT_MS = 5_000;

export const DeliveryJob = z.object({
  ownerId: z.uuid(),
  channelId: z.uuid(),
  /** The Standard Webhooks webhook-id: the same on every retry. */
  deliveryId: z.string().regex(/^msg_[0-9a-f]{32}$/),
  message: AlertMessage,
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;

/**
 * The rules' (and the test button's) way to reach people's channels: queues one delivery per
 * channel and returns at once with the deliveries' ids, in the order of `channelIds`. Channels
 * that are not the owner's are skipped when delivered (never sent to).
 */
export async function enqueueAlertDelivery(
  env: Pick<Env, "DELIVERY_QUEUE">,
  { ownerId, channelIds, message }: { ownerId: string; channelIds: string[]; message: AlertMessage },
): Promise<string[]> {
  const jobs: DeliveryJob[] = channelIds.map((channelId) => ({ ownerId, channelId, deliveryId: newWebhookId(), message }));
  // A queue batch holds at most 100 messages.
  for (let i = 0; i < jobs.length; i += 100)
    await env.DELIVERY_QUEUE.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  return jobs.map((job) => job.deliveryId);
}

/** 5 s, 15 s, 45 s, 2 min 15 s, 6 min 45 s: about 10 minutes over the 6 attempts. */
export function deliveryRetryDelaySeconds(attempts: number): number {
  return Math.min(900, 5 * 3 ** (attempts - 1));
}

export type AttemptOutcome = { ok: true } | { ok: false; error: string; retry: boolean };

/** Consumes a batch of "wattboard-deliveries": one database connection, the attempts one after another. */
export async function consumeDeliveryBatch(batch: MessageBatch<unknown>, env: Env, now: () => Date = () => new Date()): Promise<void> {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  const connection = connectDatabase(env.DATABASE_URL, env.DB_WS_PROXY);
  try {
    for (const message of batch.messages) await consumeOne(connection.db, env, message, now);
  } finally {
    await connection.close().catch(() => {});
  }
}

async function consumeOne(db: Database, env: Env, message: Message<unknown>, now: () => Date): Promise<void> {
  const parsed = DeliveryJob.safeParse(message.body);
  if (!parsed.success) {
    console.error(`deliveries: dropped malformed message ${message.id}`);
    message.ack();
    return;
  }
  const job = parsed.data;
  const channel = await queries.getChannel(db, job.ownerId, job.channelId);
  if (!channel) {
    // Deleted since the alert was queued (or never the owner's): nothing to send to.
    message.ack();
    return;
  }
  const hold = quietHoursHoldSeconds(job.message, await getNotificationSettings(db, job.ownerId), now());
  if (hold > 0) {
    // A new message rather than a retry: holding back is no failed attempt (retries are limited).
    // Decided here rather than when queued, so the person's settings of the moment apply.
    await env.DELIVERY_QUEUE.send(job, { contentType: "json", delaySeconds: hold });
    message.ack();
    return;
  }
  const outcome = await attemptDelivery(env, channel, job, now());
  if (outcome.ok) {
    await queries.recordDeliverySuccess(db, job.ownerId, channel.id, now());
    message.ack();
    return;
  }
  await queries.recordDeliveryFailure(db, job.ownerId, channel.id, outcome.error);
  const last = !outcome.retry || message.attempts >= MAX_DELIVERY_ATTEMPTS;
  // The channel's id, its kind and the error in words: never its URL (it may hold a token).
  console.error(
    `deliveries: ${channel.kind} channel ${channel.id} failed (attempt ${message.attempts}): ${outcome.error}${last ? "; giving up on this message" : ""}`,
  );
  if (last) message.ack();
  else message.retry({ delaySeconds: deliveryRetryDelaySeconds(message.attempts) });
}

/** One POST in the channel's format; never throws. */
export async function attemptDelivery(env: Env, channel: ChannelRow, job: DeliveryJob, at: Date): Promise<AttemptOutcome> {
  const refused = outgoingUrlProblem(channel.url, { allowLocal: env.ALLOW_LOCAL_CHANNEL_URLS === "true" });
  if (refused) return { ok: false, error: `refused: url ${refused}`, retry: false };
  const request = FORMATS[channel.kind](job.message);
  const headers: Record<string, string> = { ...request.headers, "user-agent": "Wattboard-Alerts/1" };
  if (channel.kind === "webhook") {
    let secret: string;
    try {
      if (!channel.secret || !env.WEBHOOK_SECRET_KEY) throw new Error("no signing secret (is WEBHOOK_SECRET_KEY set?)");
      secret = await decryptChannelSecret(env.WEBHOOK_SECRET_KEY, channel.id, channel.secret);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), retry: false };
    }
    const timestamp = Math.floor(at.getTime() / 1000);
    headers["webhook-id"] = job.deliveryId;
    headers["webhook-timestamp"] = String(timestamp);
    headers["webhook-signature"] = await signWebhook(secret, job.deliveryId, timestamp, request.body);
  }
  let response: Response;
  try {
    response = await fetch(channel.url, {
      method: "POST",
      headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, error: networkError(error, channel.url), retry: true };
  }
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return { ok: true };
  if (response.status >= 300 && response.status < 400)
    return { ok: false, error: `HTTP ${response.status}: a redirect, not followed (point the channel at the final URL)`, retry: false };
  // Server errors, throttling and timeouts may pass; a 4xx (a deleted hook, a bad topic) will not.
  const retry = response.status >= 500 || response.status === 429 || response.status === 408;
  return { ok: false, error: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, retry };
}

/** A network failure in words, with any part of the URL removed (its path may be a token). */
function networkError(error: unknown, url: string): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`;
  let text = (error instanceof Error ? error.message : String(error)).split("\n")[0];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {}
  for (const part of [url, parsed?.pathname, parsed?.search].filter((p): p is string => !!p && p.length > 1))
    text = text.replaceAll(part, "…");
  return `network error: ${text.slice(0, 200)}`;
}

import type { Actor } from "../actor";
import type { Deleted } from "../api-contract";
import type { Env } from "../env";
import { ApiError, notFound, secretsKey } from "../errors";
import { enforceLimit } from "../rate-limits";
import { encryptChannelSecret } from "./channel-secrets";
import type { AlertMessage, Channel, ChannelList, CreateChannelBody, CreatedChannel, QueuedDelivery, UpdateChannelBody } from "./contract";
import { enqueueAlertDelivery } from "./delivery";
import { outgoingUrlProblem } from "./outgoing-url";
import type { ChannelRow } from "./queries";
import * as queries from "./queries";
import { newSigningSecret } from "./signing";

/** A row as the API shows it: ISO timestamps, no owner and never the secret. */
export function channelPayload(row: ChannelRow): Channel {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    status: row.status,
    failures: row.failures,
    lastError: row.lastError,
    lastDeliveryAt: row.lastDeliveryAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const allowsLocalChannelUrls = (env: Env) => env.ALLOW_LOCAL_CHANNEL_URLS === "true";

/** A 400 naming `url` when Wattboard may not call it (alerts/outgoing-url.ts). */
function checkUrl(env: Env, url: string): void {
  const problem = outgoingUrlProblem(url, { allowLocal: allowsLocalChannelUrls(env) });
  if (problem) throw new ApiError(400, "invalid_request", `Invalid body: url: ${problem}`, [{ path: "url", message: problem }]);
}

export async function requireChannel({ db, userId }: Actor, id: string): Promise<ChannelRow> {
  const row = await queries.getChannel(db, userId, id);
  if (!row) throw notFound("Channel");
  return row;
}

export async function listChannels({ db, userId }: Actor): Promise<ChannelList> {
  return { channels: (await queries.listChannels(db, userId)).map(channelPayload) };
}

export async function getChannel(actor: Actor, id: string): Promise<Channel> {
  return channelPayload(await requireChannel(actor, id));
}

/** Enough for a phone, a family chat and a home server each, many times over; a rule lists at most as many. */
export const MAX_CHANNELS_PER_USER = 20;

/**
 * A generic webhook gets a signing secret, stored encrypted and returned in this answer only. 409
 * past MAX_CHANNELS_PER_USER (counted before the insert: two creations at the same moment may
 * both pass it, one over).
 */
export async function createChannel({ db, env, userId }: Actor, body: CreateChannelBody): Promise<CreatedChannel> {
  checkUrl(env, body.url);
  if ((await queries.countChannels(db, userId)) >= MAX_CHANNELS_PER_USER)
    throw new ApiError(
      409,
      "too_many_channels",
      `You have ${MAX_CHANNELS_PER_USER} channels, the most one person can have: delete one (DELETE /api/channels/{id}) to add another`,
    );
  const id = crypto.randomUUID();
  if (body.kind !== "webhook") return channelPayload(await queries.insertChannel(db, { id, ownerId: userId, ...body }));
  const secret = newSigningSecret();
  const sealed = await encryptChannelSecret(secretsKey(env), id, secret);
  const row = await queries.insertChannel(db, { id, ownerId: userId, ...body, secret: sealed });
  return { ...channelPayload(row), secret };
}

/** Renames and/or points elsewhere (checked again; a new URL clears the failing state). */
export async function updateChannel({ db, env, userId }: Actor, id: string, changes: UpdateChannelBody): Promise<Channel> {
  if (changes.url !== undefined) checkUrl(env, changes.url);
  const row = await queries.updateChannel(db, userId, id, changes);
  if (!row) throw notFound("Channel");
  return channelPayload(row);
}

export async function deleteChannel({ db, userId }: Actor, id: string): Promise<Deleted> {
  if (!(await queries.deleteChannel(db, userId, id))) throw notFound("Channel");
  return { deleted: true };
}

/**
 * "Send a test": one delivery of a `test` message through the queue, as an alert would go. A few a
 * minute per person (429 with Retry-After): each one calls an outside URL.
 */
export async function sendTestMessage(actor: Actor, id: string, now = new Date()): Promise<QueuedDelivery> {
  const channel = await requireChannel(actor, id);
  await enforceLimit(
    actor.env,
    "CHANNEL_TEST_LIMITER",
    actor.userId,
    "Too many test messages in a minute; wait a moment and send it again",
  );
  const message: AlertMessage = {
    type: "test",
    rule: null,
    meter: null,
    value: null,
    at: now.toISOString(),
    title: "Wattboard test",
    message: `A test from Wattboard to the channel "${channel.name}": alerts will arrive here.`,
    urgent: false,
  };
  const [deliveryId] = await enqueueAlertDelivery(actor.env, { ownerId: actor.userId, channelIds: [channel.id], message });
  return { deliveryId, queued: true };
}

import { ApiError, unauthorized } from "../errors";
import { isUuid } from "../id-contract";
import { findMeterById, type MeterRow } from "../meters/queries";
import { meterSignatureMatches } from "../meters/webhook-secrets";
import { bearerToken, meterOfGrant, requireWriteGrant } from "../meters/write-tokens";
import type { IngestResult } from "./contract";
import { type IngestContext, ingestReadings, limitMeterWrites, validateBatch } from "./ingest";

/** A signed request older (or newer) than this is refused, so a captured one cannot be replayed later. */
export const SIGNATURE_MAX_AGE_SECONDS = 300;

const badSignature = () =>
  unauthorized("The signature does not match: sign timestamp + '.' + the raw body with this meter's webhook secret");

export interface WebhookPost {
  /** As it appears in the path, not yet checked. */
  meterId: string;
  /** The X-Wattboard-Timestamp and X-Wattboard-Signature headers, as sent. */
  timestamp: string | undefined;
  signature: string | undefined;
  /** The Authorization header: `Bearer <write token>` instead of a signature. */
  authorization: string | undefined;
  /** Read only once the headers are in order. */
  body(): Promise<ArrayBuffer>;
}

/**
 * The JSON webhook: a batch signed with the meter's secret or, without a signature, sent with a
 * write token of the meter's site. Checks, in order: the credentials (an unknown meter looks
 * exactly like a wrong signature or token, so meter ids cannot be probed), the meter's rate
 * limit, then the JSON and every reading.
 */
export async function receiveWebhookBatch(context: IngestContext, post: WebhookPost): Promise<IngestResult> {
  const token = post.signature === undefined ? bearerToken(post.authorization) : undefined;
  const { meter, body } = token === undefined ? await signedBatch(context, post) : await tokenBatch(context, post, token);
  await limitMeterWrites(context.env, meter.id);
  return ingestReadings(context, meter, validateBatch(decodeJson(body)));
}

interface AuthenticatedBatch {
  meter: MeterRow;
  body: Uint8Array<ArrayBuffer>;
}

/** The headers and the timestamp window first, then the signature over the raw body. */
async function signedBatch(context: IngestContext, post: WebhookPost): Promise<AuthenticatedBatch> {
  const timestamp = post.timestamp ?? "";
  const signature = /^sha256=([0-9a-f]{64})$/i.exec(post.signature ?? "")?.[1];
  if (!/^\d{1,12}$/.test(timestamp) || !signature) {
    throw unauthorized("Send X-Wattboard-Timestamp (unix seconds) and X-Wattboard-Signature: sha256=<hex HMAC-SHA256>");
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_SECONDS) {
    throw unauthorized(
      `The timestamp is more than ${SIGNATURE_MAX_AGE_SECONDS} s away from now: check the meter's clock and sign each request when sending it`,
    );
  }
  const body = new Uint8Array(await post.body());
  return { meter: await signingMeter(context, post.meterId.toLowerCase(), timestamp, body, signature), body };
}

/** The token must be live and of the meter's site (the site itself or one of its device meters). */
async function tokenBatch(context: IngestContext, post: WebhookPost, token: string): Promise<AuthenticatedBatch> {
  const grant = await requireWriteGrant(context.db, token);
  const meterId = post.meterId.toLowerCase();
  const meter = isUuid(meterId) ? await meterOfGrant(context.db, grant, meterId) : undefined;
  if (!meter)
    throw unauthorized("This write token cannot write to this meter: a token writes to its own site meter and that site's device meters");
  return { meter, body: new Uint8Array(await post.body()) };
}

async function signingMeter(
  context: IngestContext,
  meterId: string,
  timestamp: string,
  body: Uint8Array<ArrayBuffer>,
  signature: string,
): Promise<MeterRow> {
  const masterKey = context.env.WEBHOOK_SECRET_KEY;
  const meter = isUuid(meterId) ? await findMeterById(context.db, meterId) : undefined;
  if (!meter || !masterKey || !(await meterSignatureMatches(masterKey, meter, timestamp, body, signature))) throw badSignature();
  return meter;
}

function decodeJson(body: Uint8Array<ArrayBuffer>): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ApiError(
      400,
      "invalid_json",
      'The body is not valid JSON: send {"readings": [{"ts": "2026-01-01T00:00:00Z", "power_w": 1200}]}',
    );
  }
}

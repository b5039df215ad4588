import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { findMeterById, type MeterRow } from "../meters/queries";
import { insertReadings } from "../readings/queries";
import { ApiError, ErrorBody, unauthorized, validationError } from "../errors";
import { verifyWebhookSignature, webhookSecret } from "../meters/webhook-secrets";
import { IngestResult, MAX_INGEST_BODY_BYTES, ReadingsBatch, type Reading } from "../readings/contract";
import { createRouter, jsonResponse } from "./router";
import { userHub } from "../../durable-objects/user-hub/stub";
import { isUuid } from "../id-contract";
import { enforceLimit } from "../rate-limits";

/** A signed request older (or newer) than this is refused, so a captured one cannot be replayed later. */
export const SIGNATURE_MAX_AGE_SECONDS = 300;

export const ingestRoutes = createRouter();

const badSignature = () => unauthorized("The signature does not match: sign timestamp + '.' + the raw body with this meter's webhook secret");

ingestRoutes.post(
  "/api/ingest/:meterId",
  bodyLimit({
    maxSize: MAX_INGEST_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `The body is larger than ${MAX_INGEST_BODY_BYTES} bytes: send the readings in smaller batches`);
    },
  }),
  async (c) => {
    const meterId = c.req.param("meterId").toLowerCase();
    const timestamp = c.req.header("X-Wattboard-Timestamp") ?? "";
    const signature = /^sha256=([0-9a-f]{64})$/i.exec(c.req.header("X-Wattboard-Signature") ?? "")?.[1];
    if (!/^\d{1,12}$/.test(timestamp) || !signature) {
      throw unauthorized("Send X-Wattboard-Timestamp (unix seconds) and X-Wattboard-Signature: sha256=<hex HMAC-SHA256>");
    }
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_SECONDS) {
      throw unauthorized(`The timestamp is more than ${SIGNATURE_MAX_AGE_SECONDS} s away from now: check the meter's clock and sign each request when sending it`);
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    // An unknown meter and a wrong signature look the same, so meter ids cannot be probed.
    const meter = isUuid(meterId) ? await findMeterById(c.var.db, meterId) : undefined;
    if (!meter || !(await signatureMatches(meter, c.env.WEBHOOK_SECRET_KEY, timestamp, body, signature))) throw badSignature();
    await enforceLimit(c.env, "WEBHOOK_LIMITER", meter.id, "This meter posted too often this minute; nothing was stored: retry after Retry-After seconds (or send larger batches)");

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw new ApiError(400, "invalid_json", "The body is not valid JSON: send {\"readings\": [{\"ts\": \"2026-01-01T00:00:00Z\", \"power_w\": 1200}]}");
    }
    const parsed = ReadingsBatch.safeParse(json);
    if (!parsed.success) throw validationError(parsed.error, "readings");

    const unique = uniqueByInstant(parsed.data.readings);
    const { accepted, newest, charted } = await insertReadings(c.var.db, meter.id, unique);
    if (newest) {
      // After the commit, and without waiting: ingestion never waits for inference or sockets.
      const newestTs = newest.toISOString();
      c.executionCtx.waitUntil(
        c.env.INFERENCE_QUEUE.send({ meterId: meter.id, userId: meter.ownerId, newestTs, trigger: "auto" }).catch((error: Error) =>
          console.error(`inference: could not enqueue meter ${meter.id}: ${error.message}`),
        ),
      );
      if (charted) {
        const hub = userHub(c.env, meter.ownerId);
        c.executionCtx.waitUntil(
          hub.publish("meter.readings", { meterId: meter.id, newestTs }).then(
            () => {},
            (error: Error) => console.error(`live: could not notify the hub of meter ${meter.id}: ${error.message}`),
          ),
        );
      }
    }
    return c.json({ accepted, duplicates: parsed.data.readings.length - accepted }, 200);
  },
);

async function signatureMatches(meter: MeterRow, masterKey: string | undefined, timestamp: string, body: Uint8Array<ArrayBuffer>, signature: string): Promise<boolean> {
  if (!masterKey) return false;
  const versions = [meter.webhookKeyVersion];
  if (meter.previousKeyVersion !== null && meter.previousKeyExpiresAt && meter.previousKeyExpiresAt > new Date()) versions.push(meter.previousKeyVersion);
  for (const version of versions) {
    if (await verifyWebhookSignature(await webhookSecret(masterKey, meter.id, version), timestamp, body, signature)) return true;
  }
  return false;
}

/** The same instant twice in one batch is stored once (the first) and counted as a duplicate. */
function uniqueByInstant(readings: Reading[]): Reading[] {
  const seen = new Set<number>();
  return readings.filter((reading) => {
    const instant = Date.parse(reading.ts);
    if (seen.has(instant)) return false;
    seen.add(instant);
    return true;
  });
}

ingestRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/ingest/{meterId}",
  tags: ["ingest"],
  summary: "Meter webhook: a signed batch of up to 5,000 readings",
  description:
    "Headers: X-Wattboard-Timestamp (unix seconds, within 300 s of now) and X-Wattboard-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + '.' + raw body)>. " +
    "Readings already stored for the same instant are counted as duplicates, so retrying a batch is safe. A 200 means the readings are committed.",
  request: {
    params: z.object({ meterId: z.uuid() }),
    headers: z.object({ "X-Wattboard-Timestamp": z.string(), "X-Wattboard-Signature": z.string() }),
    body: { content: { "application/json": { schema: ReadingsBatch } }, required: true },
  },
  responses: {
    200: jsonResponse("Committed", IngestResult),
    400: jsonResponse("Invalid readings; details lists every failing path (nothing was stored)", ErrorBody),
    401: jsonResponse("Missing, wrong or stale signature", ErrorBody),
    413: jsonResponse("Body larger than 1 MiB", ErrorBody),
    429: jsonResponse("The meter posted more than 120 times this minute; nothing was stored, retry after Retry-After seconds", ErrorBody),
    503: jsonResponse("Postgres unreachable; nothing was stored, retry after Retry-After seconds", ErrorBody),
  },
});

import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { ErrorBody } from "../errors";
import { IngestResult, MAX_INGEST_BODY_BYTES, ReadingsBatch, WebhookSignatureHeaders } from "../readings/contract";
import { payloadTooLarge } from "../readings/ingest";
import { receiveWebhookBatch } from "../readings/webhook";
import { createRouter, ingestContextOf, jsonResponse } from "./router";

export const ingestRoutes = createRouter();

ingestRoutes.post(
  "/api/ingest/:meterId",
  bodyLimit({
    maxSize: MAX_INGEST_BODY_BYTES,
    onError: () => {
      throw payloadTooLarge();
    },
  }),
  async (c) => {
    const result = await receiveWebhookBatch(ingestContextOf(c), {
      meterId: c.req.param("meterId"),
      timestamp: c.req.header("X-Wattboard-Timestamp"),
      signature: c.req.header("X-Wattboard-Signature"),
      authorization: c.req.header("Authorization"),
      body: () => c.req.arrayBuffer(),
    });
    return c.json(result, 200);
  },
);

ingestRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/ingest/{meterId}",
  tags: ["ingest"],
  summary: "Meter webhook: a signed batch of up to 5,000 readings",
  description:
    "Headers: X-Wattboard-Timestamp (unix seconds, within 300 s of now) and X-Wattboard-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + '.' + raw body)>. " +
    "Instead of the signature, Authorization: Bearer <write token> of the meter's site (POST /api/meters/{id}/tokens). " +
    "Readings already stored for the same instant are counted as duplicates, so retrying a batch is safe. A 200 means the readings are committed.",
  request: {
    params: z.object({ meterId: z.uuid() }),
    headers: WebhookSignatureHeaders,
    body: { content: { "application/json": { schema: ReadingsBatch } }, required: true },
  },
  responses: {
    200: jsonResponse("Committed", IngestResult),
    400: jsonResponse("Invalid readings; details lists every failing path (nothing was stored)", ErrorBody),
    401: jsonResponse("Missing, wrong or stale signature; unknown or revoked write token, or one of another site", ErrorBody),
    413: jsonResponse("Body larger than 1 MiB", ErrorBody),
    429: jsonResponse("The meter posted more than 120 times this minute; nothing was stored, retry after Retry-After seconds", ErrorBody),
    503: jsonResponse("Postgres unreachable; nothing was stored, retry after Retry-After seconds", ErrorBody),
  },
});

import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { InfluxV1WriteQuery, InfluxWriteError, InfluxWriteQuery } from "../readings/influx-contract";
import { influxErrorBody, receiveLineProtocol } from "../readings/influx-write";
import { createRouter, ingestContextOf, jsonResponse } from "./router";

/** The InfluxDB write API (v2 and v1): line protocol, authenticated with a site's write token. */
export const influxWriteRoutes = createRouter();

// InfluxDB clients read `code` and `message` at the top level: every refusal carries both shapes.
influxWriteRoutes.onError((error, c) => {
  if (!(error instanceof ApiError)) throw error;
  return c.json(influxErrorBody(error), error.status, error.headers);
});

async function write(c: Context<AppEnv>) {
  await receiveLineProtocol(ingestContextOf(c), {
    authorization: c.req.header("Authorization"),
    password: c.req.query("p"),
    precision: c.req.query("precision"),
    contentEncoding: c.req.header("Content-Encoding"),
    body: c.req.raw.body,
  });
  return c.body(null, 204);
}

influxWriteRoutes.post("/api/v2/write", write);
influxWriteRoutes.post("/write", write);

const lineProtocolBody = {
  content: { "text/plain": { schema: z.string().meta({ description: "Line protocol, optionally with Content-Encoding: gzip" }) } },
  required: true,
};
const responses = {
  204: { description: "Every point is stored (or was already)" },
  400: jsonResponse("A bad line (`line` names the first) or parameter; nothing of the request was stored", InfluxWriteError),
  401: jsonResponse("Missing, unknown or revoked write token", InfluxWriteError),
  413: jsonResponse("Body over 1 MiB, compressed or inflated", InfluxWriteError),
  415: jsonResponse("Content-Encoding other than gzip", InfluxWriteError),
  429: jsonResponse(
    "The site wrote more than 120 times this minute; nothing was stored, retry after Retry-After seconds",
    InfluxWriteError,
  ),
};
const description =
  "Home Assistant's influxdb integration, Telegraf and the InfluxDB clients write here. Fields named after a metric (power_w, energy_wh, ...), " +
  "Home Assistant's unit-named measurements and cumulative registers (energy_total_kwh, HA's kWh sensors) become readings; a `meter` tag or " +
  "HA's entity_id picks a device meter under the token's site (created on first sight); fields that map to nothing are listed in " +
  "GET /api/meters/{id}/ignored-fields. Repeating a batch stores nothing twice.";

influxWriteRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/v2/write",
  tags: ["ingest"],
  summary: "InfluxDB v2 write API: line protocol with Authorization: Token <write token>",
  description,
  request: { query: InfluxWriteQuery, body: lineProtocolBody },
  responses,
});

influxWriteRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/write",
  tags: ["ingest"],
  summary: "InfluxDB v1 write API: line protocol with the write token as p= or the Basic auth password",
  description,
  request: { query: InfluxV1WriteQuery, body: lineProtocolBody },
  responses,
});

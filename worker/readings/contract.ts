import { z } from "zod";

export const MAX_READINGS_PER_BATCH = 5_000;
/** 5,000 readings with every field take about 900 kB of JSON. */
export const MAX_INGEST_BODY_BYTES = 1_048_576;
/** Readings older than this are rejected as a wrong clock or unit, not history worth keeping. */
export const OLDEST_READING = Date.parse("2000-01-01T00:00:00Z");
/** Meter clocks drift: a reading may be at most this far in the future. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

const finite = z.number().refine(Number.isFinite, { message: "must be a finite number" });
/**
 * Bounds far beyond any real meter (1 GW, 1 GWh per interval, 1 MA): a value near the float
 * limit would be stored, then overflow Postgres's sums and fail every series of the meter.
 */
const MAX_POWER_W = 1e9;
const MAX_ENERGY_WH = 1e9;
const MAX_CURRENT_A = 1e6;

export const Reading = z
  .object({
    ts: z.iso.datetime({ offset: true }).refine(
      (ts) => {
        const at = Date.parse(ts);
        return at >= OLDEST_READING && at <= Date.now() + MAX_FUTURE_SKEW_MS;
      },
      { message: "must be between 2000-01-01 and 5 minutes from now" },
    ),
    power_w: finite.min(-MAX_POWER_W).max(MAX_POWER_W).optional(),
    energy_wh: finite.min(0, "must not be negative").max(MAX_ENERGY_WH).optional(),
    voltage_v: finite.min(0).max(100_000).optional(),
    current_a: finite.min(-MAX_CURRENT_A).max(MAX_CURRENT_A).optional(),
    power_factor: finite.min(-1).max(1).optional(),
    thd_pct: finite.min(0).max(1_000).optional(),
  })
  .strict()
  .refine((r) => Object.keys(r).length > 1, { message: "a reading needs ts and at least one measured value" });
export type Reading = z.infer<typeof Reading>;

export const ReadingsBatch = z
  .object({
    readings: z
      .array(Reading)
      .min(1, "send at least one reading")
      .max(MAX_READINGS_PER_BATCH, `send at most ${MAX_READINGS_PER_BATCH} readings per request`),
  })
  .strict()
  .meta({ id: "ReadingsBatch" });
export type ReadingsBatch = z.infer<typeof ReadingsBatch>;

export const IngestResult = z
  .object({
    accepted: z.int(),
    duplicates: z.int(),
    /** Only when some readings were older than the meter's retained raw data: refused, not stored. */
    expired: z.int().optional(),
  })
  .meta({ id: "IngestResult" });
export type IngestResult = z.infer<typeof IngestResult>;

/**
 * How a meter signs a webhook post: the raw body, timestamped, with its HMAC secret
 * (meters/webhook-secrets.ts). Optional because a write token of the site may be sent instead.
 */
export const WebhookSignatureHeaders = z
  .object({ "X-Wattboard-Timestamp": z.string().optional(), "X-Wattboard-Signature": z.string().optional() })
  .meta({ id: "WebhookSignatureHeaders" });

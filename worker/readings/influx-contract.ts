import { z } from "zod";

/**
 * The InfluxDB write API as Home Assistant, Telegraf and the official clients speak it (DESIGN.md,
 * "Meter protocols"). org, bucket and db are accepted and ignored: the write token says where
 * the readings go.
 */
const Precision = z.string().optional().meta({ description: "ns (default), us, ms or s; v1 also n and u" });

export const InfluxWriteQuery = z
  .object({ org: z.string().optional(), bucket: z.string().optional(), precision: Precision })
  .meta({ id: "InfluxWriteQuery" });

export const InfluxV1WriteQuery = z
  .object({
    db: z.string().optional(),
    precision: Precision,
    u: z.string().optional(),
    /** The write token, when it is not the Basic auth password. */
    p: z.string().optional(),
  })
  .meta({ id: "InfluxV1WriteQuery" });

/**
 * InfluxDB's error shape (`code`, `message`, and `line` for the first bad line) with the app's
 * error envelope beside it, so InfluxDB clients and Wattboard's own both read it.
 */
export const InfluxWriteError = z
  .object({
    code: z.string(),
    message: z.string(),
    /** The 1-based line of the body that was refused. */
    line: z.int().optional(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: "InfluxWriteError" });
export type InfluxWriteError = z.infer<typeof InfluxWriteError>;

/** A field a sender writes that maps to no metric: shown on the meter page so nothing is dropped silently. */
export const IgnoredField = z
  .object({
    /** `measurement.field`, or `entity: measurement.field` for an entity that has no meter. */
    field: z.string(),
    /** How many writes carried it. */
    count: z.int(),
    lastSeenAt: z.string(),
  })
  .meta({ id: "IgnoredField" });
export type IgnoredField = z.infer<typeof IgnoredField>;

export const IgnoredFieldList = z.object({ fields: z.array(IgnoredField) }).meta({ id: "IgnoredFieldList" });
export type IgnoredFieldList = z.infer<typeof IgnoredFieldList>;

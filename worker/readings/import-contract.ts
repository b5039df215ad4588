import { z } from "zod";

/** The CSV formats a history import understands, told apart by their header line (readings/csv-formats.ts). */
export const ImportFormat = z.enum(["generic", "octopus", "home_assistant", "low_carbon_london"]).meta({ id: "ImportFormat" });
export type ImportFormat = z.infer<typeof ImportFormat>;

/**
 * What a value means where the file does not say: energy of the interval ending at the row's time
 * (kWh), the average power over it (W; a Home Assistant power sensor's state), or a meter register
 * that only grows (kWh; the energy of an interval is the rise since the previous row).
 */
export const ImportUnit = z.enum(["kwh_per_interval", "average_w", "cumulative_kwh"]).meta({ id: "ImportUnit" });
export type ImportUnit = z.infer<typeof ImportUnit>;

/** An import takes at most this much CSV. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** A preview reads at most this much of the file (its first lines are enough). */
export const MAX_PREVIEW_BYTES = 64 * 1024;
/** A job keeps the first errors only; the counts cover every row. */
export const MAX_IMPORT_ERRORS = 100;

export const ImportQuery = z.object({
  unit: ImportUnit.optional().describe("Required for the generic and Home Assistant formats; the others state their unit"),
  series: z
    .string()
    .max(200)
    .optional()
    .describe("Which entity_id (Home Assistant) or LCLid (Low Carbon London) to import when the file holds several; default: the first"),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

export const ImportRowError = z.object({ line: z.int(), message: z.string() }).meta({ id: "ImportRowError" });
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportJob = z
  .object({
    id: z.uuid(),
    meterId: z.uuid(),
    format: ImportFormat,
    unit: ImportUnit.nullable(),
    status: z.enum(["running", "done", "failed"]),
    /** Data lines read so far (the header is not counted). */
    rowsRead: z.int(),
    /** Readings newly stored. */
    rowsStored: z.int(),
    /** Readings already stored for the same instant (a file imported twice stores nothing new). */
    duplicates: z.int(),
    /** The first 100 rows that could not be read, by line number in the file (the header is line 1). */
    errors: z.array(ImportRowError),
    /** Why a failed import stopped. */
    failure: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "ImportJob" });
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportJobList = z.object({ imports: z.array(ImportJob) }).meta({ id: "ImportJobList" });
export type ImportJobList = z.infer<typeof ImportJobList>;

/** A reading as the import would store it (the webhook's fields). */
const PreviewReading = z.object({
  ts: z.string(),
  power_w: z.number().optional(),
  energy_wh: z.number().optional(),
});

export const ImportPreview = z
  .object({
    format: ImportFormat,
    /** The format's name for people, e.g. "Octopus Energy consumption export". */
    label: z.string(),
    /** The unit used: the file's own, or the one chosen; null when the format needs one and none was given. */
    unit: ImportUnit.nullable(),
    /** The units a person may choose for this format (empty: the format states its unit). */
    units: z.array(ImportUnit),
    /** How columns become readings, and which end of the interval the stored time is. */
    mapping: z.string(),
    /** The zone that times without an offset are read in: the meter's. */
    timezone: z.string(),
    /** The entity_ids or LCLids in the part read, the imported one first. */
    series: z.array(z.string()),
    /** The first readings as they would be stored, with their line. */
    rows: z.array(z.object({ line: z.int(), reading: PreviewReading })),
    errors: z.array(ImportRowError),
  })
  .meta({ id: "ImportPreview" });
export type ImportPreview = z.infer<typeof ImportPreview>;

/** Live event types (the payload is an ImportJob): progress at most about once a second, then one when it ends. */
export const IMPORT_PROGRESS_EVENT = "import.progress";
export const IMPORT_FINISHED_EVENT = "import.finished";

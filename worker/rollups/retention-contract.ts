import { z } from "zod";

/** What a person chooses: how long raw readings stay (rollups stay for good). */
export const DataRetentionChoice = z
  .object({
    rawDays: z
      .int()
      .min(7, "keep raw readings for at least 7 days (or null to keep them for good)")
      .max(3650, "at most 3650 days (or null to keep them for good)")
      .nullable()
      .describe("Days raw readings are kept; null keeps them for good"),
  })
  .strict()
  .meta({ id: "DataRetentionChoice" });
export type DataRetentionChoice = z.infer<typeof DataRetentionChoice>;

export const DataRetention = DataRetentionChoice.extend({
  /** One plain sentence of what is kept, shown where the choice is made. */
  statement: z.string(),
  /** The oldest instant raw readings are still kept from on any meter (null: none deleted yet). */
  rawKeptFrom: z.iso.datetime().nullable(),
}).meta({ id: "DataRetention" });
export type DataRetention = z.infer<typeof DataRetention>;

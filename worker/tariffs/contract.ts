import { z } from "zod";
import { Currency } from "../meters/energy-contract";

/**
 * An imported price series: a CSV of `timestamp,price_per_kwh` (Octopus Agile, Nord Pool or
 * ENTSO-E day-ahead exports), one price per slot of equal length, shared by any of the user's
 * meters (a meter's tariff `{kind: "imported", tariffId}`).
 */
export const Tariff = z
  .object({
    id: z.uuid(),
    name: z.string(),
    currency: z.string(),
    standingChargePerDay: z.number().nullable(),
    slotMinutes: z.int(),
    /** Start of the first slot and end of the last one. */
    from: z.string(),
    to: z.string(),
    slots: z.int(),
    minPrice: z.number(),
    maxPrice: z.number(),
    /** The meters that pay it (device meters inheriting it from their site are not listed). */
    meters: z.array(z.object({ id: z.uuid(), name: z.string() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Tariff" });
export type Tariff = z.infer<typeof Tariff>;

export const TariffList = z.object({ tariffs: z.array(Tariff) }).meta({ id: "TariffList" });

export const TariffPrices = Tariff.extend({
  prices: z.array(z.object({ t: z.string(), price: z.number() })),
}).meta({ id: "TariffPrices" });
export type TariffPrices = z.infer<typeof TariffPrices>;

const TariffName = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

/** The CSV goes in the body (text/csv); these say what it is. */
export const CreateTariffQuery = z
  .object({
    name: TariffName,
    currency: Currency.default("GBP"),
    /** Price column unit: per kWh (default), per MWh (Nord Pool, ENTSO-E) or minor units per kWh (Octopus' pence). */
    unit: z.enum(["per_kwh", "per_mwh", "minor_per_kwh"]).default("per_kwh"),
    standingChargePerDay: z.coerce.number().min(0).max(100).optional(),
  })
  .meta({ id: "CreateTariffQuery" });
export type CreateTariffQuery = z.infer<typeof CreateTariffQuery>;

/** Replacing the prices keeps the tariff's id, so the meters that pay it keep paying it. */
export const ReplacePricesQuery = CreateTariffQuery.pick({ unit: true }).meta({ id: "ReplacePricesQuery" });

export const UpdateTariffBody = z
  .object({
    name: TariffName.optional(),
    currency: Currency.optional(),
    standingChargePerDay: z.number().min(0).max(100).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "give at least one of name, currency, standingChargePerDay" })
  .meta({ id: "UpdateTariffBody" });
export type UpdateTariffBody = z.infer<typeof UpdateTariffBody>;

export const TariffPricesQuery = z
  .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .meta({ id: "TariffPricesQuery" });

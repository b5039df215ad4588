import { z } from "zod";

const price = z.number().min(-10).max(100);

function isCurrency(code: string): boolean {
  return Intl.supportedValuesOf("currency").includes(code);
}

/** An ISO 4217 currency code such as GBP or EUR. */
export const Currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCurrency, { message: "must be an ISO 4217 currency code such as GBP, EUR or USD" });

/** A daily fixed charge, in the tariff's currency: shown apart from the energy cost. */
const standingChargePerDay = z.number().min(0).max(100).optional();
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

/**
 * What the meter pays per kWh; the planner's tariff types (ml/runtime/planner.ts) in their API form.
 * A device meter without one pays its site's tariff.
 */
export const TariffSetting = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("flat"), price, currency: Currency.optional(), standingChargePerDay }).strict(),
  z
    .object({
      kind: z.literal("tou"),
      defaultPrice: price,
      /** Local times of the meter; a period whose end is before its start wraps over midnight. */
      periods: z
        .array(z.object({ from: clock, to: clock, price, days: z.array(z.int().min(0).max(6)).max(7).optional() }).strict())
        .min(1)
        .max(24),
      currency: Currency.optional(),
      standingChargePerDay,
    })
    .strict(),
  z.object({ kind: z.literal("preset"), name: z.literal("london-dynamic-2013"), standingChargePerDay }).strict(),
  /** An imported price series (POST /api/tariffs), shared by any of the user's meters. */
  z.object({ kind: z.literal("imported"), tariffId: z.uuid() }).strict(),
]);
export type TariffSetting = z.infer<typeof TariffSetting>;

export const BatterySetting = z
  .object({
    capacityKwh: z.number().gt(0).max(1_000),
    powerKw: z.number().gt(0).max(1_000),
    roundTripEfficiency: z.number().min(0.5).max(1).default(0.9),
  })
  .strict();

export const DeferrableLoadSetting = z
  .object({
    /** e.g. "EV", "dishwasher" */
    name: z.string().trim().min(1).max(40),
    energyKwh: z.number().gt(0).max(200),
    powerKw: z.number().gt(0).max(100),
    /** Allowed window in the meter's local hours; end before start wraps over midnight ("charge the car before 7": 18 → 7). */
    fromHour: z.int().min(0).max(23),
    toHour: z.int().min(0).max(24),
  })
  .strict()
  .refine((d) => d.fromHour !== d.toHour % 24, { path: ["toHour"], message: "the window must not be empty" });

export const FlexibleAssets = z
  .object({
    battery: BatterySetting.nullable().optional(),
    deferrableLoads: z.array(DeferrableLoadSetting).max(4).optional(),
    /** The person's peak limit: a forecast above it is worth a notification. */
    peakLimitKw: z.number().gt(0).max(10_000).nullable().optional(),
  })
  .strict();
export type FlexibleAssets = z.infer<typeof FlexibleAssets>;

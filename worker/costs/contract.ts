import { z } from "zod";

/** Calendar periods in the meter's time zone: a day is its local day (23 or 25 hours on DST days). */
export const SummaryPeriod = z.enum(["day", "week", "month", "year"]);
export type SummaryPeriod = z.infer<typeof SummaryPeriod>;

export const SummaryQuery = z
  .object({
    period: SummaryPeriod.default("month"),
    /** Any instant inside the period wanted (default: now, the period in progress). */
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: "SummaryQuery" });
export type SummaryQuery = z.infer<typeof SummaryQuery>;

/** null when some price of the period is missing (see costNote): never a partial sum. */
const money = z.number().nullable();

const Share = z.number().min(0).max(1).nullable();

/**
 * What a meter used and cost over a calendar period, against the period before, split across its
 * device meters. One implementation serves the API, the summary and breakdown charts and the chat.
 */
export const MeterSummary = z
  .object({
    meterId: z.uuid(),
    name: z.string(),
    timezone: z.string(),
    period: z.object({ kind: SummaryPeriod, from: z.string(), to: z.string() }),
    energyKwh: z.number(),
    /** Fraction of the period so far that had readings. */
    covered: z.number().min(0).max(1),
    cost: money,
    currency: z.string(),
    costNote: z.string().nullable(),
    /** Days of the period begun so far times the tariff's daily standing charge; apart from cost. */
    standingCharge: z.number(),
    peakKw: z.number().nullable(),
    peakAt: z.string().nullable(),
    /** The period before; while this one is in progress, only its same elapsed part (month to date against the same days last month). */
    previous: z.object({ from: z.string(), to: z.string(), energyKwh: z.number(), cost: money }),
    /** Change of cost (of energy where cost is null) against `previous`, in %. */
    changePct: z.number().nullable(),
    byDevice: z.array(z.object({ meterId: z.uuid(), name: z.string(), energyKwh: z.number(), cost: money, share: Share })),
    /** The site minus its devices; null for a meter without devices. */
    untracked: z.object({ energyKwh: z.number(), cost: money }).nullable(),
  })
  .meta({ id: "MeterSummary" });
export type MeterSummary = z.infer<typeof MeterSummary>;

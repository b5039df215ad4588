import type { Actor } from "../actor";
import type { MeterSummary, SummaryQuery } from "./contract";

/** What a meter used and cost over a calendar period (see MeterSummary). */
export async function meterSummary(_actor: Actor, _meterId: string, _query: SummaryQuery, _now = new Date()): Promise<MeterSummary> {
  throw new Error("meterSummary: being written on branch money-series");
}

import type { ToolContext } from "../chat/tools/tool";
import { implement } from "../chat/tools/tool";
import { meterByIdOrName } from "../meters/service";
import { describeCost, describeDeviceCosts, type PeriodChoice, periodInstant, rankDevices } from "./chat-answers";
import type { SummaryPeriod } from "./contract";
import { meterSummary } from "./summary";

interface CostQuestion {
  meter: string;
  period: SummaryPeriod;
  which: "this" | "last";
  at?: string;
}

/**
 * The summary a cost question asks for, through the same meterSummary as the API and the charts.
 * "Now" is when the person asked, so "this month" means the month of their message.
 */
async function summaryFor(context: ToolContext, { meter: reference, period, which, at }: CostQuestion) {
  const meter = await meterByIdOrName(context, reference);
  const now = new Date(context.messageAt);
  const choice: PeriodChoice = at ? { at } : { which };
  const instant = periodInstant(choice, period, meter.timezone, now);
  const summary = await meterSummary(context, meter.id, { period, at: instant.toISOString() }, now);
  return { summary, choice, now };
}

/** Chat tools that answer what energy cost, from the meter summaries. */
export const costTools = [
  implement("summarize_cost", {
    async run(context, question) {
      const { summary, choice, now } = await summaryFor(context, question);
      return { result: summary, summary: describeCost(summary, choice, now) };
    },
  }),
  implement("rank_device_costs", {
    async run(context, question) {
      const { summary, choice, now } = await summaryFor(context, question);
      const { meterId, name, period, currency, cost, costNote, energyKwh, untracked } = summary;
      return {
        result: { meterId, name, period, currency, cost, costNote, energyKwh, devices: rankDevices(summary), untracked },
        summary: describeDeviceCosts(summary, choice, now),
      };
    },
  }),
] as const;

import type { MeterRow } from "../../../meters/queries";
import type { ChatChoice } from "../../contract";
import type { EngineReply } from "../../engine";
import type { Period } from "../../understanding/periods";
import { type Ctx, localDate, names, reply, siteOf } from "./context";
import type { Reading } from "./intents";
import { periodsOf, phraseOf } from "./when";
import { meterChoices, metersOf } from "./who";
import type { Quantity } from "./words";

/** The question again, as a person would type it, for a choice. */
const QUESTION: Record<Quantity, (who: string, when: string) => string> = {
  energy: (who, when) => `how much energy did ${who} use ${when}`,
  cost: (who, when) => `what did ${who} cost ${when}`,
  peak: (who, when) => `what was the peak of ${who} ${when}`,
  average: (who, when) => `what was the average power of ${who} ${when}`,
  minimum: (who, when) => `what was the minimum power of ${who} ${when}`,
};
const METRIC_OF: Record<Quantity, string> = { energy: "energy", cost: "cost", peak: "power", average: "power", minimum: "power" };

/**
 * A question that wants a number: energy, cost, peak, average or minimum of one or more meters
 * over a period, compared with another when asked. Each meter is one `measure` call; the reply
 * states the numbers and offers the chart.
 */
export async function measure(r: Reading, ctx: Ctx, followUp = false): Promise<EngineReply> {
  const last = ctx.memory.ask;
  const unknownName = r.meters.kind === "none" ? askedName(r.folded) : undefined;
  if (unknownName) {
    return reply(
      `You have no meter called “${unknownName}”. Which one do you mean?`,
      meterChoices(r, ctx.turn.meters, r.text.toLowerCase().includes(unknownName) ? unknownName : undefined),
    );
  }
  const who = metersOf(r, ctx);
  if ("ask" in who) return reply(who.ask, who.choices);
  const quantity: Quantity = r.quantity ?? (last?.kind === "measure" ? last.quantity : "energy");
  // "compare that with the same day last week": nothing named before the comparison is the period just asked about.
  const nothingBefore = r.compareAt !== undefined && !r.periods.some((m) => m.index < r.compareAt!);
  const fallback =
    followUp || r.periods.length === 0 || nothingBefore ? (last?.kind === "measure" ? last.period : ctx.memory.period) : undefined;
  const wantsCompare = followUp && r.periods.length === 0 && last?.kind === "measure" && !!last.compare;
  const when = periodsOf(r, ctx, fallback, quantity === "cost" ? "this month" : "today", wantsCompare);
  if ("ask" in when) return reply(when.ask, when.choices);
  const answer = await measureAll(ctx, who.meters, quantity, when.main, when.compare, r.zone);
  if (!r.alsoQuantity || r.alsoQuantity === quantity) return answer;
  const also = await measureAll(ctx, who.meters, r.alsoQuantity, when.main, when.compare, r.zone);
  const asked = r.alsoQuantity === "cost" ? "And the cost?" : undefined;
  return reply(
    `${answer.text}\n${also.text}`,
    answer.choices?.filter((c) => c.label !== asked),
  );
}

export async function measureAll(
  ctx: Ctx,
  meters: MeterRow[],
  quantity: Quantity,
  period: Period,
  compare: Period | undefined,
  zone: string,
): Promise<EngineReply> {
  const lines: string[] = [];
  for (const meter of meters.slice(0, 6)) {
    lines.push(
      await ctx.say("measure", {
        meter: meter.id,
        quantity,
        from: period.from,
        to: period.to,
        label: period.label,
        ...(compare ? { compare: { from: compare.from, to: compare.to, label: compare.label } } : {}),
      }),
    );
  }
  const when = phraseOf(period, ctx, zone);
  const choices: ChatChoice[] = [
    { label: "Add this as a chart", text: `show the ${METRIC_OF[quantity]} of ${names(meters)} ${when} as a chart` },
  ];
  if (!compare && period.grain !== "span" && period.grain !== "hour") {
    choices.push({
      label: `Compare with the ${period.grain} before`,
      text: `${QUESTION[quantity](names(meters), when)} compared with the ${period.grain} before?`,
    });
  }
  if (quantity !== "cost") choices.push({ label: "And the cost?", text: `what did ${names(meters)} cost ${when}?` });
  else choices.push({ label: "Which device costs the most?", text: `which device cost the most ${when}?` });
  return reply(lines.join("\n"), choices);
}

const ASKED =
  /\b(?:did|does|do|has|have|is|was|were)\s+(?:the |my |our )?([a-z0-9][a-z0-9 -]*?)\s+(?:cost|costs|spend|spent|use|used|consume|consumed)\b/;
const NOT_A_NAME =
  /^(i|we|you|it|they|he|she|everything|all|that|this|there|much|many|energy|power|electricity|anything|house|home|flat|place)$/;

/** A name asked about that is none of the person's meters ("what did the shed cost"). */
function askedName(folded: string): string | undefined {
  const subject = ASKED.exec(folded)?.[1];
  return subject && !NOT_A_NAME.test(subject) ? subject : undefined;
}

/** The calendar period of the cost tools ({period, which} or {period, at}) closest to a period. */
export function costPeriodOf(period: Period | undefined, zone: string): { period: string; which?: string; at?: string } {
  if (!period) return { period: "month", which: "this" };
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
  const grain =
    period.grain === "day" || period.grain === "week" || period.grain === "month" || period.grain === "year"
      ? period.grain
      : days <= 1.05
        ? "day"
        : days <= 7.05
          ? "week"
          : days <= 31.05
            ? "month"
            : "year";
  if (period.inProgress && grain === period.grain) return { period: grain, which: "this" };
  if (/^(yesterday|last (week|month|year))$/i.test(period.label)) return { period: grain, which: "last" };
  return { period: grain, at: localDate(period.from, zone) };
}

/** "Which device uses the most?": the devices of a site ranked by cost over a calendar period. */
export async function rank(r: Reading, ctx: Ctx, followUp = false): Promise<EngineReply> {
  const who = metersOf(r, ctx, { site: true });
  if ("ask" in who) return reply(who.ask, who.choices);
  const site = siteOf(who.meters[0], ctx.turn.meters)!;
  const last = ctx.memory.ask;
  const fallback = followUp ? (last?.period ?? ctx.memory.period) : undefined;
  const when = periodsOf(r, ctx, fallback, "this month");
  if ("ask" in when) return reply(when.ask, when.choices);
  const named = when.named || !(followUp && last?.kind === "rank");
  const period = named ? costPeriodOf(when.main, r.zone) : (last as { cost: ReturnType<typeof costPeriodOf> }).cost;
  const text = await ctx.say("rank_device_costs", { meter: site.id, ...period });
  return reply(text, [
    { label: "Chart the breakdown", text: `show the cost breakdown of ${site.name} ${phraseOf(when.main, ctx, r.zone)}` },
  ]);
}

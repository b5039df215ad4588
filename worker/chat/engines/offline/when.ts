import type { ChatChoice } from "../../contract";
import { MONTH_NAMES, type Period, type PeriodMention, parsePeriods, previousPeriod, shiftedPeriod } from "../../understanding/periods";
import { type Ctx, localDate } from "./context";
import type { Reading } from "./intents";

/** The periods a question is about: the one asked, and the one to compare it with. */
export type Periods = { main: Period; compare?: Period; named: boolean } | { ask: string; choices: ChatChoice[] };

/** A relative mention ("the week before", "a year earlier") made absolute against the period it follows. */
function rebase(mention: PeriodMention, base: Period, zone: string): Period {
  if (mention.relative === "week-earlier") return shiftedPeriod(base, "week", zone);
  if (mention.relative === "year-earlier") return shiftedPeriod(base, "year", zone);
  if (mention.grain === base.grain || base.grain === "span" || base.grain === "hour") return previousPeriod(base, zone);
  // "the week before" after "yesterday": the same day a week earlier.
  if ((mention.grain === "week" || mention.grain === "year") && base.grain === "day") return shiftedPeriod(base, mention.grain, zone);
  return strip(mention);
}

/**
 * Words for a period that mean the same in a later message (choices are sent as typed): its label
 * when that reads back as the same period, else its dates.
 */
export function phraseOf(period: Period, ctx: Ctx, zone: string): string {
  const back = parsePeriods(period.label, ctx.now, zone);
  if (back.length === 1 && !back[0].relative && back[0].from === period.from && back[0].to === period.to) return period.label;
  const first = localDate(period.from, zone);
  if (period.grain === "day") return `on ${first}`;
  if (period.grain === "month") return `in ${MONTH_NAMES[Number(first.slice(5, 7)) - 1]} ${first.slice(0, 4)}`;
  if (period.grain === "year") return `in ${first.slice(0, 4)}`;
  return `from ${first} to ${localDate(new Date(Date.parse(period.to) - 1).toISOString(), zone)}`;
}

const strip = ({ index: _i, end: _e, relative: _r, alternatives: _a, ...period }: PeriodMention): Period => period;

/** The period in progress of a grain: today, this week, this month, this year. */
export function current(grain: Period["grain"], ctx: Ctx, zone: string): Period | undefined {
  const phrase = grain === "day" ? "today" : grain === "week" || grain === "month" || grain === "year" ? `this ${grain}` : undefined;
  const found = phrase ? parsePeriods(phrase, ctx.now, zone)[0] : undefined;
  return found && strip(found);
}

/**
 * Reads the periods of a question. Before "compared to" is the period asked about, after it the
 * one to compare with; "the week before" follows the period the conversation was on; "yesterday
 * compared to last week" compares with the same day a week earlier.
 */
export function periodsOf(r: Reading, ctx: Ctx, fallback: Period | undefined, defaultPhrase: string, wantsCompare = false): Periods {
  const split = r.compareAt;
  const before = split === undefined ? r.periods : r.periods.filter((m) => m.index < split);
  const after = split === undefined ? [] : r.periods.filter((m) => m.index >= split);
  const ambiguous = r.periods.find((m) => m.alternatives?.length);
  if (ambiguous) {
    const phrase = r.text.slice(ambiguous.index, ambiguous.end);
    const options = [strip(ambiguous), ...(ambiguous.alternatives ?? [])];
    return {
      ask: `Which “${phrase.trim()}” do you mean?`,
      choices: options.map((option) => ({
        label: option.label,
        text: `${r.text.slice(0, ambiguous.index)}${option.label}${r.text.slice(ambiguous.end)}`.trim(),
      })),
    };
  }
  let main: Period | undefined;
  const absolute = before.find((m) => !m.relative);
  if (absolute) main = strip(absolute);
  const relative = before.find((m) => m.relative);
  // Alone, "this time last year" / "the week before" is already read against now.
  if (!main && relative) main = fallback ? rebase(relative, fallback, r.zone) : strip(relative);
  // "compared to last month" alone asks about this month.
  if (!main && after[0] && !after[0].relative) main = current(after[0].grain, ctx, r.zone);
  const named = !!main;
  main ??= fallback ?? strip(parsePeriods(defaultPhrase, ctx.now, r.zone)[0] ?? fallbackToday(ctx));
  if (split === undefined && !wantsCompare) return { main, named };
  const other = after[0] ?? (absolute && relative && relative.index > absolute.index ? relative : undefined);
  let compare: Period;
  if (!other) compare = previousPeriod(main, r.zone);
  else if (other.relative) compare = rebase(other, main, r.zone);
  else if (main.grain === "day" && (other.grain === "week" || other.grain === "year") && /\blast\b/i.test(other.label)) {
    compare = {
      ...shiftedPeriod(main, other.grain, r.zone),
      label: other.grain === "week" ? "the same day last week" : "the same day last year",
    };
  } else compare = strip(other);
  // "less than usual this week": the period named is the one asked, compared with the one before.
  if (compare.from === main.from && compare.to === main.to) compare = previousPeriod(main, r.zone);
  return { main, compare, named };
}

function fallbackToday(ctx: Ctx): PeriodMention {
  const start = new Date(ctx.now);
  start.setUTCHours(0, 0, 0, 0);
  return { from: start.toISOString(), to: ctx.now.toISOString(), label: "today", grain: "day", inProgress: true, index: 0, end: 0 };
}

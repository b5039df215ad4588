import { wallClock } from "../series/wall-clock-contract";
import type { MeterSummary, SummaryPeriod } from "./contract";
import { formatEnergy, formatMoney } from "./money-contract";

/** Which period a question is about: the one in progress, the one before it, or the one holding a date. */
export type PeriodChoice = { which: "this" | "last" } | { at: string };

/** The instant of a local date's noon in a zone: midday is never skipped or repeated by a clock change. */
function localNoon(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, 12);
  const local = wallClock(guess, timeZone);
  const offset = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - guess;
  return guess - offset;
}

/**
 * An instant inside the period asked for, in the meter's calendar, for the summary's `at`: now for
 * this period; for the last one, a local noon a calendar step back (not a fixed number of hours, so
 * the day after a 23-hour day still reaches it); for a date ("2026-03-14"), that day's local noon.
 */
export function periodInstant(choice: PeriodChoice, period: SummaryPeriod, timeZone: string, now: Date): Date {
  if ("at" in choice) {
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(choice.at);
    return date ? new Date(localNoon(Number(date[1]), Number(date[2]), Number(date[3]), timeZone)) : new Date(choice.at);
  }
  if (choice.which === "this") return now;
  const today = wallClock(now.getTime(), timeZone);
  // Date.UTC carries a day 0 or a month 0 over into the one before.
  const back = {
    day: [today.year, today.month, today.day - 1],
    week: [today.year, today.month, today.day - 7],
    month: [today.year, today.month - 1, 15],
    year: [today.year - 1, 7, 1],
  }[period];
  const date = new Date(Date.UTC(back[0], back[1] - 1, back[2]));
  return new Date(localNoon(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), timeZone));
}

const THIS: Record<SummaryPeriod, string> = { day: "today", week: "this week", month: "this month", year: "this year" };
const LAST: Record<SummaryPeriod, string> = { day: "yesterday", week: "last week", month: "last month", year: "last year" };
const BEFORE: Record<SummaryPeriod, string> = {
  day: "the day before",
  week: "the week before",
  month: "the month before",
  year: "the year before",
};
const SO_FAR_BEFORE: Record<SummaryPeriod, string> = {
  day: "the same hours yesterday",
  week: "the same days last week",
  month: "the same days last month",
  year: "the same days last year",
};

/** "last month", "this week", or for a date: "in March 2026", "in the week from 9 March 2026". */
function periodLabel(summary: MeterSummary, choice: PeriodChoice): string {
  const { kind } = summary.period;
  if (!("at" in choice)) return choice.which === "this" ? THIS[kind] : LAST[kind];
  const from = new Date(summary.period.from);
  const date = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat("en-GB", { ...options, timeZone: summary.timezone }).format(from);
  if (kind === "day") return `on ${date({ day: "numeric", month: "long", year: "numeric" })}`;
  if (kind === "week") return `in the week from ${date({ day: "numeric", month: "long", year: "numeric" })}`;
  if (kind === "month") return `in ${date({ month: "long", year: "numeric" })}`;
  return `in ${date({ year: "numeric" })}`;
}

/** Whether the period has not ended yet: its figures are so far, and compared with the same part of the one before. */
const inProgress = (summary: MeterSummary, choice: PeriodChoice, now: Date) =>
  ("which" in choice && choice.which === "this") || now.getTime() < Date.parse(summary.period.to);

/** "8% less than the month before (£13.48)"; the figures compared are cost, or energy where a cost is unknown. */
function comparison(summary: MeterSummary, choice: PeriodChoice, now: Date): string {
  const before = inProgress(summary, choice, now) ? SO_FAR_BEFORE[summary.period.kind] : BEFORE[summary.period.kind];
  const { previous, changePct } = summary;
  if (changePct === null) return `with nothing from ${before} to compare`;
  const figure =
    summary.cost !== null && previous.cost !== null ? formatMoney(previous.cost, summary.currency) : formatEnergy(previous.energyKwh);
  const rounded = Math.round(Math.abs(changePct));
  if (rounded === 0) return `about the same as ${before} (${figure})`;
  return `${rounded}% ${changePct > 0 ? "more" : "less"} than ${before} (${figure})`;
}

function coverage(summary: MeterSummary): string[] {
  return summary.covered < 0.99 ? [`Readings cover ${Math.round(summary.covered * 100)}% of the period.`] : [];
}

/**
 * What a meter cost over a period, in words with the figures: "Garage cost £12.40 last month
 * (86.2 kWh), 8% less than the month before (£13.48)." The standing charge is stated apart.
 */
export function describeCost(summary: MeterSummary, choice: PeriodChoice, now: Date): string {
  const label = periodLabel(summary, choice);
  const ongoing = inProgress(summary, choice, now);
  const energy = formatEnergy(summary.energyKwh);
  const sentences =
    summary.cost === null
      ? [
          `${summary.name} ${ongoing ? "has used" : "used"} ${energy} ${ongoing ? `so far ${label}` : label}, ${comparison(summary, choice, now)}.`,
          `Its cost is unknown: ${summary.costNote ?? "some prices of the period are missing"}.`,
        ]
      : [
          `${summary.name} ${ongoing ? `has cost ${formatMoney(summary.cost, summary.currency)} so far ${label}` : `cost ${formatMoney(summary.cost, summary.currency)} ${label}`} (${energy}), ${comparison(summary, choice, now)}.`,
        ];
  if (summary.standingCharge > 0) sentences.push(`The standing charge adds ${formatMoney(summary.standingCharge, summary.currency)}.`);
  return [...sentences, ...coverage(summary)].join(" ");
}

/** A site's devices, dearest first (by energy where costs are unknown). */
export function rankDevices(summary: MeterSummary): MeterSummary["byDevice"] {
  return [...summary.byDevice].sort((a, b) => (b.cost ?? -1) - (a.cost ?? -1) || b.energyKwh - a.energyKwh);
}

/** How many devices after the first are named; the rest are counted. */
const RUNNERS_UP = 3;

/**
 * Which device cost the most over a period, with its part of the site's cost, the next ones and
 * the untracked use: "Heat pump cost the most last week: £5.10, 41% of House's £12.40. Then …"
 */
export function describeDeviceCosts(summary: MeterSummary, choice: PeriodChoice, now: Date): string {
  const label = periodLabel(summary, choice);
  const ongoing = inProgress(summary, choice, now);
  const ranked = rankDevices(summary);
  if (ranked.length === 0)
    return `${summary.name} has no device meters, so there are no devices to compare. ${describeCost(summary, choice, now)}`;
  const money = (amount: number) => formatMoney(amount, summary.currency);
  const [top, ...rest] = ranked;
  const when = ongoing ? `so far ${label}` : label;
  const sentences: string[] = [];
  if (top.cost === null) {
    sentences.push(`${top.name} ${ongoing ? "has used" : "used"} the most energy ${when}: ${formatEnergy(top.energyKwh)}.`);
    sentences.push(`Device costs are unknown: ${summary.costNote ?? "some prices of the period are missing"}.`);
  } else {
    const part = summary.cost ? `, ${Math.round((100 * top.cost) / summary.cost)}% of ${summary.name}'s ${money(summary.cost)}` : "";
    sentences.push(
      `${top.name} ${ongoing ? "has cost" : "cost"} the most ${when}: ${money(top.cost)} (${formatEnergy(top.energyKwh)})${part}.`,
    );
  }
  const figure = (d: { cost: number | null; energyKwh: number }) => (d.cost === null ? formatEnergy(d.energyKwh) : money(d.cost));
  if (rest.length) {
    const named = rest.slice(0, RUNNERS_UP).map((d) => `${d.name} ${figure(d)}`);
    const more = rest.length > RUNNERS_UP ? ` and ${rest.length - RUNNERS_UP} more` : "";
    sentences.push(`Then ${named.join(", ")}${more}.`);
  }
  if (summary.untracked) sentences.push(`Untracked use (${summary.name} minus its devices): ${figure(summary.untracked)}.`);
  return sentences.join(" ");
}

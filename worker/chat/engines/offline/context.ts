import type { ChartSpec, RELATIVE_WINDOWS } from "../../../charts/chart-spec-contract";
import type { MeterRow } from "../../../meters/queries";
import type { ChatChoice } from "../../contract";
import type { EngineReply, EngineTools, EngineTurn } from "../../engine";
import type { Period, PeriodGrain } from "../../understanding/periods";
import type { Memory } from "./memory";

export type Window = (typeof RELATIVE_WINDOWS)[number];

/** What every part of the engine gets for one turn. */
export interface Ctx {
  turn: EngineTurn;
  now: Date;
  memory: Memory;
  /** Calls a tool; the summary when it ran, else why not. */
  say(name: string, input: unknown): Promise<string>;
  /** Calls a tool and keeps its whole outcome (for replies that use its result). */
  call: EngineTools["call"];
}

export const reply = (text: string, choices?: ChatChoice[]): EngineReply => (choices?.length ? { text, choices } : { text });

export function makeCtx(turn: EngineTurn, tools: EngineTools, now: Date, memory: Memory): Ctx {
  const call: EngineTools["call"] = (name, input) => tools.call(name, input);
  return {
    turn,
    now,
    memory,
    call,
    async say(name, input) {
      const outcome = await call(name, input);
      return outcome.ok ? outcome.summary : `I could not do that: ${outcome.error}`;
    },
  };
}

export const sitesOf = (meters: MeterRow[]) => meters.filter((m) => m.kind === "site");

/** The site a meter belongs to: itself, or its parent. */
export function siteOf(meter: MeterRow | undefined, meters: MeterRow[]): MeterRow | undefined {
  if (!meter) return undefined;
  return meter.kind === "site" ? meter : (meters.find((m) => m.id === meter.parentId) ?? meter);
}

/** The zone dates are read in: the meter asked about, else the first site's, else UTC. */
export function zoneOf(ctx: Ctx, meterIds: string[] = []): string {
  const meter = ctx.turn.meters.find((m) => m.id === meterIds[0]) ?? sitesOf(ctx.turn.meters)[0] ?? ctx.turn.meters[0];
  return meter?.timezone ?? "UTC";
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A grain for a period known only by its bounds and label (as rebuilt from an earlier tool call). */
export function grainOf(from: string, to: string, label = ""): PeriodGrain {
  const l = label.toLowerCase();
  if (/\b(yesterday|today|tonight|day|morning|evening|night)\b|^\d{4}-\d\d-\d\d$/.test(l)) return "day";
  if (/\bweek\b/.test(l) && !/\bweeks\b/.test(l)) return "week";
  if (/\bmonth\b|january|february|march|april|may|june|july|august|september|october|november|december/.test(l)) return "month";
  if (/\byear\b|^\d{4}$/.test(l)) return "year";
  const length = Date.parse(to) - Date.parse(from);
  if (length >= 23 * HOUR && length <= 25 * HOUR && !/past|last \d/.test(l)) return "day";
  if (length <= HOUR) return "hour";
  return "span";
}

export function periodFrom(from: string, to: string, label: string | undefined, now: Date): Period {
  const name = label ?? "that period";
  return { from, to, label: name, grain: grainOf(from, to, name), inProgress: Math.abs(Date.parse(to) - now.getTime()) < 60_000 };
}

/** The period a relative chart window covers now. */
export function windowPeriod(preset: Window, now: Date, thisMonth: () => Period, thisYear: () => Period): Period {
  const back = (ms: number, label: string): Period => ({
    from: new Date(now.getTime() - ms).toISOString(),
    to: now.toISOString(),
    label,
    grain: ms === HOUR ? "hour" : "span",
    inProgress: true,
  });
  if (preset === "last_hour") return back(HOUR, "the last hour");
  if (preset === "last_24h") return back(DAY, "the last 24 hours");
  if (preset === "last_7d") return back(7 * DAY, "the last 7 days");
  if (preset === "last_30d") return back(30 * DAY, "the last 30 days");
  return preset === "this_month" ? thisMonth() : thisYear();
}

/** The relative chart window a period is, when it is one (a chart of "this month" keeps moving); else undefined. */
export function presetOf(period: Period, now: Date): Window | undefined {
  const length = Date.parse(period.to) - Date.parse(period.from);
  const endsNow = Math.abs(Date.parse(period.to) - now.getTime()) < 60_000;
  if (!endsNow) return undefined;
  // Only "the last N hours/days" are those windows ("tonight" at 19:00 is not "the last hour").
  if (period.grain !== "span" && period.grain !== "hour" && !(period.inProgress && (period.grain === "month" || period.grain === "year")))
    return undefined;
  if (period.grain === "month" && period.inProgress) return "this_month";
  if (period.grain === "year" && period.inProgress) return "this_year";
  // "The last 7 days" counted on the local calendar is an hour short or long across a clock change
  // (not "today" or "this week", which only end near a whole number of days).
  const slack = period.grain === "span" ? HOUR + 60_000 : 60_000;
  const near = (ms: number) => Math.abs(length - ms) < (ms >= DAY ? slack : 60_000);
  if (near(HOUR)) return "last_hour";
  if (near(DAY)) return "last_24h";
  if (near(7 * DAY)) return "last_7d";
  if (near(30 * DAY)) return "last_30d";
  return undefined;
}

export type ChartRef = EngineTurn["charts"][number];
export type { ChartSpec };

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(at: string, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(at));
}

export const names = (meters: MeterRow[]) => {
  const list = meters.map((m) => m.name);
  return list.length <= 1 ? (list[0] ?? "") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
};

import type { AnnotationInput } from "../../../annotations/contract";
import type { EngineReply } from "../../engine";
import type { PeriodMention } from "../../understanding/periods";
import { type Ctx, reply, siteOf } from "./context";
import type { Reading } from "./intents";
import { metersOf } from "./who";

/** "we were away", "we'll be on holiday", "mark … as away": nobody home over a period. */
const AWAY =
  /\b(we|i|they|everyone|everybody|the family)( were| was| are| am| will be|'ll be|'re|'m| have been|'ve been| had been)? (away|on holiday|on vacation|out of town|abroad|travelling|traveling)\b|\b(mark|flag|set)\b.* as (away|empty|a holiday)\b/;
/** "note that …", "make a note: …", "remember that …", "annotate …": something to keep on the chart. */
const NOTE = /^(please )?(note|make a note|add a note|take a note|remember|annotate|log)( that| down| on the chart| here)?\b/;
/** Asking about a note rather than making one: "did I note…?" is not handled here. */
const QUESTION = /^(what|when|did|do|does|have|has|how|why|which|show|list)\b/;

export type AnnotationAsk = { kind: "note" | "away"; period?: PeriodMention };

/** A note or an away period to write down; undefined when the message is something else. */
export function annotationAsk(r: Reading): AnnotationAsk | undefined {
  const f = r.folded;
  if (QUESTION.test(f)) return undefined;
  const period = r.periods[0];
  if (AWAY.test(f) && period) return { kind: "away", period };
  if (NOTE.test(f)) return { kind: "note", period };
  return undefined;
}

const LEADING =
  /^\s*(please\s+)?(note|make a note|add a note|take a note|remember|annotate|log)(\s+(that|down|on the chart|here))?\s*[:,-]?\s*/i;
/** Words left hanging once the period is cut out ("installed on", "fitted at"). */
const DANGLING = /\s+(on|at|in|from|during|since|for)\s*$/i;

/** The note's words as typed, without "note that" and without the period (the note's position says when). */
function noteText(r: Reading, period: PeriodMention | undefined): string {
  const cut = period ? `${r.text.slice(0, period.index)} ${r.text.slice(period.end)}` : r.text;
  const text = cut
    .replace(LEADING, "")
    .replace(/\s+/g, " ")
    .replace(/[\s.!,;:]+$/, "")
    .replace(DANGLING, "")
    .trim();
  return text ? `${text[0].toUpperCase()}${text.slice(1)}`.slice(0, 500) : "Note";
}

/** When: a day or an hour is a moment at its start; a longer period is a range (one in progress ends where it ends). */
function when(ask: AnnotationAsk, now: Date): { startsAt: string; endsAt?: string } {
  const { period } = ask;
  if (!period) return { startsAt: now.toISOString() };
  const endsAt = period.wholeTo ?? period.to;
  if (ask.kind === "note" && (period.grain === "day" || period.grain === "hour")) return { startsAt: period.from };
  return { startsAt: period.from, endsAt };
}

/**
 * The note or away period, made through `add_annotation`: on the meter named, else (away, or
 * nothing named) on the site, where the whole home's charts show it.
 */
export async function annotate(ask: AnnotationAsk, r: Reading, ctx: Ctx): Promise<EngineReply> {
  const who = metersOf(r, ctx, { site: true });
  if ("ask" in who) return reply(who.ask, who.choices);
  const named = who.meters[0];
  const meter = ask.kind === "away" || r.meters.kind !== "found" ? (siteOf(named, ctx.turn.meters) ?? named) : named;
  const input: AnnotationInput = {
    meter: meter.id,
    kind: ask.kind,
    text: ask.kind === "away" ? "Away" : noteText(r, ask.period),
    ...when(ask, ctx.now),
  };
  return reply(await ctx.say("add_annotation", input));
}

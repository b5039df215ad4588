import type { MeterRow } from "../../../meters/queries";
import type { ChatChoice } from "../../contract";
import { singular, words } from "../../understanding/normalize";
import { type Ctx, siteOf, sitesOf } from "./context";
import type { Reading } from "./intents";

export type Who = { meters: MeterRow[]; named: boolean } | { ask: string; choices: ChatChoice[] };

/** Choices that send the message again with the phrase replaced by each meter's full name. */
export function meterChoices(r: Reading, candidates: MeterRow[], phrase?: string): ChatChoice[] {
  return candidates.slice(0, 6).map((meter) => {
    const at = phrase ? r.text.toLowerCase().indexOf(phrase.toLowerCase()) : -1;
    const text =
      at >= 0
        ? `${r.text.slice(0, at)}${meter.name}${r.text.slice(at + phrase!.length)}`
        : `${r.text.replace(/[?.!]+$/, "")} for ${meter.name}`;
    return { label: meter.name, text };
  });
}

/** "the chargers", "both chargers", "all the heaters": every meter the phrase fits. */
export function severalMeant(text: string, phrase: string): boolean {
  const typed = words(phrase);
  const last = typed.at(-1) ?? "";
  if (last !== singular(last)) return true;
  const at = text.toLowerCase().indexOf(phrase.toLowerCase());
  return at >= 0 && /\b(both|all|all the|all my|all our|the two|each|every)\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?$/i.test(text.slice(0, at));
}

/**
 * The meters a message is about: those it names, else those the conversation was about, else the
 * only site (or the only meter). Two meters fitting one phrase, or several sites and none named,
 * make a question with the candidates as choices.
 */
export function metersOf(r: Reading, ctx: Ctx, options: { site?: boolean } = {}): Who {
  const all = ctx.turn.meters;
  if (r.meters.kind === "ambiguous" && options.site) {
    // What the planner schedules lives at the site: two chargers of one home are one answer.
    const sites = [...new Set(r.meters.candidates.map((m) => siteOf(m, all)!))];
    if (sites.length === 1) return { meters: sites, named: true };
  }
  if (r.meters.kind === "ambiguous" && severalMeant(r.text, r.meters.phrase)) return { meters: r.meters.candidates, named: true };
  if (r.meters.kind === "ambiguous") {
    return { ask: `Which meter do you mean by “${r.meters.phrase}”?`, choices: meterChoices(r, r.meters.candidates, r.meters.phrase) };
  }
  if (r.meters.kind === "found") return { meters: r.meters.items, named: true };
  const remembered = ctx.memory.meterIds.map((id) => all.find((m) => m.id === id)).filter((m): m is MeterRow => !!m);
  if (remembered.length > 0) return { meters: remembered, named: false };
  const sites = sitesOf(all);
  if (sites.length === 1) return { meters: sites, named: false };
  if (all.length === 1) return { meters: all, named: false };
  const pool = options.site && sites.length > 0 ? sites : all;
  return { ask: "Which meter?", choices: meterChoices(r, pool) };
}

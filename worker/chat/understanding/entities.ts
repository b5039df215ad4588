// Stand-in (section A replaces this file): the signatures of PLAN-17 §A, minimal behaviour.
import type { MeterRow } from "../../meters/queries";
import { editDistance, fold, singular } from "./normalize";

export type Resolution<T> =
  | { kind: "none" }
  | { kind: "found"; items: T[]; index: number; end: number }
  | { kind: "ambiguous"; candidates: T[]; phrase: string };

const STOP = new Set([
  "the",
  "my",
  "our",
  "a",
  "an",
  "of",
  "and",
  "for",
  "in",
  "on",
  "at",
  "to",
  "use",
  "used",
  "last",
  "this",
  "me",
  "it",
  "is",
]);
const SITE_WORDS = new Set(["house", "home", "flat", "apartment", "building", "everything", "total", "place", "site"]);
const SYNONYMS: [RegExp, string[]][] = [
  [/\b(charger|ev|car|wallbox)\b/, ["car", "ev", "charger", "wallbox"]],
  [/\bheat ?pump\b/, ["heating", "hp", "heat"]],
  [/\b(solar|pv)\b/, ["panels", "pv", "solar"]],
  [/\b(oven|cooker|hob)\b/, ["cooking", "kitchen", "oven", "cooker"]],
  [/\bimmersion\b/, ["hot"]],
  [/\bwashing machine\b/, ["washer"]],
];

interface Token {
  word: string;
  index: number;
  end: number;
}

function tokens(text: string): Token[] {
  const lower = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  return [...lower.matchAll(/[a-z0-9]+/g)].map((m) => ({ word: singular(m[0]), index: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
}

const near = (a: string, b: string) => a === b || (a.length > 3 && editDistance(a, b) <= (b.length <= 5 ? 1 : 2));

function matchItems<T>(text: string, items: T[], nameOf: (item: T) => string, extra: (item: T) => string[] = () => []): Resolution<T> {
  const toks = tokens(text).filter((t) => !STOP.has(t.word));
  if (toks.length === 0 || items.length === 0) return { kind: "none" };
  const full: { item: T; index: number; end: number }[] = [];
  const partial = new Map<number, { item: T[]; index: number; end: number; word: string }>();
  for (const item of items) {
    const nameWords = fold(nameOf(item))
      .split(" ")
      .map(singular)
      .filter((w) => w && !STOP.has(w));
    if (nameWords.length === 0) continue;
    for (let i = 0; i + nameWords.length <= toks.length; i++) {
      if (nameWords.every((w, k) => near(toks[i + k].word, w))) {
        full.push({ item, index: toks[i].index, end: toks[i + nameWords.length - 1].end });
        break;
      }
    }
    for (const [i, t] of toks.entries()) {
      if (nameWords.some((w) => near(t.word, w)) || extra(item).includes(t.word)) {
        const slot = partial.get(i) ?? { item: [], index: t.index, end: t.end, word: t.word };
        slot.item.push(item);
        partial.set(i, slot);
      }
    }
  }
  // A full name beats a partial one; a name inside a longer full name does not count on its own.
  const kept = full.filter((f) => !full.some((g) => g !== f && g.index <= f.index && g.end >= f.end && g.end - g.index > f.end - f.index));
  if (kept.length > 0) {
    const unique = [...new Map(kept.map((k) => [k.index, k])).values()];
    return {
      kind: "found",
      items: unique.map((k) => k.item),
      index: Math.min(...unique.map((k) => k.index)),
      end: Math.max(...unique.map((k) => k.end)),
    };
  }
  const slots = [...partial.values()];
  if (slots.length === 0) return { kind: "none" };
  const first = slots[0];
  if (first.item.length > 1) return { kind: "ambiguous", candidates: first.item, phrase: first.word };
  return { kind: "found", items: [first.item[0]], index: first.index, end: first.end };
}

export function resolveMeters(text: string, meters: MeterRow[]): Resolution<MeterRow> {
  const lower = text.toLowerCase();
  const position = /\b(site|device|meter)-(\d+)\b/.exec(lower);
  if (position) {
    const pool = position[1] === "meter" ? meters : meters.filter((m) => m.kind === position[1]);
    const meter = pool[Number(position[2]) - 1];
    if (meter) return { kind: "found", items: [meter], index: position.index, end: position.index + position[0].length };
  }
  const byName = matchItems(
    text,
    meters,
    (m) => m.name,
    (m) => SYNONYMS.filter(([p]) => p.test(fold(m.name))).flatMap(([, s]) => s),
  );
  if (byName.kind !== "none") return byName;
  const site = tokens(text).find((t) => SITE_WORDS.has(t.word));
  const sites = meters.filter((m) => m.kind === "site");
  if (site && sites.length === 1) return { kind: "found", items: sites, index: site.index, end: site.end };
  if (site && sites.length > 1) return { kind: "ambiguous", candidates: sites, phrase: site.word };
  return { kind: "none" };
}

export function resolveNamed<T extends { id: string; name: string }>(text: string, items: T[]): Resolution<T> {
  return matchItems(text, items, (item) => item.name);
}

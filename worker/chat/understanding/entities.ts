/**
 * Meters, tabs, charts and tariffs named in chat text: by their whole name, part of it, misspelt, by a synonym
 * ("the car" for "Drive charger") or by position ("site-1"). Pure: no Worker imports.
 */
import type { MeterRow } from "../../meters/queries";
import { editDistance, foldTracked, isTypoOf, singular, words } from "./normalize";

export type Resolution<T> =
  | { kind: "none" }
  /** One or more distinct things clearly named ("the flat and the garage" -> 2). */
  | { kind: "found"; items: T[]; index: number; end: number }
  /** One phrase fits several ("the charger" with "Garage charger" and "Drive charger"). */
  | { kind: "ambiguous"; candidates: T[]; phrase: string };

/** Words that never name a thing on their own, and that a misspelt name must not be read into ("use" is not "house"). */
const STOP_WORDS = new Set(
  (
    "a an the my our your his her their its this that these those me i we you it they of for and or vs versus with in on at to from " +
    "since by up down over under about than then as is are was were be been do did does done has have had how much many what which who " +
    "when where why show chart plot graph use used using usage cost costs spend spent last next past previous day week month year today " +
    "yesterday tonight morning evening night hour so far most least more less compare compared same time now please can could would will " +
    "also just all any each other kwh kw watt power energy peak average minimum total price bill charge charged right left " +
    "good well bad high low lot big top new old first second again back out off only very really there here like want need see get " +
    "got make made give tell let look thing one costing spending running drawing drawn drew draw pulled consume consumed " +
    "consumption produce produced generate generated change changed turn set put add remove delete share open rename move " +
    "head heads heading headed goes going know warn alert notify reporting stops stopped silent"
  ).split(" "),
);

/** Words in names that tell nothing apart ("Main meter", "Smart plug"): they count in a whole name, never alone. */
const GENERIC_NAME_WORDS = new Set(["meter", "device", "sensor", "smart", "plug", "socket", "circuit", "main", "sub", "clamp"]);

/** Words a name may start with that people leave out ("The Barn", "Our flat"). */
const NAME_FILLERS = new Set(["the", "my", "our", "your", "a", "an"]);

/** A name's words, folded and singular as the text's are. */
function nameWords(name: string): string[] {
  return words(name)
    .map(singular)
    .filter((word) => !NAME_FILLERS.has(word));
}

interface Token {
  word: string;
  stop: boolean;
  index: number;
  end: number;
}

function tokensOf(text: string): { tokens: Token[]; source: (index: number, end: number) => { index: number; end: number } } {
  const folded = foldTracked(text);
  const tokens: Token[] = [];
  for (const match of folded.text.matchAll(/\S+/g)) {
    const word = singular(match[0]);
    tokens.push({ word, stop: STOP_WORDS.has(match[0]) || STOP_WORDS.has(word), index: match.index, end: match.index + match[0].length });
  }
  return { tokens, source: folded.source };
}

/** Whether a typed (non-stop) word is a known one, allowing for typos. */
type Likeness = (typed: string, known: string) => boolean;

/**
 * Synonyms are common words ("cooking", "heating"): only a long one may be one letter off, or "costing" would
 * be "cooking".
 */
const synonymLikeness: Likeness = (typed, known) => known.length >= 6 && editDistance(typed, known) <= 1;

/** One word of a longer name stands for it only when it is close: one letter off, two for words of 8 letters or more ("change" is not "charger"). */
const partLikeness: Likeness = (typed, known) =>
  Math.min(typed.length, known.length) >= 4 && editDistance(typed, known) <= (known.length >= 8 ? 2 : 1);

/** A typed word is the known one, exactly or misspelt; stop words only ever match exactly. */
function sameWord(typed: string, stop: boolean, known: string, like: Likeness): boolean {
  return typed === known || (!stop && like(typed, known));
}

/** Where a run of known words ends when it starts at token `start`; "heatpump" and "heat pump" are the same run. */
function matchRun(tokens: Token[], start: number, known: string[], like: Likeness = isTypoOf): { end: number; exact: boolean } | undefined {
  let at = start;
  let exact = true;
  let next = 0;
  while (next < known.length) {
    const token = tokens[at];
    if (!token) return undefined;
    const following = tokens[at + 1];
    if (sameWord(token.word, token.stop, known[next], like)) {
      exact &&= token.word === known[next];
      at++;
      next++;
    } else if (next + 1 < known.length && sameWord(token.word, token.stop, known[next] + known[next + 1], like)) {
      exact &&= token.word === known[next] + known[next + 1];
      at++;
      next += 2;
    } else if (following && !token.stop && !following.stop && sameWord(token.word + following.word, false, known[next], like)) {
      exact &&= token.word + following.word === known[next];
      at += 2;
      next++;
    } else {
      return undefined;
    }
  }
  return { end: at, exact };
}

/** How sure a reading is: a position ref, a whole name typed right, misspelt, part of a name, a synonym. */
const Score = { position: 5, whole: 4, wholeMisspelt: 3, part: 2, synonym: 1 } as const;

interface Candidate<T> {
  item: T;
  start: number;
  end: number;
  score: number;
}

function nameCandidates<T>(tokens: Token[], items: T[], nameOf: (item: T) => string): Candidate<T>[] {
  const candidates: Candidate<T>[] = [];
  for (const item of items) {
    const known = nameWords(nameOf(item));
    if (!known.length) continue;
    for (let start = 0; start < tokens.length; start++) {
      const whole = matchRun(tokens, start, known);
      if (whole) {
        candidates.push({ item, start, end: whole.end, score: whole.exact ? Score.whole : Score.wholeMisspelt });
        continue;
      }
      for (const word of known) {
        if (GENERIC_NAME_WORDS.has(word) || tokens[start].stop) continue;
        const part = matchRun(tokens, start, [word], partLikeness);
        if (part) candidates.push({ item, start, end: part.end, score: Score.part });
      }
    }
  }
  return candidates;
}

interface SynonymGroup {
  /** What people call it. */
  says: string[];
  /** Which meters it is. */
  fits(meter: MeterRow, name: string): boolean;
}

/** Whether a folded, singular name holds one of the phrases as whole words. */
function nameHas(...phrases: string[]): (meter: MeterRow, name: string) => boolean {
  return (_meter, name) => phrases.some((phrase) => ` ${name} `.includes(` ${phrase} `));
}

const SYNONYMS: SynonymGroup[] = [
  {
    says: [
      "house",
      "home",
      "place",
      "flat",
      "apartment",
      "building",
      "whole house",
      "whole home",
      "main meter",
      "everything",
      "total",
      "site",
      "property",
    ],
    fits: (meter) => meter.kind === "site",
  },
  {
    says: ["car", "ev", "charger", "wallbox", "vehicle", "electric car"],
    fits: nameHas("charger", "ev", "car", "wallbox", "vehicle", "tesla", "zoe", "leaf", "chargepoint", "charge point"),
  },
  { says: ["heating", "hp", "heat pump", "ashp"], fits: nameHas("heat pump", "heatpump", "hp", "ashp", "heating") },
  { says: ["panel", "pv", "solar", "solar panel", "inverter"], fits: nameHas("solar", "pv", "panel", "inverter") },
  { says: ["fridge", "freezer", "fridge freezer"], fits: nameHas("fridge", "freezer") },
  { says: ["dishwasher"], fits: nameHas("dishwasher", "dish washer") },
  { says: ["washing machine", "washer", "washing"], fits: nameHas("washing machine", "washer", "washing") },
  { says: ["dryer", "tumble dryer", "drier"], fits: nameHas("dryer", "drier") },
  { says: ["cooking", "kitchen", "oven", "cooker", "hob", "stove"], fits: nameHas("oven", "cooker", "hob", "stove", "kitchen") },
  { says: ["hot water", "immersion", "water heater", "boiler"], fits: nameHas("immersion", "water heater", "hot water", "boiler") },
  { says: ["garage"], fits: nameHas("garage") },
];

/** The synonyms' words, folded the way the text is, once. */
const SYNONYM_WORDS = SYNONYMS.map((group) => ({ group, says: group.says.map((phrase) => phrase.split(" ").map(singular)) }));

function synonymCandidates(tokens: Token[], meters: MeterRow[]): Candidate<MeterRow>[] {
  const candidates: Candidate<MeterRow>[] = [];
  const names = new Map(meters.map((meter) => [meter.id, nameWords(meter.name).join(" ")]));
  for (const { group, says } of SYNONYM_WORDS) {
    const fitting = meters.filter((meter) => group.fits(meter, names.get(meter.id) ?? ""));
    if (!fitting.length) continue;
    for (let start = 0; start < tokens.length; start++) {
      for (const phrase of says) {
        const run = matchRun(tokens, start, phrase, synonymLikeness);
        if (run) for (const meter of fitting) candidates.push({ item: meter, start, end: run.end, score: Score.synonym });
      }
    }
  }
  return candidates;
}

/** "site-1", "device-2", "meter-3": the nth of that kind (or of all), oldest first, as the meters come. */
function positionCandidates(tokens: Token[], meters: MeterRow[]): Candidate<MeterRow>[] {
  const candidates: Candidate<MeterRow>[] = [];
  for (let start = 0; start + 1 < tokens.length; start++) {
    const kind = tokens[start].word;
    const position = Number(tokens[start + 1].word);
    if (!(kind === "site" || kind === "device" || kind === "meter") || !Number.isInteger(position)) continue;
    const pool = kind === "meter" ? meters : meters.filter((meter) => meter.kind === kind);
    const meter = pool[position - 1];
    if (meter) candidates.push({ item: meter, start, end: start + 2, score: Score.position });
  }
  return candidates;
}

/**
 * The readings that win: longer phrases first, then the surer reading of the same words; a phrase that the
 * best reading of several things fits is ambiguous.
 */
function decide<T>(
  candidates: Candidate<T>[],
  tokens: Token[],
  text: string,
  source: (index: number, end: number) => { index: number; end: number },
  idOf: (item: T) => string,
): Resolution<T> {
  const ordered = [...candidates].sort((a, b) => b.end - b.start - (a.end - a.start) || b.score - a.score || a.start - b.start);
  const taken: Candidate<T>[] = [];
  const readings: Array<{ items: T[]; score: number; index: number; end: number }> = [];
  for (const candidate of ordered) {
    if (taken.some((other) => candidate.start < other.end && other.start < candidate.end)) continue;
    const same = ordered.filter(
      (other) => other.start === candidate.start && other.end === candidate.end && other.score === candidate.score,
    );
    taken.push(candidate);
    readings.push({
      items: [...new Map(same.map((other) => [idOf(other.item), other.item])).values()],
      score: candidate.score,
      ...source(tokens[candidate.start].index, tokens[candidate.end - 1].end),
    });
  }
  readings.sort((a, b) => a.index - b.index);
  const clear = readings.filter((reading) => reading.items.length === 1);
  const found = new Map(clear.map((reading) => [idOf(reading.items[0]), reading.items[0]]));
  // A phrase that fits several things, one of them named at least as surely elsewhere in the text, means that one ("Mum's place").
  const namedElsewhere = (item: T, score: number) =>
    clear.some((reading) => reading.score >= score && idOf(reading.items[0]) === idOf(item));
  const ambiguous = readings.find(
    (reading) => reading.items.length > 1 && !reading.items.some((item) => namedElsewhere(item, reading.score)),
  );
  if (ambiguous) return { kind: "ambiguous", candidates: ambiguous.items, phrase: text.slice(ambiguous.index, ambiguous.end) };
  if (!found.size) return { kind: "none" };
  return { kind: "found", items: [...found.values()], index: readings[0].index, end: readings[readings.length - 1].end };
}

/** The person's meters named in the text: name (whole, partial, misspelt), kind and synonyms. */
export function resolveMeters(text: string, meters: MeterRow[]): Resolution<MeterRow> {
  const { tokens, source } = tokensOf(text);
  const candidates = [
    ...positionCandidates(tokens, meters),
    ...nameCandidates(tokens, meters, (meter) => meter.name),
    ...synonymCandidates(tokens, meters),
  ];
  return decide(candidates, tokens, text, source, (meter) => meter.id);
}

/** Tabs, charts or tariffs named in the text, by their title/name (fuzzy). */
export function resolveNamed<T extends { id: string; name: string }>(text: string, items: T[]): Resolution<T> {
  const { tokens, source } = tokensOf(text);
  return decide(
    nameCandidates(tokens, items, (item) => item.name),
    tokens,
    text,
    source,
    (item) => item.id,
  );
}

/** Text folded for matching, and the small word tools the chat's understanding shares. Pure: no Worker imports. */

/** Lower case, accents stripped (NFKD, then the combining marks dropped), typographic apostrophes made plain. */
function plain(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

/** A word, with inner apostrophes ("don't", "garage's"). */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’‘][\p{L}\p{M}]+)*/gu;
/** A word that keeps the punctuation inside numbers and dates ("2026-03-14", "14/03", "07:30", "1.5"). */
const WORD_WITH_INNER_PUNCTUATION = /[\p{L}\p{M}\p{N}]+(?:['’‘][\p{L}\p{M}]+)*(?:[.:/-][\p{L}\p{M}\p{N}]+)*/gu;

/** "garage's" and "kids'" say the thing itself. */
function withoutPossessive(word: string): string {
  return word.replace(/'s$/, "").replace(/'$/, "");
}

/** Lower case, accents stripped, ’ -> ', "garage's" -> "garage", punctuation to spaces, spaces collapsed. */
export function fold(text: string): string {
  return words(text).join(" ");
}

/** The folded words of the text. */
export function words(text: string): string[] {
  return Array.from(plain(text).matchAll(WORD), (match) => withoutPossessive(match[0]));
}

/** Folded text that still knows where each of its words came from in the original. */
export interface FoldedText {
  text: string;
  /** The span of the original text behind text.slice(index, end). */
  source(index: number, end: number): { index: number; end: number };
}

export interface FoldOptions {
  /** Keep ".:/-" inside a word, for numbers, dates and times. */
  keepInnerPunctuation?: boolean;
  /** Replaces a folded word (a typo by what was meant); undefined keeps it. */
  respell?: (word: string) => string | undefined;
}

interface FoldedWord {
  start: number;
  end: number;
  sourceStart: number;
  sourceEnd: number;
}

/** fold(), keeping each word's position in the original so matches can point back at what was typed. */
export function foldTracked(text: string, options: FoldOptions = {}): FoldedText {
  const pattern = options.keepInnerPunctuation ? WORD_WITH_INNER_PUNCTUATION : WORD;
  const folded: FoldedWord[] = [];
  let out = "";
  for (const match of text.matchAll(pattern)) {
    const word = withoutPossessive(plain(match[0]));
    const spelt = options.respell?.(word) ?? word;
    if (out) out += " ";
    folded.push({ start: out.length, end: out.length + spelt.length, sourceStart: match.index, sourceEnd: match.index + match[0].length });
    out += spelt;
  }
  return {
    text: out,
    source(index, end) {
      const first = folded.find((word) => word.end > index) ?? folded[folded.length - 1];
      const last = folded.findLast((word) => word.start < end) ?? first;
      return { index: first?.sourceStart ?? 0, end: last?.sourceEnd ?? 0 };
    },
  };
}

/** Words ending in s that are not plurals. */
const NOT_PLURAL = new Set(["gas", "bus", "has", "was", "its", "this", "yes", "plus", "less", "always", "series", "kwh", "ups"]);

/** "chargers" -> "charger", "batteries" -> "battery", "switches" -> "switch"; "gas", "bus", "glass" stay. */
export function singular(word: string): string {
  if (word.length <= 3 || NOT_PLURAL.has(word) || /(ss|us|is)$/.test(word)) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (/(ch|sh|x|ss|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

/** Damerau-Levenshtein distance (optimal string alignment): insert, delete, substitute, swap two neighbours, each 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  // Three rolling rows: the one two back is needed for transpositions.
  let beforePrevious = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, beforePrevious[j - 2] + 1);
      current[j] = best;
    }
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[b.length];
}

/**
 * Whether a typed word is the known word, misspelt: edit distance 1 for words of 4-5 letters, 2 for longer.
 * Words of 3 letters or fewer must match exactly ("car" is not "cat", "hp" is not "up").
 */
export function isTypoOf(typed: string, known: string): boolean {
  if (typed === known) return true;
  const shorter = Math.min(typed.length, known.length);
  if (shorter <= 3) return false;
  const allowed = shorter <= 5 ? 1 : 2;
  return Math.abs(typed.length - known.length) <= allowed && editDistance(typed, known) <= allowed;
}

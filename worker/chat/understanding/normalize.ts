// Stand-in (section A replaces this file): the signatures of PLAN-17 §A, minimal behaviour.

/** Lower case, accents stripped, possessives dropped, punctuation to spaces, spaces collapsed. */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/'s\b/g, "")
    .replace(/[^a-z0-9.,:/£€$%' -]+/g, " ")
    .replace(/[,;!?]+(?=\s|$)/g, " ")
    .replace(/(?<!\d)[.:](?!\d)/g, " ")
    .replace(/'/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function words(text: string): string[] {
  const folded = fold(text);
  return folded ? folded.split(" ") : [];
}

const NOT_PLURAL = new Set(["gas", "bus", "this", "was", "is", "has", "its", "plus", "less", "class", "glass", "always"]);

export function singular(word: string): string {
  if (word.length < 4 || NOT_PLURAL.has(word) || word.endsWith("ss") || word.endsWith("us")) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|xes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

/** Damerau-Levenshtein (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

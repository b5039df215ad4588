// Stand-in (section A replaces this file): the signatures of PLAN-17 §A, minimal behaviour.

export interface Found<T> {
  value: T;
  index: number;
  end: number;
}

const SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
const NUMBER = String.raw`(\d[\d,]*(?:\.\d+)?|\.\d+|a|an|half an?|half|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)`;

export function numberValue(word: string): number | undefined {
  const w = word.trim().toLowerCase();
  if (w === "a" || w === "an") return 1;
  if (w.startsWith("half")) return 0.5;
  if (w === "a dozen") return 12;
  if (w === "twenty") return 20;
  const small = SMALL.indexOf(w);
  if (small >= 0) return small;
  const n = Number(w.replace(/,/g, ""));
  return Number.isFinite(n) && w !== "" ? n : undefined;
}

function scan<T>(pattern: RegExp, text: string, value: (m: RegExpExecArray) => T | undefined): Found<T>[] {
  const found: Found<T>[] = [];
  for (const m of text.matchAll(pattern)) {
    const v = value(m as RegExpExecArray);
    if (v !== undefined) found.push({ value: v, index: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  }
  return found;
}

const POWER = new RegExp(String.raw`\b${NUMBER}\s*(?:of a |a )?(kw|kilowatts?|w|watts?)\b(?!\s*h|-?hours?)`, "gi");
const ENERGY = new RegExp(String.raw`\b${NUMBER}\s*(kwh|kilowatt[ -]?hours?|wh|watt[ -]?hours?)\b`, "gi");

export function findPower(text: string): Found<number>[] {
  return scan(POWER, text, (m) => {
    const n = numberValue(m[1]);
    return n === undefined ? undefined : /^k/i.test(m[2]) ? n : n / 1000;
  });
}

export function findEnergy(text: string): Found<number>[] {
  return scan(ENERGY, text, (m) => {
    const n = numberValue(m[1]);
    return n === undefined ? undefined : /^k/i.test(m[2]) ? n : n / 1000;
  });
}

const CLOCK = /\b(?:(midnight)|(noon|midday)|(\d{1,2})[:.](\d{2})\s*(am|pm)?|(\d{1,2})\s*(am|pm|o'?clock)|by (\d{1,2})\b)/gi;

export function findClock(text: string): Found<{ hour: number; minute: number }>[] {
  return scan(CLOCK, text, (m) => {
    if (m[1]) return { hour: 0, minute: 0 };
    if (m[2]) return { hour: 12, minute: 0 };
    const hour = Number(m[3] ?? m[6] ?? m[8]);
    const minute = m[4] ? Number(m[4]) : 0;
    const half = (m[5] ?? m[7] ?? "").toLowerCase();
    if (hour > 23 || minute > 59) return undefined;
    return { hour: half === "pm" && hour < 12 ? hour + 12 : half === "am" && hour === 12 ? 0 : hour, minute };
  });
}

const PRICE = /(£|€|\$)?\s*(\d+(?:\.\d+)?)\s*(p|pence|cents?|c|€|eur|euros?|gbp|usd|dollars?)?\s*(?:\/|per|a|an)\s*kwh\b/gi;

export function findPricePerKwh(text: string): Found<{ price: number; currency?: string }>[] {
  return scan(PRICE, text, (m) => {
    const n = Number(m[2]);
    const unit = (m[3] ?? "").toLowerCase();
    const symbol = m[1];
    if (unit === "p" || unit === "pence") return { price: n / 100, currency: "GBP" };
    if (unit.startsWith("c")) return { price: n / 100 };
    if (symbol === "£" || unit === "gbp") return { price: n, currency: "GBP" };
    if (symbol === "€" || unit === "€" || unit.startsWith("eur")) return { price: n, currency: "EUR" };
    if (symbol === "$" || unit === "usd" || unit.startsWith("dollar")) return { price: n, currency: "USD" };
    return { price: n };
  });
}

const COUNT = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a few)\b/gi;

export function findCount(text: string): Found<number>[] {
  return scan(COUNT, text, (m) => {
    const w = m[1].toLowerCase();
    return w === "a couple of" ? 2 : w === "a few" ? 3 : numberValue(w);
  });
}

/** Numbers with units in chat text: power, energy, clock times, prices per kWh, counts. Pure: no Worker imports. */

export interface Found<T> {
  value: T;
  index: number;
  end: number;
}

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  "a hundred": 100,
  half: 0.5,
  "a half": 0.5,
  "half a": 0.5,
  "half an": 0.5,
  "one and a half": 1.5,
  dozen: 12,
  "a dozen": 12,
  couple: 2,
  "a couple": 2,
  "a couple of": 2,
  "couple of": 2,
  few: 3,
  "a few": 3,
};

const TENS = new Set(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]);
const DIGIT_WORDS = "one|two|three|four|five|six|seven|eight|nine";

/** "one".."twenty", "twenty-five", "a"/"an" = 1, "half" = 0.5, "a dozen" = 12, "1,500" = 1500, "1.5", "2,5"; undefined for anything else. */
export function numberValue(word: string): number | undefined {
  const said = word.trim().toLowerCase().replace(/\s+/g, " ");
  if (/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$/.test(said)) return Number(said.replaceAll(",", ""));
  // A comma before one or two digits is a decimal comma ("2,5 kW", "0,30 €").
  if (/^\d+,\d{1,2}$/.test(said)) return Number(said.replace(",", "."));
  const [, tens, ones] = /^(\w+)[ -](\w+)$/.exec(said) ?? [];
  if (tens && TENS.has(tens) && DIGIT_WORDS.split("|").includes(ones)) {
    return WORD_NUMBERS[tens] + WORD_NUMBERS[ones];
  }
  return WORD_NUMBERS[said];
}

/** Number words, longest first so "half a" wins over "half" and "a". */
const NUMBER_WORD = Object.keys(WORD_NUMBERS)
  .sort((a, b) => b.length - a.length)
  .join("|");
/** A number in digits ("1,500", "1.5", ".5", "2,5") or in words ("twenty-five", "half a"). */
const NUMBER = `(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+,\\d{1,2}(?!\\d)|\\d+(?:\\.\\d+)?|\\.\\d+|(?:(?:${[...TENS].join("|")})[ -](?:${DIGIT_WORDS})|${NUMBER_WORD})(?![a-z]))`;
/** Not inside a word or a longer number. */
const START = "(?<![\\p{L}\\p{N}.,])";

/** Lower case with every position kept, so matches point at the original text. */
function lower(text: string): string {
  return text.replace(/\p{Lu}/gu, (letter) => {
    const small = letter.toLowerCase();
    return small.length === letter.length ? small : letter;
  });
}

function findAll<T>(text: string, pattern: RegExp, read: (match: RegExpExecArray) => T | undefined): Found<T>[] {
  const found: Found<T>[] = [];
  for (const match of lower(text).matchAll(pattern)) {
    const value = read(match);
    if (value !== undefined) found.push({ value, index: match.index, end: match.index + match[0].length });
  }
  return found;
}

const POWER = new RegExp(`${START}${NUMBER}\\s*-?\\s*(kw|kilowatts?|w|watts?)(?![\\p{L}-]|\\s+hours?\\b|\\s*/\\s*h\\b)`, "gu");

/** Power in kW: "1 kW", "1,500 W", "1500W", "half a kilowatt", "1.5kw", "2 kilowatts", "800 watts". */
export function findPower(text: string): Found<number>[] {
  return findAll(text, POWER, ([, number, unit]) => {
    const value = numberValue(number);
    if (value === undefined) return undefined;
    return unit.startsWith("k") ? value : value / 1000;
  });
}

const ENERGY = new RegExp(
  `${START}${NUMBER}\\s*-?\\s*(kwh|kw h|kilowatt[ -]?hours?|kwhs|wh|watt[ -]?hours?|mwh|units?(?= of (?:electricity|energy|power)))(?!\\p{L})`,
  "gu",
);

/** Energy in kWh: "30 kWh", "5 kilowatt hours", "500 Wh", "13.5kwh", "2 MWh". */
export function findEnergy(text: string): Found<number>[] {
  // "30 cents a kWh" is a price, not one kWh.
  const prices = findPricePerKwh(text);
  return findAll(text, ENERGY, ([, number, unit]) => {
    const value = numberValue(number);
    if (value === undefined) return undefined;
    if (unit === "mwh") return value * 1000;
    return unit.startsWith("k") || unit.startsWith("unit") ? value : value / 1000;
  }).filter((energy) => !prices.some((price) => energy.index < price.end && price.index < energy.end));
}

const HOUR_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";
const CLOCK = new RegExp(
  [
    `${START}(\\d{1,2}):(\\d{2})(?:\\s*(am|pm|a\\.m\\.|p\\.m\\.))?`,
    `${START}(\\d{1,2}|${HOUR_WORDS})(?:\\s*(am|pm|a\\.m\\.|p\\.m\\.)|\\s+o'?clock)`,
    `\\b(midnight|noon|midday)\\b`,
    `\\b(half|quarter) (past|to) (\\d{1,2}|${HOUR_WORDS})\\b`,
    `\\b(?:by|at|until|till|til|before|after|from) (\\d{1,2}|${HOUR_WORDS})(?![\\p{L}\\p{N}%:/]|[.,]\\d|\\s*(?:-|kw|w\\b|watts?|kilowatts?|kwh|wh|days?|hours?|hrs?|weeks?|months?|years?|minutes?|mins?|percent|p\\b|pence|cents?|€|£|\\$|/|st\\b|nd\\b|rd\\b|th\\b)|\\s+(?:to|and|-)\\s+\\d|\\s+(?:of\\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))`,
  ].join("|"),
  "gu",
);

function hourNumber(word: string): number {
  return numberValue(word) ?? Number.NaN;
}

/** 7 pm is 19, 12 am is midnight. */
function withMeridiem(hour: number, meridiem: string | undefined): number {
  if (!meridiem) return hour;
  const afternoon = meridiem.startsWith("p");
  return (hour % 12) + (afternoon ? 12 : 0);
}

/** What a time without am/pm may say after it: "7 in the evening" is 19:00. */
const PART_OF_DAY_AFTER = /^\s+(?:in the (morning|afternoon|evening)|at (night)|(tonight))\b/;

/** The hour read from a clock match, as said, or undefined for an impossible time. */
function clockOf(match: RegExpExecArray): { hour: number; minute: number; meridiem: boolean } | undefined {
  const [, hh, mm, colonMeridiem, bareHour, bareMeridiem, named, fraction, direction, fractionHour, afterWord] = match;
  let hour: number;
  let minute = 0;
  if (hh !== undefined) {
    hour = withMeridiem(Number(hh), colonMeridiem);
    minute = Number(mm);
  } else if (bareHour !== undefined) {
    hour = withMeridiem(hourNumber(bareHour), bareMeridiem);
  } else if (named !== undefined) {
    hour = named === "midnight" ? 0 : 12;
  } else if (fraction !== undefined) {
    const minutes = fraction === "half" ? 30 : 15;
    hour = hourNumber(fractionHour) - (direction === "to" ? 1 : 0);
    minute = direction === "to" ? 60 - minutes : minutes;
  } else {
    hour = hourNumber(afterWord);
  }
  if (!(hour >= 0 && hour <= 24 && minute >= 0 && minute < 60) || (hour === 24 && minute > 0)) return undefined;
  return { hour, minute, meridiem: Boolean(colonMeridiem ?? bareMeridiem ?? named) };
}

/**
 * Clock times: "7 am", "7am", "by 7", "07:30", "7pm", "19:00", "midnight", "noon", "half past six", "7 in the
 * evening". "by 7" alone is 7 as said.
 */
export function findClock(text: string): Found<{ hour: number; minute: number }>[] {
  const small = lower(text);
  const found: Found<{ hour: number; minute: number }>[] = [];
  for (const match of small.matchAll(CLOCK)) {
    const clock = clockOf(match);
    if (!clock) continue;
    let { hour } = clock;
    let end = match.index + match[0].length;
    const after = clock.meridiem ? undefined : PART_OF_DAY_AFTER.exec(small.slice(end));
    if (after) {
      const [said, part, night, tonight] = after;
      const later = part === "afternoon" || part === "evening" || tonight !== undefined || (night !== undefined && hour >= 6);
      if (later && hour < 12) hour += 12;
      end += said.length;
    }
    found.push({ value: { hour, minute: clock.minute }, index: match.index, end });
  }
  return found;
}

const PER_KWH = "\\s*(?:/|per|a|an|each|for each|for a|for one)\\s*(?:kwh|kw h|unit|kilowatt[ -]?hour)(?!\\p{L})";
const CURRENCY_SIGNS: Record<string, string> = { "£": "GBP", "€": "EUR", $: "USD" };
const CURRENCY_WORDS: Record<string, string> = {
  "£": "GBP",
  gbp: "GBP",
  pound: "GBP",
  pounds: "GBP",
  "€": "EUR",
  eur: "EUR",
  euro: "EUR",
  euros: "EUR",
  $: "USD",
  usd: "USD",
  dollar: "USD",
  dollars: "USD",
};
const PRICE = new RegExp(
  [
    `([£€$])\\s?${NUMBER}${PER_KWH}`,
    `${START}${NUMBER}\\s*(p|pence|c|ct|cents?)${PER_KWH}`,
    `${START}${NUMBER}\\s*(£|€|\\$|gbp|eur|euros?|usd|dollars?|pounds?)${PER_KWH}`,
    `${START}${NUMBER}${PER_KWH}`,
  ].join("|"),
  "gu",
);

/**
 * Prices per kWh: "25p per kWh" -> 0.25 GBP, "0.30 €/kWh" -> EUR, "30 cents a kWh" -> 0.30 (dollars or euros: no
 * currency), "£0.245/kWh". A bare "0.3 per kWh" has no currency either.
 */
export function findPricePerKwh(text: string): Found<{ price: number; currency?: string }>[] {
  return findAll(text, PRICE, (match) => {
    const [, sign, signed, hundredths, hundredthUnit, worded, currencyWord, bare] = match;
    if (sign !== undefined) return priced(numberValue(signed), CURRENCY_SIGNS[sign]);
    if (hundredths !== undefined) {
      const value = numberValue(hundredths);
      const currency = hundredthUnit === "p" || hundredthUnit === "pence" ? "GBP" : hundredthUnit === "ct" ? "EUR" : undefined;
      return priced(value === undefined ? undefined : value / 100, currency);
    }
    if (worded !== undefined) return priced(numberValue(worded), CURRENCY_WORDS[currencyWord]);
    return priced(numberValue(bare), undefined);
  });
}

function priced(price: number | undefined, currency: string | undefined): { price: number; currency?: string } | undefined {
  if (price === undefined) return undefined;
  return currency ? { price: Number(price.toFixed(6)), currency } : { price: Number(price.toFixed(6)) };
}

/** "a" and "an" count one thing everywhere; as a count only the phrases say how many. */
const COUNT_WORDS = Object.keys(WORD_NUMBERS)
  .filter((word) => word !== "a" && word !== "an" && !word.includes("half"))
  .sort((a, b) => b.length - a.length)
  .join("|");
const COUNT = new RegExp(`(?<![\\p{L}\\p{N}.,:/-])(\\d+|(?:${COUNT_WORDS})(?![\\p{L}]))(?![\\p{N}]|[.,:/-]\\p{N}|\\s*%)`, "gu");

/** Bare counts: "3", "three", "a couple of" = 2, "a few" = 3; numbers that are a power, energy, price or time are not counts. */
export function findCount(text: string): Found<number>[] {
  const measured = [...findPower(text), ...findEnergy(text), ...findPricePerKwh(text), ...findClock(text)];
  return findAll(text, COUNT, ([, number]) => numberValue(number)).filter(
    (count) => !measured.some((other) => count.index < other.end && other.index < count.end),
  );
}

// Stand-in (section A replaces this file): the signatures of PLAN-17 §A, minimal behaviour, no chrono.

export type PeriodGrain = "hour" | "day" | "week" | "month" | "year" | "span";
export interface Period {
  from: string;
  to: string;
  label: string;
  grain: PeriodGrain;
  inProgress: boolean;
}
export interface PeriodMention extends Period {
  index: number;
  end: number;
  relative?: "previous" | "week-earlier" | "year-earlier";
  alternatives?: Period[];
}

interface Local {
  y: number;
  m: number;
  d: number;
  h: number;
  wd: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function local(at: Date, timeZone: string): Local {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  const y = Number(p.year);
  const m = Number(p.month);
  const d = Number(p.day);
  return { y, m, d, h: Number(p.hour), wd: (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7 };
}

function offset(ms: number, timeZone: string): number {
  const at = new Date(ms);
  const l = local(at, timeZone);
  const f = formatters.get(timeZone)!;
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return Date.UTC(l.y, l.m - 1, l.d, l.h, Number(p.minute), Number(p.second)) - Math.floor(ms / 1000) * 1000;
}

/** Local wall time (month may overflow) to a UTC instant. */
function instant(y: number, m: number, d: number, h: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d, h);
  let t = wall - offset(wall, timeZone);
  t = wall - offset(t, timeZone);
  return new Date(t);
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, ".000Z");

function make(from: Date, end: Date, now: Date, label: string, grain: PeriodGrain): Period {
  const inProgress = from <= now && now < end;
  return { from: iso(from), to: iso(inProgress ? now : end), label, grain, inProgress };
}

function startOf(grain: "day" | "week" | "month" | "year", l: Local, timeZone: string, back = 0): [Date, Date] {
  if (grain === "day") return [instant(l.y, l.m, l.d - back, 0, timeZone), instant(l.y, l.m, l.d - back + 1, 0, timeZone)];
  if (grain === "week") {
    const d = l.d - l.wd - 7 * back;
    return [instant(l.y, l.m, d, 0, timeZone), instant(l.y, l.m, d + 7, 0, timeZone)];
  }
  if (grain === "month") return [instant(l.y, l.m - back, 1, 0, timeZone), instant(l.y, l.m - back + 1, 1, 0, timeZone)];
  return [instant(l.y - back, 1, 1, 0, timeZone), instant(l.y - back + 1, 1, 1, 0, timeZone)];
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH_NAME = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const monthIndex = (word: string) => MONTHS.findIndex((m) => m.startsWith(word.slice(0, 3))) + 1;
const UNIT = {
  day: "day",
  days: "day",
  week: "week",
  weeks: "week",
  month: "month",
  months: "month",
  year: "year",
  years: "year",
} as const;
const WORD_NUMBERS: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, ten: 10, fourteen: 14 };

const TYPOS: [RegExp, string][] = [
  [/\b(yesturday|yestarday|yesterdy|yday|yest)\b/g, "yesterday"],
  [/\b(tday|tody|todya)\b/g, "today"],
  [/\b(lst|lsat|lats)\b/g, "last"],
  [/\b(wek|weeek)\b/g, "week"],
  [/\b(mnth|montn)\b/g, "month"],
];

type Rule = [RegExp, (m: RegExpExecArray, now: Date, tz: string) => Omit<PeriodMention, "index" | "end"> | undefined];

const RULES: Rule[] = [
  [/\b(?:this time|same time) last year\b/, (_m, now, tz) => ({ ...startDay(now, tz, 0, "today"), relative: "year-earlier" })],
  [
    /\b(?:the )?(day|week|month|year) before\b|\bthe previous (day|week|month|year)\b(?! or)/,
    (m, now, tz) => {
      const grain = (m[1] ?? m[2]) as "day" | "week" | "month" | "year";
      const [from, end] = startOf(grain, local(now, tz), tz, 1);
      return { ...make(from, end, now, `the ${grain} before`, grain), relative: "previous" };
    },
  ],
  [
    /\b(?:a|one) (week|year) (?:earlier|before|ago)\b|\bsame day last week\b/,
    (m, now, tz) => ({
      ...startDay(now, tz, 0, "today"),
      relative: m[1] === "year" ? "year-earlier" : "week-earlier",
    }),
  ],
  [/\byesterday\b|\blast night\b/, (_m, now, tz) => startDay(now, tz, 1, "yesterday")],
  [/\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b|\bso far today\b/, (_m, now, tz) => startDay(now, tz, 0, "today")],
  [
    /\b(?:the )?(?:last|past|previous) (\d+|a|one|two|three|four|five|six|seven|ten|fourteen) (hours?|days?|weeks?|months?|years?)\b/,
    (m, now) => {
      const n = Number(m[1]) || WORD_NUMBERS[m[1]] || 1;
      if (m[2].startsWith("hour")) return make(new Date(now.getTime() - n * 3_600_000), now, now, `the past ${n} hours`, "span");
      const unit = UNIT[m[2] as keyof typeof UNIT];
      const days = unit === "day" ? n : unit === "week" ? 7 * n : unit === "month" ? 30 * n : 365 * n;
      return { ...make(new Date(now.getTime() - days * 86_400_000), now, now, `the past ${n} ${unit}s`, "span"), inProgress: false };
    },
  ],
  [
    /\b(?:the )?(?:last|past) 24 ?h(?:ours?)?\b/,
    (_m, now) => make(new Date(now.getTime() - 86_400_000), now, now, "the last 24 hours", "span"),
  ],
  [
    /\b(this|last|past|previous) (week|month|year)\b/,
    (m, now, tz) => {
      const grain = m[2] as "week" | "month" | "year";
      const back = m[1] === "this" ? 0 : 1;
      const [from, end] = startOf(grain, local(now, tz), tz, back);
      return make(from, end, now, `${back ? "last" : "this"} ${grain}`, grain);
    },
  ],
  [
    /\bsince monday\b/,
    (_m, now, tz) => {
      const [from] = startOf("week", local(now, tz), tz);
      return { ...make(from, now, now, "since Monday", "span"), inProgress: true };
    },
  ],
  [
    /\b(\d{4})-(\d{2})-(\d{2})\b/,
    (m, now, tz) => {
      const from = instant(Number(m[1]), Number(m[2]), Number(m[3]), 0, tz);
      return make(from, instant(Number(m[1]), Number(m[2]), Number(m[3]) + 1, 0, tz), now, `${m[1]}-${m[2]}-${m[3]}`, "day");
    },
  ],
  [
    new RegExp(String.raw`\b(?:in |during |for )?${MONTH_NAME}(?: (\d{4}))?\b`),
    (m, now, tz) => {
      const month = monthIndex(m[1]);
      if (m[1] === "may" && !m[2] && !/^(in|during|for) /.test(m[0])) return undefined;
      const l = local(now, tz);
      const year = m[2] ? Number(m[2]) : month > l.m ? l.y - 1 : l.y;
      const from = instant(year, month, 1, 0, tz);
      const label = `${MONTHS[month - 1][0].toUpperCase()}${MONTHS[month - 1].slice(1)} ${year}`;
      return make(from, instant(year, month + 1, 1, 0, tz), now, label, "month");
    },
  ],
  [
    /\b(?:in|during|for) (20\d\d)\b/,
    (m, now, tz) => {
      const y = Number(m[1]);
      return make(instant(y, 1, 1, 0, tz), instant(y + 1, 1, 1, 0, tz), now, m[1], "year");
    },
  ],
];

function startDay(now: Date, tz: string, back: number, label: string): Period {
  const [from, end] = startOf("day", local(now, tz), tz, back);
  return make(from, end, now, label, "day");
}

export function parsePeriods(text: string, now: Date, timeZone: string): PeriodMention[] {
  let lower = text.toLowerCase();
  for (const [typo, word] of TYPOS)
    lower = lower.replace(typo, (w) => word.padEnd(w.length, " ").slice(0, Math.max(w.length, word.length)));
  const found: PeriodMention[] = [];
  for (const [pattern, build] of RULES) {
    const m = pattern.exec(lower);
    if (!m) continue;
    const index = m.index;
    const end = index + m[0].length;
    if (found.some((f) => index < f.end && end > f.index)) continue;
    const period = build(m, now, timeZone);
    if (period) found.push({ ...period, index, end });
  }
  return found.sort((a, b) => a.index - b.index);
}

export function previousPeriod(period: Period, timeZone: string): Period {
  const from = new Date(period.from);
  const l = local(from, timeZone);
  if (period.grain === "span" || period.grain === "hour") {
    const length = Date.parse(period.to) - from.getTime();
    return {
      from: iso(new Date(from.getTime() - length)),
      to: period.from,
      label: `the ${length >= 86_400_000 ? "days" : "hours"} before`,
      grain: period.grain,
      inProgress: false,
    };
  }
  const [start, end] = startOf(period.grain, l, timeZone, 1);
  return { from: iso(start), to: iso(end), label: `the ${period.grain} before`, grain: period.grain, inProgress: false };
}

export function shiftedPeriod(period: Period, by: "week" | "year", timeZone: string): Period {
  const shift = (at: string) => {
    const l = local(new Date(at), timeZone);
    const wall = new Date(at).getTime() + offset(new Date(at).getTime(), timeZone);
    const minutes = new Date(wall).getUTCMinutes();
    const d = by === "week" ? instant(l.y, l.m, l.d - 7, l.h, timeZone) : instant(l.y - 1, l.m, l.d, l.h, timeZone);
    return iso(new Date(d.getTime() + minutes * 60_000));
  };
  return {
    from: shift(period.from),
    to: shift(period.to),
    label: by === "week" ? `a week before ${period.label}` : `${period.label} a year earlier`,
    grain: period.grain,
    inProgress: false,
  };
}

import type { CreateAlertRuleBody } from "../../../alerts/rules-contract";
import type { EngineReply } from "../../engine";
import { findEnergy, findPower, numberValue } from "../../understanding/quantities";
import { type Ctx, reply, siteOf } from "./context";
import type { Reading } from "./intents";
import { metersOf } from "./who";

/** "tell me if", "warn me when", "let me know if", "alert me", "send me an alert": the person asks to be told later. */
const ASKS_TO_BE_TOLD =
  /\b((tell|warn|alert|notify|ping|message|text) (me|us)|let (me|us) know|send (me|us) an? (alert|notification|message)|set up an? alert|alert (if|when))\b/;
const WHEN_WORD = /\b(if|when|whenever|once|as soon as)\b/;
/** The meter goes quiet. */
const SILENCE =
  /\b(stops?|stopped|quits?) (reporting|sending|working)|\bgoes (silent|quiet|offline|dark)\b|\bno (data|readings)\b|\bnothing (comes|arrives)\b/;
const MONEY_SUBJECT = /\b(bill|cost|costs|spend|spending|budget)\b/;
const BELOW = /\b(below|under|less than|drops?|falls?|lower than)\b/;
/** The figure is the run's expectation for tomorrow, not a measurement. */
const FORECAST = /\b(tomorrow|tomorrows|forecasts?|forecasted|expected|predicted|projected)\b/;
/** The meter has a day unlike its usual ones: the run's unusual-consumption finding. */
const UNUSUAL = /\b(unusual|abnormal|odd|strange|weird|anomal\w*)\b/;
/**
 * "a day", "per hour", "in a week", "each day": a total over a trailing window of that length (a
 * threshold on energy or cost). "this month's bill" names a calendar period instead: a budget.
 */
const WINDOW = /\b(?:an?|per|each|every|any|one)\s+(hour|day|week)\b/;
const WINDOW_DURATIONS = { hour: "PT1H", day: "P1D", week: "P7D" } as const;

/** A silent meter is a problem after an hour unless the person says how long. */
const DEFAULT_SILENCE = "PT1H";
/** "over 2 kW" without a hold: ten minutes, so a kettle's minute does not fire it. */
const DEFAULT_HOLD = "PT10M";
/** "more than 20 kWh" without a window: a day's total. */
const DEFAULT_WINDOW = "P1D";

/** The rule a message asks for: its kind's fields, values in the stored units (W, Wh, kW for a forecast peak, money in the tariff's currency). */
export type AlertAsk =
  | { kind: "threshold"; metric: "power_w" | "energy_wh" | "cost"; op: "above" | "below"; value: number; for: string }
  | { kind: "no_data"; for: string }
  | { kind: "budget"; period: "day" | "week" | "month"; value: number }
  | { kind: "forecast"; metric: "cost" | "peak"; value: number }
  | { kind: "anomaly" };

/** Three decimals at most: 2.4 kW is 2400 W, not 2400.0000000000005. */
const rounded = (value: number) => Math.round(value * 1000) / 1000;

/** An ask to be told about a meter later, read into the rule it means; undefined when the message is something else. */
export function alertAsk(r: Reading): AlertAsk | undefined {
  const f = r.folded;
  if (!ASKS_TO_BE_TOLD.test(f)) return undefined;
  // "tell me about unusual days": no "if" needed, but a period ("last month") makes it a question about the past.
  if (UNUSUAL.test(f) && r.periods.length === 0) return { kind: "anomaly" };
  if (!WHEN_WORD.test(f)) return undefined;
  const hold = findDuration(r.text);
  if (SILENCE.test(f)) return { kind: "no_data", for: hold ?? DEFAULT_SILENCE };
  const op = BELOW.test(f) ? "below" : "above";
  const forecast = FORECAST.test(f);
  const window = WINDOW.exec(f);
  const total = window ? WINDOW_DURATIONS[window[1] as keyof typeof WINDOW_DURATIONS] : (hold ?? DEFAULT_WINDOW);
  const money = findMoney(r.text);
  if (money !== undefined) {
    if (forecast) return { kind: "forecast", metric: "cost", value: money };
    if (window) return { kind: "threshold", metric: "cost", op, value: money, for: total };
    if (MONEY_SUBJECT.test(f)) return { kind: "budget", period: budgetPeriod(f), value: money };
  }
  const power = findPower(r.text)[0];
  if (power && forecast) return { kind: "forecast", metric: "peak", value: rounded(power.value) };
  if (power) return { kind: "threshold", metric: "power_w", op, value: rounded(power.value * 1000), for: hold ?? DEFAULT_HOLD };
  const energy = findEnergy(r.text)[0];
  if (energy) return { kind: "threshold", metric: "energy_wh", op, value: rounded(energy.value * 1000), for: total };
  return undefined;
}

function budgetPeriod(folded: string): "day" | "week" | "month" {
  if (/\b(today|todays|day|daily)\b/.test(folded)) return "day";
  if (/\b(week|weeks|weekly)\b/.test(folded)) return "week";
  return "month";
}

const UNIT_SECONDS: Record<string, number> = { second: 1, sec: 1, minute: 60, min: 60, hour: 3600, hr: 3600, day: 86400 };
/** An amount (digits or words, "an", "half an") right before a unit of time. */
const DURATION = /(?<![\p{L}\p{N}])(half an?|[\d.,]+|[a-z]+(?:-[a-z]+)?)\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)\b/giu;

/** "for more than 10 minutes", "for half an hour", "for 2 hours", "for an hour" as an ISO-8601 duration. */
export function findDuration(text: string): string | undefined {
  for (const [, amount, unitWord] of text.toLowerCase().matchAll(DURATION)) {
    const value = /^half/.test(amount) ? 0.5 : numberValue(amount);
    const seconds = value === undefined ? undefined : value * UNIT_SECONDS[unitWord.replace(/s$/, "")];
    if (seconds && seconds > 0) return isoDuration(Math.round(seconds));
  }
  return undefined;
}

function isoDuration(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${rest ? `${rest}S` : ""}`;
  return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

const MONEY = /(?:([£$€])\s*([\d.,]+)|([\d.,]+)\s*(pounds?|quid|dollars?|euros?|eur|gbp|usd|€))/i;

/** "£120", "$40", "120 euros": an amount in the tariff's currency (the rule compares in it). */
export function findMoney(text: string): number | undefined {
  const match = MONEY.exec(text);
  if (!match) return undefined;
  return numberValue(match[2] ?? match[3]);
}

/**
 * The rule asked for, made through `create_alert_rule`: on the meter named; a budget or a forecast
 * (the bill, the plan: a site's) on the site of a device only remembered from earlier turns.
 */
export async function alertRule(ask: AlertAsk, r: Reading, ctx: Ctx): Promise<EngineReply> {
  const siteWide = ask.kind === "budget" || ask.kind === "forecast";
  const who = metersOf(r, ctx, { site: siteWide });
  if ("ask" in who) return reply(who.ask, who.choices);
  const named = who.meters[0];
  const meter = siteWide && r.meters.kind !== "found" ? (siteOf(named, ctx.turn.meters) ?? named) : named;
  const input: CreateAlertRuleBody = { meterId: meter.id, ...ask, channels: [], urgent: false };
  return reply(await ctx.say("create_alert_rule", input));
}

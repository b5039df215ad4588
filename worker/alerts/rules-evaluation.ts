/**
 * Alert rules judged off the request path:
 * - as readings arrive, from the inference queue consumer, before its run throttle
 *   (`evaluateReadingRules`): threshold rules on the new readings, no_data rules resolved;
 * - after each model run (`evaluateRunRules`): budget, forecast and anomaly on the run's results;
 * - on the Cron Trigger (`evaluateScheduledRules`): no_data (silence) and budget.
 * A change to firing or resolved tells the person once: an in-app notification (stored with the
 * rule's new state, pushed after the commit) and the rule's channels; a silenced rule records its
 * history and tells nobody.
 */
import { userHub } from "../../durable-objects/user-hub/stub";
import { formatMoney } from "../costs/money-contract";
import { meterTariff, priceGrid } from "../costs/pricing";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { memberIds } from "../homes/queries";
import type { MeterRow } from "../meters/queries";
import { notificationDto } from "../notifications/dto";
import type { NewNotification } from "../notifications/queries";
import { wholeEnergies, wholeEnergy } from "../rollups/read";
import { latestModelRuns, type ModelRunRow } from "../runs/queries";
import { type CalendarPeriod, calendarPeriod } from "../series/windows";
import type { AlertMessage } from "./contract";
import { enqueueAlertDelivery } from "./delivery";
import { judge, type Observation, run, silenceGapMs, silenceStep, type TrackedState, type Transition } from "./rule-states";
import { type AlertRuleKind, type AlertRuleParams, durationMs, type ThresholdMetric } from "./rules-contract";
import type { AlertRuleRow } from "./rules-queries";
import * as queries from "./rules-queries";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Only readings this recent can fire a rule: a history import or a meter's backlog never floods anyone. */
export const FIRING_WINDOW_MS = HOUR;
/**
 * Budget, forecast and anomaly rules fire when their figure is still over on a judgement this
 * long after it first crossed (a run's later re-forecast, the schedule's later budget): one noisy
 * forecast never pages anyone.
 */
export const FIGURE_HOLD_MS = 15 * MINUTE;

/** What a judgement of one rule gives: the new state, its changes, and how far it judged. */
interface Judged {
  tracked: TrackedState;
  transitions: Transition[];
  evaluatedThrough: Date | null;
  /** Words for the value: "7.4 kW", "£3.20". */
  format: (value: number) => string;
  /** What the message adds about how the value was reached (a forecast rule: how much of tomorrow the run covers). */
  note?: string;
}

const trackedOf = (rule: AlertRuleRow): TrackedState => ({
  state: rule.state,
  stateSince: rule.stateSince,
  clearSince: rule.clearSince,
  lastValue: rule.lastValue,
});

const kw = (w: number) => `${(w / 1000).toFixed(2)} kW`;
const kwh = (wh: number) => `${(wh / 1000).toFixed(2)} kWh`;
const seconds = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : `${Math.round(s / 60)} min`);

/** Threshold rules of the meter on the readings that just arrived, and no_data rules they end (the queue consumer, for each meter job). */
export async function evaluateReadingRules(env: Env, db: Database, meter: MeterRow, now: Date): Promise<void> {
  for (const rule of await queries.enabledRulesOfMeter(db, meter.id, ["threshold", "no_data"])) {
    const judged = rule.params.kind === "threshold" ? await judgeThreshold(db, meter, rule, now) : judgeSilenceBroken(meter, rule);
    if (judged) await record(env, db, meter, rule, judged, now);
  }
}

/** Budget, forecast and anomaly rules of the meter on a run just stored (the run pipeline). */
export async function evaluateRunRules(env: Env, db: Database, meter: MeterRow, modelRun: ModelRunRow, now: Date): Promise<void> {
  const costSoFar = costsSoFarOnce(db, meter, now);
  for (const rule of await queries.enabledRulesOfMeter(db, meter.id, ["budget", "forecast", "anomaly"])) {
    const judged = await judgeFigures(meter, rule, modelRun, costSoFar, now);
    if (judged) await record(env, db, meter, rule, judged, now);
  }
}

const SCHEDULED_KINDS: readonly AlertRuleKind[] = ["no_data", "budget"];

/**
 * Every enabled no_data and budget rule at `at` (the Cron Trigger); returns how many rules changed
 * state. Reads per round, not per rule: the budget meters' latest runs in one statement, and each
 * meter's cost so far for all its budget periods in one (a day, week and month budget on a meter
 * would otherwise read the same hours three times).
 */
export async function evaluateScheduledRules(env: Env, db: Database, at: Date): Promise<number> {
  const rules = await queries.enabledRulesOfKinds(db, SCHEDULED_KINDS);
  const meters = new Map((await queries.metersByIds(db, [...new Set(rules.map((r) => r.meterId))])).map((m) => [m.id, m]));
  const owned = rules.filter((rule) => meters.get(rule.meterId)?.ownerId === rule.ownerId);
  const budgets = owned.filter((rule) => rule.params.kind === "budget" && !(rule.evaluatedThrough && at <= rule.evaluatedThrough));
  const modelRuns = await latestModelRuns(db, [...new Set(budgets.map((rule) => rule.meterId))]);
  const periodsOf = new Map<string, CalendarPeriod[]>();
  for (const rule of budgets)
    if (rule.params.kind === "budget") periodsOf.set(rule.meterId, [...(periodsOf.get(rule.meterId) ?? []), rule.params.period]);
  const costsSoFar = new Map([...periodsOf].map(([meterId, periods]) => [meterId, costsSoFarOnce(db, meters.get(meterId)!, at, periods)]));
  let changed = 0;
  for (const rule of owned) {
    const meter = meters.get(rule.meterId)!;
    const judged =
      rule.params.kind === "no_data"
        ? judgeSilence(meter, rule, at)
        : await judgeFigures(meter, rule, modelRuns.get(meter.id), costsSoFar.get(meter.id) ?? costsSoFarOnce(db, meter, at), at);
    if (judged && (await record(env, db, meter, rule, judged, at))) changed++;
  }
  return changed;
}

/**
 * Power: each new reading of the last hour in time order, the condition held for `for` on the
 * readings' own timestamps. Energy and cost: the total over the trailing `for` up to the newest
 * reading, judged once per batch of readings.
 */
async function judgeThreshold(db: Database, meter: MeterRow, rule: AlertRuleRow, now: Date): Promise<Judged | undefined> {
  if (rule.params.kind !== "threshold") return undefined;
  const { metric, op, value: threshold } = rule.params;
  const holdMs = durationMs(rule.params.for)!;
  const floor = now.getTime() - FIRING_WINDOW_MS;
  const after = new Date(Math.max(floor, rule.evaluatedThrough?.getTime() ?? floor));
  if (metric === "power_w") {
    const readings = await queries.powerReadingsBetween(db, meter.id, after, now);
    if (readings.length === 0) return undefined;
    const observations: Observation[] = readings.map((r) => ({ at: r.ts, value: r.powerW, ...judge(op, threshold, r.powerW) }));
    return { ...run(trackedOf(rule), observations, holdMs), evaluatedThrough: readings.at(-1)!.ts, format: kw };
  }
  const newest = meter.lastReadingAt;
  if (!newest || newest <= after || newest > now) return undefined;
  const total = await windowTotal(db, meter, metric, new Date(newest.getTime() - holdMs), newest);
  if (!total) return undefined;
  const observation: Observation = { at: newest, value: total.value, ...judge(op, threshold, total.value) };
  // A total over the window is already the duration: it fires when it crosses, without a further hold.
  return { ...run(trackedOf(rule), [observation], 0), evaluatedThrough: newest, format: total.format };
}

async function windowTotal(
  db: Database,
  meter: MeterRow,
  metric: Exclude<ThresholdMetric, "power_w">,
  from: Date,
  to: Date,
): Promise<{ value: number; format: (value: number) => string } | undefined> {
  if (metric === "energy_wh") {
    const whole = await wholeEnergy(db, meter, from, to);
    return whole && { value: whole.energyWh, format: kwh };
  }
  const tariff = await meterTariff(db, meter.ownerId, meter);
  const whole = await wholeEnergy(db, meter, from, to, priceGrid(tariff.tariff, from.getTime(), to.getTime()));
  // A missing price leaves the cost unknown: nothing to judge rather than a partial sum.
  if (!whole || whole.cost === null) return undefined;
  return { value: whole.cost, format: (v) => formatMoney(v, tariff.currency) };
}

/**
 * no_data on the schedule at `at`: silent since the last reading (or since the rule was made, for
 * a meter that never sent one). A late or repeated schedule never judges an earlier moment than
 * one already judged.
 */
function judgeSilence(meter: MeterRow, rule: AlertRuleRow, at: Date): Judged | undefined {
  if (rule.params.kind !== "no_data") return undefined;
  if (rule.evaluatedThrough && at <= rule.evaluatedThrough) return undefined;
  const forMs = durationMs(rule.params.for)!;
  const lastReadingAt = meter.lastReadingAt ?? rule.createdAt;
  const stepped = silenceStep(trackedOf(rule), { at, lastReadingAt, forMs, gapMs: silenceGapMs(meter.readingIntervalMs, forMs) });
  return { ...stepped, evaluatedThrough: at, format: seconds };
}

/**
 * no_data as readings arrive: a reading newer than the silence that made the rule pending or
 * firing ends it, judged at that reading's time (whatever moment the schedule judged last).
 */
function judgeSilenceBroken(meter: MeterRow, rule: AlertRuleRow): Judged | undefined {
  if (rule.params.kind !== "no_data" || rule.state === "ok" || !rule.stateSince || !meter.lastReadingAt) return undefined;
  const forMs = durationMs(rule.params.for)!;
  const gapMs = silenceGapMs(meter.readingIntervalMs, forMs);
  const silenceStart = rule.stateSince.getTime() - (rule.state === "firing" ? forMs : gapMs);
  if (meter.lastReadingAt.getTime() <= silenceStart) return undefined;
  const stepped = silenceStep(trackedOf(rule), { at: meter.lastReadingAt, lastReadingAt: meter.lastReadingAt, forMs, gapMs });
  const judgedThrough = Math.max(rule.evaluatedThrough?.getTime() ?? 0, meter.lastReadingAt.getTime());
  return { ...stepped, evaluatedThrough: new Date(judgedThrough), format: seconds };
}

/**
 * Budget: the cost so far in the period (the meter's calendar) plus the latest run's forecast for
 * the rest of it (`forecastCostBetween`: its planned hours inside the period, beyond them the same time of day, as for tomorrow).
 * Forecast: tomorrow's expected cost or peak on the meter's calendar (`tomorrowForecast`). Anomaly: the run's
 * unusual-consumption finding (the value: the kWh used over the hours compared). Each is held
 * for FIGURE_HOLD_MS before firing and before resolving, beyond the 5 % margin.
 */
async function judgeFigures(
  meter: MeterRow,
  rule: AlertRuleRow,
  modelRun: ModelRunRow | undefined,
  costSoFar: CostSoFar,
  at: Date,
): Promise<Judged | undefined> {
  if (rule.evaluatedThrough && at <= rule.evaluatedThrough) return undefined;
  const params = rule.params;
  let observation: Observation;
  let format: (value: number) => string;
  let note: string | undefined;
  switch (params.kind) {
    case "budget": {
      const projected = await projectedCost(meter, params.period, modelRun, costSoFar, at);
      if (!projected) return undefined;
      observation = { at, value: projected.value, ...judge("above", params.value, projected.value) };
      format = (v) => formatMoney(v, projected.currency);
      break;
    }
    case "forecast": {
      const tomorrow = modelRun && tomorrowForecast(modelRun, meter.timezone, at);
      if (!tomorrow) return undefined;
      const value = params.metric === "cost" ? tomorrow.cost : tomorrow.peakKw;
      observation = { at, value, ...judge("above", params.value, value) };
      format = params.metric === "cost" ? (v) => formatMoney(v, modelRun.figures.currency) : (v) => `${v.toFixed(2)} kW`;
      note = coverageNote(tomorrow);
      break;
    }
    case "anomaly": {
      if (!modelRun) return undefined;
      const finding = modelRun.findings.find((f) => f.kind === "consumption_anomaly");
      const value = finding?.data.actualKwh ?? 0;
      observation = { at, value, breaching: finding !== undefined, clear: finding === undefined };
      format = (v) => `${v.toFixed(1)} kWh`;
      break;
    }
    default:
      return undefined;
  }
  return { ...run(trackedOf(rule), [observation], FIGURE_HOLD_MS), evaluatedThrough: at, format, note };
}

async function projectedCost(
  meter: MeterRow,
  period: CalendarPeriod,
  modelRun: ModelRunRow | undefined,
  costSoFar: CostSoFar,
  at: Date,
): Promise<{ value: number; currency: string } | undefined> {
  const { to } = calendarPeriod(period, at, meter.timezone);
  const soFar = await costSoFar(period);
  // A missing price leaves the cost so far unknown: nothing to judge.
  if (soFar.cost === null) return undefined;
  return { value: soFar.cost + forecastCostBetween(modelRun, at, to), currency: soFar.currency };
}

/** A meter's cost from the start of a calendar period (its own time zone) up to the judgement: null when a price is missing. */
type CostSoFar = (period: CalendarPeriod) => Promise<{ cost: number | null; currency: string }>;

/**
 * CostSoFar of one meter at `at`, read once for `periods` (and again for any other period asked):
 * the periods' starts cut [earliest start, at) into adjacent windows read in ONE statement
 * (wholeEnergies), and each period's cost is the sum of the windows from its start on. Costs add
 * up across windows as the rollups' hours and the raw spans do.
 */
function costsSoFarOnce(db: Database, meter: MeterRow, at: Date, periods: CalendarPeriod[] = []): CostSoFar {
  const read = async (wanted: CalendarPeriod[]) => {
    const tariff = await meterTariff(db, meter.ownerId, meter);
    const starts = [...new Set(wanted.map((period) => calendarPeriod(period, at, meter.timezone).from.getTime()))]
      .filter((start) => start < at.getTime())
      .sort((a, b) => a - b);
    const windows = starts.map((start, i) => ({ from: new Date(start), to: new Date(starts[i + 1] ?? at.getTime()) }));
    const pieces = starts.length > 0 ? await wholeEnergies(db, meter, windows, priceGrid(tariff.tariff, starts[0], at.getTime())) : [];
    return (period: CalendarPeriod) => {
      const from = calendarPeriod(period, at, meter.timezone).from.getTime();
      let cost: number | null = 0;
      // Nothing covered in a window (undefined) adds nothing; a window without a price makes the whole unknown.
      for (const [i, piece] of pieces.entries())
        if (starts[i] >= from && piece) cost = cost === null || piece.cost === null ? null : cost + piece.cost;
      return { cost, currency: tariff.currency };
    };
  };
  // Read on the first period asked, not before: a round judges its rules one after another.
  let batch: ReturnType<typeof read> | undefined;
  return async (period) => {
    if (!periods.includes(period)) return (await read([period]))(period);
    batch ??= read(periods);
    return (await batch)(period);
  };
}

type PlanHour = ModelRunRow["plan"][number];

/** A piece of a time range on a plan's hour grid, with the plan hour that forecasts it (none before the plan starts). */
interface ForecastPiece {
  ms: number;
  hour: PlanHour | undefined;
  /** Inside the run's horizon (its own forecast of that hour), not repeated from the same time of day. */
  forecast: boolean;
}

/**
 * How a run forecasts [from, to), for budgets and forecast rules alike: cut on the plan's hour
 * grid, each piece takes the plan's own hour inside the horizon and, past it, the plan's hour at
 * the same offset modulo the horizon: the same time of day, as the model forecasts 24 hours (the
 * hour 24 h earlier, or 48 h across a 25-hour day).
 */
function forecastPieces(plan: PlanHour[], from: number, to: number): ForecastPiece[] {
  const planStart = Date.parse(plan[0].t);
  const horizonMs = plan.length * HOUR;
  const pieces: ForecastPiece[] = [];
  for (let start = from; start < to; ) {
    const offset = start - planStart;
    const end = offset < 0 ? Math.min(to, planStart) : Math.min(to, start + HOUR - (offset % HOUR));
    pieces.push(
      offset < 0
        ? { ms: end - start, hour: undefined, forecast: false }
        : { ms: end - start, hour: plan[Math.floor((offset % horizonMs) / HOUR)], forecast: offset < horizonMs },
    );
    start = end;
  }
  return pieces;
}

const pieceCost = ({ ms, hour }: ForecastPiece) => (hour ? (hour.gridKwh * hour.priceKwh * ms) / HOUR : 0);

/**
 * The run's forecast cost of [from, to) (`forecastPieces`): its planned hours (the current one
 * from `from`), and past its horizon the same time of day, as a forecast rule reads tomorrow.
 * Time before the plan's first hour has no forecast and adds nothing.
 */
export function forecastCostBetween(modelRun: Pick<ModelRunRow, "plan"> | undefined, from: Date, to: Date): number {
  if (!modelRun || modelRun.plan.length === 0 || to <= from) return 0;
  return forecastPieces(modelRun.plan, from.getTime(), to.getTime()).reduce((sum, piece) => sum + pieceCost(piece), 0);
}

/** Tomorrow on the meter's calendar as a run sees it: its expected cost and peak, and how many of its hours the run forecasts. */
export interface TomorrowForecast {
  /** Tomorrow's local midnight. */
  day: Date;
  cost: number;
  peakKw: number;
  coveredHours: number;
  /** 24, or 23 and 25 on the days the clocks change. */
  dayHours: number;
}

/**
 * Tomorrow (the meter's local day after the one `at` is in) from a run: the model forecasts 24
 * hours ahead, so a run made during the day covers only the start of tomorrow (from 18:00, its
 * first 18 hours). The hours past the horizon repeat the run's own forecast of the same time of
 * day (the plan's hour 24 h earlier, or 48 h when the run was made just after midnight before a
 * 25-hour day): a whole day to compare with a daily figure, and the message says how much of it
 * was forecast. Cost and peak are the plan's (grid energy after the battery, at its prices).
 */
export function tomorrowForecast(modelRun: Pick<ModelRunRow, "plan">, zone: string, at: Date): TomorrowForecast | undefined {
  const { plan } = modelRun;
  if (plan.length === 0) return undefined;
  const day = calendarPeriod("day", calendarPeriod("day", at, zone).to, zone);
  const from = day.from.getTime();
  const to = day.to.getTime();
  const pieces = forecastPieces(plan, from, to);
  // A plan starting after tomorrow began does not forecast all of it.
  if (pieces.some((piece) => !piece.hour)) return undefined;
  return {
    day: day.from,
    cost: pieces.reduce((sum, piece) => sum + pieceCost(piece), 0),
    peakKw: Math.max(0, ...pieces.map((piece) => piece.hour!.gridKwh)),
    coveredHours: Math.round(pieces.reduce((sum, piece) => sum + (piece.forecast ? piece.ms : 0), 0) / HOUR),
    dayHours: Math.round((to - from) / HOUR),
  };
}

/** "The forecast covers 18 of tomorrow's 24 hours; the other 6 repeat its forecast for the same time today." */
function coverageNote({ coveredHours, dayHours }: TomorrowForecast): string {
  if (coveredHours >= dayHours) return `The forecast covers all ${dayHours} hours of tomorrow.`;
  return `The forecast covers ${coveredHours} of tomorrow's ${dayHours} hours; the other ${dayHours - coveredHours} repeat its forecast for the same time of day.`;
}

/**
 * Stores a judgement that changed something and, for each change to firing or resolved, tells the
 * person (unless the rule is silenced at that moment). Returns whether the state changed. A concurrent evaluation
 * of the same rule (the queue and the schedule at once) stores first; this one then does nothing.
 */
async function record(env: Env, db: Database, meter: MeterRow, rule: AlertRuleRow, judged: Judged, now: Date): Promise<boolean> {
  // Most evaluations change nothing: no write then (the next one judges the same readings the same way).
  if (judged.transitions.length === 0 && judged.tracked.clearSince?.getTime() === rule.clearSince?.getTime()) return false;
  const silenced = rule.silencedUntil !== null && rule.silencedUntil > now;
  const told = silenced ? [] : judged.transitions.filter((t) => t.state === "firing" || t.state === "resolved");
  const since = conditionSince(rule, judged.transitions);
  // Each member of the rule's home is told: in the app, and through the rule's channels they own.
  const members = told.length > 0 ? await memberIds(db, rule.ownerId) : [];
  const notifications: NewNotification[] = members.flatMap((member) =>
    told.map((transition) => {
      const message = alertMessage(meter, rule, transition, judged, since);
      return {
        ownerId: member,
        meterId: meter.id,
        alertRuleId: rule.id,
        kind: transition.state === "firing" ? "alert_firing" : "alert_resolved",
        title: message.title,
        body: message.message,
        context: rule.chatContext ? [rule.chatContext] : [],
      } satisfies NewNotification;
    }),
  );
  const stored = await queries.saveEvaluation(
    db,
    rule,
    { ...judged.tracked, evaluatedThrough: judged.evaluatedThrough },
    judged.transitions.map((t) => ({
      ruleId: rule.id,
      ownerId: rule.ownerId,
      meterId: meter.id,
      state: t.state,
      at: t.at,
      value: t.value,
      silenced,
    })),
    notifications,
  );
  if (!stored) return false;
  if (told.length > 0) {
    // After the commit: the hub and the delivery queue are told what is stored.
    for (const notification of stored.notifications)
      await userHub(env, notification.ownerId)
        .publish("notification", notificationDto(notification))
        .catch((error: Error) => console.error(`alerts: could not publish rule ${rule.id}'s notification: ${error.message}`));
    for (const [owner, channelIds] of await queries.channelsByOwner(db, rule.channelIds, members))
      for (const transition of told)
        await enqueueAlertDelivery(env, {
          ownerId: owner,
          channelIds,
          message: alertMessage(meter, rule, transition, judged, since),
        });
  }
  return judged.transitions.length > 0;
}

const FIRING_WORDS: Record<AlertRuleRow["kind"], string> = {
  threshold: "crossed its threshold",
  no_data: "has sent nothing",
  budget: "is on course to pass its budget",
  forecast: "is forecast above its limit for tomorrow",
  anomaly: "is having an unusual day",
};

/** Since when the condition has held: the start of this pending spell (in this judgement or stored), else the change itself. */
function conditionSince(rule: AlertRuleRow, transitions: Transition[]): Date | undefined {
  const pending = transitions.findLast((t) => t.state === "pending");
  if (pending) return pending.at;
  return rule.state === "pending" && rule.stateSince ? rule.stateSince : undefined;
}

/** What the person asked for, in words after "to be told when". */
function askedFor(meter: MeterRow, params: AlertRuleParams, format: (value: number) => string): string {
  switch (params.kind) {
    case "threshold": {
      // "2 kW" as the person said it, not the judged value's "2.00 kW".
      const value = params.metric === "power_w" ? `${Number((params.value / 1000).toFixed(2))} kW` : format(params.value);
      return `${meter.name} ${params.op === "above" ? "passes" : "drops below"} ${value}`;
    }
    case "no_data":
      return `${meter.name} stops reporting`;
    case "budget":
      return `${meter.name}'s ${params.period} heads over ${format(params.value)}`;
    case "forecast":
      return `${meter.name}'s forecast ${params.metric} is over ${format(params.value)}`;
    case "anomaly":
      return `${meter.name} has an unusual day`;
  }
}

function alertMessage(
  meter: MeterRow,
  rule: AlertRuleRow,
  transition: Transition,
  { format, note }: Pick<Judged, "format" | "note">,
  since: Date | undefined,
): AlertMessage {
  const firing = transition.state === "firing";
  const clock = (at: Date, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat("en-GB", { timeZone: meter.timezone, ...options }).format(at);
  const when = clock(transition.at, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const value = format(transition.value);
  const asked = rule.chatContext;
  const message = asked
    ? `On ${clock(new Date(asked.at), { day: "numeric", month: "short" })} you asked to be told when ${askedFor(meter, rule.params, format)}: ${
        !firing
          ? `it is back to normal (${rule.kind === "no_data" ? "readings again" : value}) since ${clock(transition.at, { hour: "2-digit", minute: "2-digit" })}`
          : rule.kind === "no_data"
            ? `it has sent nothing for ${value}`
            : `it has been at ${value} since ${clock(since ?? transition.at, { hour: "2-digit", minute: "2-digit" })}`
      }.`
    : firing
      ? `${meter.name} ${FIRING_WORDS[rule.kind]} (${rule.name}): ${rule.kind === "no_data" ? `silent for ${value}` : value} at ${when}.`
      : `${meter.name} is back to normal (${rule.name}): ${rule.kind === "no_data" ? "readings again" : value} at ${when}.`;
  return {
    type: firing ? "alert.firing" : "alert.resolved",
    rule: { id: rule.id, name: rule.name },
    meter: { id: meter.id, name: meter.name },
    value: transition.value,
    at: transition.at.toISOString(),
    title: `${firing ? "Firing" : "Resolved"}: ${rule.name}`.slice(0, 200),
    message: note ? `${message} ${note}` : message,
    urgent: rule.urgent,
  };
}

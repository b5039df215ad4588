import { forecast24h, loadScenarios, MODEL_VERSION } from "../../ml/runtime/forecast";
import { HISTORY_HOURS, HORIZON_HOURS, localCalendar } from "../../ml/runtime/features";
import { hourlyPrices, planSchedule, type DeferrableLoad, type Plan, type Tariff } from "../../ml/runtime/planner";
import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { insertModelRun, latestModelRun, type ModelRunRow, type NewModelRun } from "./queries";
import { hourlyKwh } from "../readings/queries";
import type { FlexibleAssets, TariffSetting } from "../meters/energy-contract";
import type { ModelRunFinding, ModelRunPlanHour } from "./contract";

const HOUR = 3_600_000;
/** Automatic runs of one meter are at least this far apart; a person's request always runs. */
export const AUTO_RUN_INTERVAL_MS = 15 * 60_000;
/** Below this the forecast would mostly be imputation. */
export const MIN_HISTORY_HOURS = 72;
/** Used when the meter has no tariff: the Low Carbon London trial's flat standard price. */
export const DEFAULT_TARIFF = { kind: "flat", price: 0.14228, currency: "GBP" } as const;

/** Where a run's time went, in ms (reported as Server-Timing and by the benchmark). */
export interface RunTimings {
  /** Waiting for the ONNX session: its creation on an isolate's first run, about 0 after. */
  session: number;
  /** Features and inference. */
  forecast: number;
  plan: number;
}

/** An automatic run forecasts "tomorrow" only for a meter whose data is current, not for a history upload. */
export const AUTO_RUN_MAX_DATA_AGE_MS = 2 * HOUR;

export type RunOutcome =
  | { status: "ran"; run: ModelRunRow; timings: RunTimings }
  | { status: "throttled"; lastRunAt: Date }
  | { status: "stale_data"; newestReading: Date | null }
  | { status: "not_enough_data"; hoursWithData: number };

/**
 * Forecasts the meter's next 24 hours from the 168 before its newest complete hour, plans its
 * flexible assets against its tariff, and stores the run with `store` (by default one INSERT; the
 * queue and the API store it in a transaction with its notifications: model/publish-run.ts).
 * The same function serves the queue consumer (auto), the API and the chat (manual).
 */
export async function runModel(
  db: Database,
  meter: MeterRow,
  trigger: "auto" | "manual",
  now = new Date(),
  store: (run: NewModelRun) => Promise<ModelRunRow> = (run) => insertModelRun(db, run),
): Promise<RunOutcome> {
  if (trigger === "auto" && (!meter.lastReadingAt || now.getTime() - meter.lastReadingAt.getTime() > AUTO_RUN_MAX_DATA_AGE_MS)) {
    return { status: "stale_data", newestReading: meter.lastReadingAt };
  }
  const previous = await latestModelRun(db, meter.ownerId, meter.id);
  if (trigger === "auto" && previous && now.getTime() - previous.createdAt.getTime() < AUTO_RUN_INTERVAL_MS) {
    return { status: "throttled", lastRunAt: previous.createdAt };
  }
  const newest = meter.lastReadingAt ?? now;
  const start = Math.floor(Math.min(newest.getTime(), now.getTime()) / HOUR) * HOUR;
  const inputFrom = new Date(start - HISTORY_HOURS * HOUR);
  const history = await hourlyKwh(db, meter.id, inputFrom, new Date(start));
  const hoursWithData = history.filter(Number.isFinite).length;
  if (hoursWithData < MIN_HISTORY_HOURS) return { status: "not_enough_data", hoursWithData };

  let mark = performance.now();
  // Loaded on the first run only: the ONNX runtime's wasm (14 MB) stays out of every other request's path.
  const { forecastSession, Tensor } = await import("./forecast-session");
  const session = await forecastSession();
  const timings: RunTimings = { session: performance.now() - mark, forecast: 0, plan: 0 };
  mark = performance.now();
  const { kwh: forecast } = await forecast24h(session, Tensor as never, history, start, { timeZone: meter.timezone });
  timings.forecast = performance.now() - mark;
  mark = performance.now();
  const tariffSetting = meter.tariff ?? DEFAULT_TARIFF;
  const prices = hourlyPrices(plannerTariff(tariffSetting, meter.timezone), start, HORIZON_HOURS);
  const assets = meter.assets ?? {};
  const deferrable = deferrableLoads(assets, start, meter.timezone);
  const plan = planSchedule({
    start,
    load: forecast,
    loadScenarios: loadScenarios(forecast, history),
    prices,
    battery: assets.battery ?? null,
    deferrable,
  });
  timings.plan = performance.now() - mark;

  const planHours: ModelRunPlanHour[] = plan.hours.map((hour, i) => ({
    t: new Date(start + i * HOUR).toISOString(),
    priceKwh: hour.price,
    loadKwh: hour.loadKwh,
    chargeKwh: hour.chargeKwh,
    dischargeKwh: hour.dischargeKwh,
    socKwh: hour.socKwh,
    deferrableKwh: hour.deferrableKwh,
    gridKwh: hour.gridKwh,
  }));
  const currency = ("currency" in tariffSetting && tariffSetting.currency) || "GBP";
  const figures = {
    expectedCost: plan.cost,
    baselineCost: plan.baselineCost,
    savings: plan.savings,
    peakKw: plan.peakKwh,
    baselinePeakKw: plan.baselinePeakKwh,
    forecastKwh: forecast.reduce((a, b) => a + b, 0),
    currency,
    defaultTariff: meter.tariff === null,
    historyHoursWithData: hoursWithData,
  };
  const findings = detectFindings({ plan, planHours, assets, previous, history, inputFrom, currency, timezone: meter.timezone });
  const run = await store({
    meterId: meter.id,
    ownerId: meter.ownerId,
    trigger,
    modelVersion: MODEL_VERSION,
    inputFrom,
    inputTo: new Date(start),
    forecastKwh: forecast,
    plan: planHours,
    figures,
    findings,
  });
  return { status: "ran", run, timings };
}

function plannerTariff(setting: TariffSetting, timeZone: string): Tariff {
  return setting.kind === "tou" ? { ...setting, timeZone } : setting;
}

/** Local-hour windows ("18 to 7") become the first matching run of hours in the horizon. */
function deferrableLoads(assets: FlexibleAssets, start: number, timeZone: string): DeferrableLoad[] {
  const loads: DeferrableLoad[] = [];
  for (const load of assets.deferrableLoads ?? []) {
    const inWindow = (h: number) => {
      const local = localCalendar(start + h * HOUR, timeZone).hour;
      const to = load.toHour % 24;
      return load.fromHour < to ? local >= load.fromHour && local < to : local >= load.fromHour || local < to;
    };
    let earliest = 0;
    while (earliest < HORIZON_HOURS && !inWindow(earliest)) earliest++;
    let latest = earliest;
    while (latest < HORIZON_HOURS && inWindow(latest)) latest++;
    if (latest === earliest) continue;
    // A window that the horizon cuts short still gets as much of the energy as fits.
    const energyKwh = Math.min(load.energyKwh, load.powerKw * (latest - earliest));
    loads.push({ id: load.name, energyKwh, powerKw: load.powerKw, earliest, latest });
  }
  return loads;
}

const SAVINGS_SHARE_WORTH_TELLING = 0.1;
const ANOMALY_RATIO = 1.5;
const ANOMALY_MIN_HOURS = 6;
const ANOMALY_MIN_KWH = 1;

function localHourLabel(iso: string, timeZone: string): string {
  return `${String(localCalendar(Date.parse(iso), timeZone).hour).padStart(2, "0")}:00`;
}

/** The few results worth a person's attention; most runs have none. */
function detectFindings(input: {
  plan: Plan;
  planHours: ModelRunPlanHour[];
  assets: FlexibleAssets;
  previous: ModelRunRow | undefined;
  history: number[];
  inputFrom: Date;
  currency: string;
  timezone: string;
}): ModelRunFinding[] {
  const { plan, planHours, assets, previous, history, inputFrom, currency, timezone } = input;
  const findings: ModelRunFinding[] = [];
  const peakHour = planHours.reduce((best, hour) => (hour.gridKwh > best.gridKwh ? hour : best), planHours[0]);
  if (assets.peakLimitKw && plan.peakKwh > assets.peakLimitKw) {
    findings.push({
      kind: "peak_over_limit",
      message: `The next 24 hours peak at ${plan.peakKwh.toFixed(1)} kW around ${localHourLabel(peakHour.t, timezone)}, above your ${assets.peakLimitKw} kW limit.`,
      data: { peakKw: plan.peakKwh, limitKw: assets.peakLimitKw },
    });
  }
  if (plan.baselineCost > 0 && plan.savings >= SAVINGS_SHARE_WORTH_TELLING * plan.baselineCost && plan.savings >= 0.05) {
    findings.push({
      kind: "plan_saves",
      message: `Following today's plan saves ${plan.savings.toFixed(2)} ${currency} (${Math.round((100 * plan.savings) / plan.baselineCost)} %) over the next 24 hours.`,
      data: { savings: plan.savings, baselineCost: plan.baselineCost },
    });
  }
  // Compare what the previous forecast expected with what the meter then used.
  if (previous) {
    let forecastSum = 0;
    let actualSum = 0;
    let hours = 0;
    previous.forecastKwh.forEach((expected, i) => {
      const index = Math.round((previous.inputTo.getTime() + i * HOUR - inputFrom.getTime()) / HOUR);
      const actual = history[index];
      if (index >= 0 && index < history.length && Number.isFinite(actual)) {
        forecastSum += expected;
        actualSum += actual;
        hours++;
      }
    });
    const ratio = forecastSum > 0 ? actualSum / forecastSum : 0;
    if (hours >= ANOMALY_MIN_HOURS && Math.abs(actualSum - forecastSum) >= ANOMALY_MIN_KWH && (ratio >= ANOMALY_RATIO || ratio <= 1 / ANOMALY_RATIO)) {
      const more = actualSum > forecastSum;
      findings.push({
        kind: "consumption_anomaly",
        message: `Over the last ${hours} hours the meter used ${actualSum.toFixed(1)} kWh, ${Math.round(Math.abs(ratio - 1) * 100)} % ${more ? "more" : "less"} than forecast.`,
        data: { actualKwh: actualSum, forecastKwh: forecastSum, hours },
      });
    }
  }
  return findings;
}

/** "20:00–23:00, 02:00" from hourly slots in plan order (consecutive hours merge). */
function hourRanges(hours: ModelRunPlanHour[], plan: ModelRunPlanHour[], timezone: string): string {
  const indexes = hours.map((h) => plan.indexOf(h));
  const ranges: string[] = [];
  for (let i = 0; i < indexes.length; i++) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j] + 1) j++;
    const from = localHourLabel(plan[indexes[i]].t, timezone);
    const until = localHourLabel(new Date(Date.parse(plan[indexes[j]].t) + HOUR).toISOString(), timezone);
    ranges.push(i === j ? from : `${from}–${until}`);
    i = j;
  }
  return ranges.join(", ");
}

/** The plan in two or three sentences, for the meters page, the API and the chat. */
export function explainRun(run: ModelRunRow, timezone: string): string {
  const { figures, plan } = run;
  const at = (hour: ModelRunPlanHour) => localHourLabel(hour.t, timezone);
  const peak = plan.reduce((best, hour) => (hour.gridKwh > best.gridKwh ? hour : best), plan[0]);
  const parts = [`Forecast: ${figures.forecastKwh.toFixed(1)} kWh over the next 24 hours, with the highest demand around ${at(peak)} (${figures.peakKw.toFixed(1)} kW).`];
  const charging = plan.filter((h) => h.chargeKwh > 0.01);
  const discharging = plan.filter((h) => h.dischargeKwh > 0.01);
  if (charging.length || discharging.length) {
    const cheapest = charging.length ? Math.min(...charging.map((h) => h.priceKwh)) : 0;
    const dearest = discharging.length ? Math.max(...discharging.map((h) => h.priceKwh)) : 0;
    parts.push(
      `The battery charges ${charging.length ? `at ${hourRanges(charging, plan, timezone)} (from ${cheapest.toFixed(3)} ${figures.currency}/kWh)` : "at no hour"} and supplies the home ${discharging.length ? `at ${hourRanges(discharging, plan, timezone)} (up to ${dearest.toFixed(3)} ${figures.currency}/kWh)` : "at no hour"}.`,
    );
  }
  const shifted = [...new Set(plan.flatMap((h) => Object.entries(h.deferrableKwh).filter(([, kwh]) => kwh > 0.01).map(([name]) => name)))];
  for (const name of shifted) {
    parts.push(`${name} runs at ${hourRanges(plan.filter((h) => (h.deferrableKwh[name] ?? 0) > 0.01), plan, timezone)}.`);
  }
  parts.push(
    figures.savings > 0.005
      ? `Expected cost ${figures.expectedCost.toFixed(2)} ${figures.currency} instead of ${figures.baselineCost.toFixed(2)} without a plan.`
      : `Expected cost ${figures.expectedCost.toFixed(2)} ${figures.currency}; ${charging.length || shifted.length ? "the plan saves little today" : "there is nothing to shift (no battery or flexible load set)"}.`,
  );
  if (figures.defaultTariff) parts.push(`No tariff is set for this meter, so a flat ${DEFAULT_TARIFF.price} ${DEFAULT_TARIFF.currency}/kWh was assumed.`);
  return parts.join(" ");
}

import { HISTORY_HOURS, HORIZON_HOURS, leaveOutHours } from "../../ml/runtime/features";
import { type ForecastQuantiles, forecast24h, loadScenarios, MODEL_VERSION } from "../../ml/runtime/forecast";
import { planSchedule } from "../../ml/runtime/planner";
import { awayRangesForRun } from "../annotations/service";
import { meterTariff } from "../costs/pricing";
import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { actualsForRun, chooseForecastMethod, persistenceBaselines } from "./accuracy";
import type { ForecastMethod, ModelRunFigures, ModelRunPlanHour } from "./contract";
import { detectFindings } from "./findings";
import { horizonPrices } from "./horizon-prices";
import { DEFAULT_TARIFF, deferrableLoads } from "./planner-inputs";
import { latestModelRun, type NewModelRun } from "./queries";

const HOUR = 3_600_000;
/** Automatic runs of one meter are at least this far apart; a person's request always runs. */
export const AUTO_RUN_INTERVAL_MS = 15 * 60_000;
/** Below this the forecast would mostly be imputation. */
export const MIN_HISTORY_HOURS = 72;

/** Where a run's time went, in ms (reported as Server-Timing and by the benchmark). */
export interface RunTimings {
  /** Waiting for the ONNX session: its creation on an isolate's first run, about 0 after. */
  session: number;
  /** Features and inference. */
  forecast: number;
  plan: number;
}

/** An automatic run forecasts the next 24 h only for a meter whose data is current, not for a history upload. */
export const AUTO_RUN_MAX_DATA_AGE_MS = 2 * HOUR;

/** Why a run did not happen. */
export type SkippedRun =
  | { status: "throttled"; lastRunAt: Date }
  | { status: "stale_data"; newestReading: Date | null }
  | { status: "not_enough_data"; hoursWithData: number };

/** A computed run, not stored yet. */
export type ModelOutcome = { status: "ran"; run: NewModelRun; timings: RunTimings } | SkippedRun;

/**
 * Forecasts the meter's next 24 hours (with their p10-p90 band) from the 168 before its newest
 * complete hour, whatever the hour: each run re-plans from the newest data, the battery from
 * where the previous plan left it. While the model has done worse than a persistence baseline
 * for a week, the run forecasts with that baseline instead (accuracy.ts). Then it plans the
 * flexible assets against the tariff and finds what is worth telling. It only reads: the
 * pipeline (pipeline.ts) stores the run with its notifications. The same function serves the
 * queue consumer (auto), the API and the chat (manual), and replays of past hours (`now`).
 */
export async function runModel(db: Database, meter: MeterRow, trigger: "auto" | "manual", now = new Date()): Promise<ModelOutcome> {
  if (trigger === "auto" && (!meter.lastReadingAt || now.getTime() - meter.lastReadingAt.getTime() > AUTO_RUN_MAX_DATA_AGE_MS)) {
    return { status: "stale_data", newestReading: meter.lastReadingAt };
  }
  const previous = await latestModelRun(db, meter.ownerId, meter.id, now);
  if (trigger === "auto" && previous && now.getTime() - previous.createdAt.getTime() < AUTO_RUN_INTERVAL_MS) {
    return { status: "throttled", lastRunAt: previous.createdAt };
  }
  const newest = meter.lastReadingAt ?? now;
  const start = Math.floor(Math.min(newest.getTime(), now.getTime()) / HOUR) * HOUR;
  const inputFrom = new Date(start - HISTORY_HOURS * HOUR);
  const actuals = await actualsForRun(db, meter.id, start);
  // Hours marked away are left out of both the forecast's input and the unusual-day comparison.
  const away = await awayRangesForRun(db, meter, inputFrom, new Date(start));
  const { history, hoursLeftOut } = leaveOutHours(
    actuals.kwh.slice(-HISTORY_HOURS),
    inputFrom.getTime(),
    away.map((range) => ({ from: range.startsAt.getTime(), to: range.endsAt.getTime() })),
  );
  const hoursWithData = history.filter(Number.isFinite).length;
  if (hoursWithData < MIN_HISTORY_HOURS) return { status: "not_enough_data", hoursWithData };

  // The tariff the costs use too: the meter's own, else its site's (a device). Without one the
  // planner still needs prices to plan by: the flat default, said so in the run (defaultTariff).
  const tariff = await meterTariff(db, meter.ownerId, meter);

  let mark = performance.now();
  // Loaded on the first run only: the ONNX runtime's wasm (14 MB) stays out of every other request's path.
  const { forecastSession, Tensor } = await import("./forecast-session");
  const session = await forecastSession();
  const timings: RunTimings = { session: performance.now() - mark, forecast: 0, plan: 0 };
  mark = performance.now();
  const { quantiles: modelQuantiles } = await forecast24h(session, Tensor as never, history, start, { timeZone: meter.timezone });
  timings.forecast = performance.now() - mark;
  const fallback = await chooseForecastMethod(db, meter.ownerId, meter.id, start, actuals);
  const quantiles = fallback.method === "model" ? modelQuantiles : baselineQuantiles(fallback.method, history, modelQuantiles);
  const forecast = quantiles.p50;
  mark = performance.now();
  const { prices, filledHours } = horizonPrices(tariff.tariff ?? DEFAULT_TARIFF, start, HORIZON_HOURS);
  const assets = meter.assets ?? {};
  const initialSocKwh = assets.battery ? plannedSocAt(previous, start, assets.battery.capacityKwh) : undefined;
  const plan = planSchedule({
    start,
    load: forecast,
    loadScenarios: loadScenarios(forecast, history),
    prices,
    battery: assets.battery ? { ...assets.battery, initialSocKwh } : null,
    deferrable: deferrableLoads(assets, start, meter.timezone),
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
  const currency = tariff.currency;
  const figures: ModelRunFigures = {
    expectedCost: plan.cost,
    baselineCost: plan.baselineCost,
    savings: plan.savings,
    peakKw: plan.peakKwh,
    baselinePeakKw: plan.baselinePeakKwh,
    forecastKwh: forecast.reduce((a, b) => a + b, 0),
    currency,
    defaultTariff: tariff.source === "none",
    filledPriceHours: filledHours,
    ...(initialSocKwh === undefined ? {} : { initialSocKwh }),
    historyHoursWithData: hoursWithData,
    ...(hoursLeftOut > 0 ? { awayHoursLeftOut: hoursLeftOut } : {}),
  };
  const findings = detectFindings({
    plan,
    planHours,
    assets,
    previous,
    history,
    inputFrom,
    currency,
    timezone: meter.timezone,
    fallback,
  });
  const run: NewModelRun = {
    meterId: meter.id,
    ownerId: meter.ownerId,
    trigger,
    modelVersion: MODEL_VERSION,
    inputFrom,
    inputTo: new Date(start),
    forecastKwh: forecast,
    forecastP10: quantiles.p10,
    forecastP90: quantiles.p90,
    forecastMethod: fallback.method,
    modelForecastKwh: fallback.method === "model" ? null : modelQuantiles.p50,
    plan: planHours,
    figures,
    findings,
  };
  return { status: "ran", run, timings };
}

/**
 * Where the battery stands at `start` if it followed the plans: the previous run's planned state
 * of charge at that hour (the same as its own start for a run of the same hour). No battery
 * telemetry exists, so this is what rolling re-planning continues from; 0 without a plan covering it.
 */
function plannedSocAt(
  previous: { inputTo: Date; plan: ModelRunPlanHour[]; figures: ModelRunFigures } | undefined,
  start: number,
  capacityKwh: number,
): number {
  if (!previous) return 0;
  const hoursIn = (start - previous.inputTo.getTime()) / HOUR;
  const soc = hoursIn === 0 ? previous.figures.initialSocKwh : previous.plan[hoursIn - 1]?.socKwh;
  return Math.min(capacityKwh, soc ?? 0);
}

/**
 * A persistence baseline as the run's forecast, from the history before `start` (where it has a
 * gap, the model's value), with the model's band around it: the baseline knows no spread of its own.
 */
function baselineQuantiles(method: Exclude<ForecastMethod, "model">, history: number[], model: ForecastQuantiles): ForecastQuantiles {
  const baseline = persistenceBaselines(history, HISTORY_HOURS, HORIZON_HOURS);
  const p50 = (method === "persistence_ensemble" ? baseline.persistenceEnsemble : baseline.lastValue).map((kwh, h) =>
    Number.isFinite(kwh) ? kwh : model.p50[h],
  );
  return {
    p10: p50.map((kwh, h) => Math.max(0, kwh - (model.p50[h] - model.p10[h]))),
    p50,
    p90: p50.map((kwh, h) => kwh + (model.p90[h] - model.p50[h])),
  };
}

import type { Plan } from "../../ml/runtime/planner";
import { formatMoney } from "../costs/money-contract";
import type { FlexibleAssets } from "../meters/energy-contract";
import type { ForecastMethod, LeadAccuracy, ModelRunFinding, ModelRunPlanHour } from "./contract";
import { localHourLabel, peakHour } from "./explain";

const HOUR = 3_600_000;
/** A plan is worth telling about when it saves this share of the cost without one… */
const SAVINGS_SHARE_WORTH_TELLING = 0.1;
/** …and at least this much, in the tariff's currency. */
const SAVINGS_MIN = 0.05;
/** Consumption is unusual when it is this many times the previous forecast, or that forecast this many times it… */
const ANOMALY_RATIO = 1.5;
/** …over at least this many hours… */
const ANOMALY_MIN_HOURS = 6;
/** …and by at least this many kWh. */
const ANOMALY_MIN_KWH = 1;

export interface FindingsInput {
  plan: Pick<Plan, "peakKwh" | "savings" | "baselineCost">;
  planHours: ModelRunPlanHour[];
  assets: FlexibleAssets;
  /** The meter's previous run: what it forecast, from when, and with what. */
  previous: { inputTo: Date; forecastKwh: number[]; forecastMethod: ForecastMethod } | undefined;
  /** Hourly kWh from `inputFrom` (NaN where the meter sent nothing). */
  history: number[];
  inputFrom: Date;
  currency: string;
  timezone: string;
  /** What this run forecast with, and the last 7 days' 24 h-ahead accuracy that chose it. */
  fallback: { method: ForecastMethod; accuracy: LeadAccuracy };
}

/** The few results worth a person's attention; most runs have none. */
export function detectFindings(input: FindingsInput): ModelRunFinding[] {
  return [peakOverLimit(input), planSaves(input), consumptionAnomaly(input), forecastFallback(input)].filter(
    (finding) => finding !== undefined,
  );
}

function peakOverLimit({ plan, planHours, assets, timezone }: FindingsInput): ModelRunFinding | undefined {
  if (!assets.peakLimitKw || plan.peakKwh <= assets.peakLimitKw) return undefined;
  return {
    kind: "peak_over_limit",
    message: `The next 24 hours peak at ${plan.peakKwh.toFixed(1)} kW around ${localHourLabel(peakHour(planHours).t, timezone)}, above your ${assets.peakLimitKw} kW limit.`,
    data: { peakKw: plan.peakKwh, limitKw: assets.peakLimitKw },
  };
}

function planSaves({ plan, currency }: FindingsInput): ModelRunFinding | undefined {
  if (!(plan.baselineCost > 0 && plan.savings >= SAVINGS_SHARE_WORTH_TELLING * plan.baselineCost && plan.savings >= SAVINGS_MIN))
    return undefined;
  return {
    kind: "plan_saves",
    message: `Following today's plan saves ${formatMoney(plan.savings, currency)} (${Math.round((100 * plan.savings) / plan.baselineCost)} %) over the next 24 hours.`,
    data: { savings: plan.savings, baselineCost: plan.baselineCost },
  };
}

/** Compares what the previous forecast expected with what the meter then used. */
function consumptionAnomaly({ previous, history, inputFrom }: FindingsInput): ModelRunFinding | undefined {
  if (!previous) return undefined;
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
  if (
    hours < ANOMALY_MIN_HOURS ||
    Math.abs(actualSum - forecastSum) < ANOMALY_MIN_KWH ||
    (ratio < ANOMALY_RATIO && ratio > 1 / ANOMALY_RATIO)
  )
    return undefined;
  return {
    kind: "consumption_anomaly",
    message: `Over the last ${hours} hours the meter used ${actualSum.toFixed(1)} kWh, ${Math.round(Math.abs(ratio - 1) * 100)} % ${actualSum > forecastSum ? "more" : "less"} than forecast.`,
    data: { actualKwh: actualSum, forecastKwh: forecastSum, hours },
  };
}

const BASELINE_WORDS: Record<Exclude<ForecastMethod, "model">, string> = {
  persistence_ensemble: "the average of the same hour over the past week",
  last_value: "the last hour's use repeated",
};

/** Told once, when the runs switch from the model to a baseline (recovery switches back quietly). */
function forecastFallback({ fallback, previous }: FindingsInput): ModelRunFinding | undefined {
  const { method, accuracy } = fallback;
  if (method === "model" || (previous && previous.forecastMethod !== "model")) return undefined;
  const model = accuracy.model ?? 0;
  const baseline = Math.min(accuracy.persistenceEnsemble ?? Infinity, accuracy.lastValue ?? Infinity);
  return {
    kind: "forecast_fallback",
    message: `Over the last 7 days the forecast a day ahead was off by ${Math.round(100 * model)} % of an average hour, more than simply taking ${BASELINE_WORDS[method]} (${Math.round(100 * baseline)} %). Plans use that instead until the forecast does better again.`,
    data: { modelCvrmse: model, baselineCvrmse: baseline, samples: accuracy.samples },
  };
}

import { localCalendar } from "../../ml/runtime/features";
import { formatMoney, formatPricePerKwh } from "../costs/money-contract";
import { demandPeakHour, type ForecastMethod, type ModelRunFigures, type ModelRunPlanHour } from "./contract";
import { DEFAULT_TARIFF } from "./planner-inputs";

const HOUR = 3_600_000;

/** "18:00": the local hour of an instant in the meter's time zone. */
export function localHourLabel(iso: string, timeZone: string): string {
  return `${String(localCalendar(Date.parse(iso), timeZone).hour).padStart(2, "0")}:00`;
}

/** The hour of the plan with the highest grid import (the first of equals). */
export function peakHour(plan: ModelRunPlanHour[]): ModelRunPlanHour {
  return plan.reduce((best, hour) => (hour.gridKwh > best.gridKwh ? hour : best), plan[0]);
}

/** "20:00–23:00, 02:00" from hourly slots in plan order (consecutive hours merge). */
export function hourRanges(hours: ModelRunPlanHour[], plan: ModelRunPlanHour[], timezone: string): string {
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

/** Why a run forecast with a baseline, in words. */
const BASELINE_SENTENCES: Record<Exclude<ForecastMethod, "model">, string> = {
  persistence_ensemble:
    "The model's forecasts have lately been further off than the average of the past week, so this forecast is that average until the model does better.",
  last_value:
    "The model's forecasts have lately been further off than repeating the last hour, so this forecast does that until the model does better.",
};

/** The plan in two or three sentences, for the meters page, the API and the chat. */
export function explainRun(
  run: { figures: ModelRunFigures; plan: ModelRunPlanHour[]; forecastMethod?: ForecastMethod },
  timezone: string,
): string {
  const { figures, plan } = run;
  // The demand is the forecast's; the grid draw is the plan's, which adds the battery's and the loads' charging.
  const demand = demandPeakHour(plan);
  const parts = [
    `Forecast: ${figures.forecastKwh.toFixed(1)} kWh over the next 24 hours, with the highest demand around ${localHourLabel(demand.t, timezone)} (${demand.loadKwh.toFixed(1)} kW).`,
  ];
  if (figures.peakKw.toFixed(1) !== demand.loadKwh.toFixed(1))
    parts.push(
      `With the plan's charging, the most drawn from the grid is ${figures.peakKw.toFixed(1)} kW around ${localHourLabel(peakHour(plan).t, timezone)}.`,
    );
  if (run.forecastMethod && run.forecastMethod !== "model") parts.push(BASELINE_SENTENCES[run.forecastMethod]);
  const charging = plan.filter((h) => h.chargeKwh > 0.01);
  const discharging = plan.filter((h) => h.dischargeKwh > 0.01);
  if (charging.length || discharging.length) {
    const cheapest = charging.length ? Math.min(...charging.map((h) => h.priceKwh)) : 0;
    const dearest = discharging.length ? Math.max(...discharging.map((h) => h.priceKwh)) : 0;
    parts.push(
      `The battery charges ${charging.length ? `at ${hourRanges(charging, plan, timezone)} (from ${formatPricePerKwh(cheapest, figures.currency)})` : "at no hour"} and supplies the home ${discharging.length ? `at ${hourRanges(discharging, plan, timezone)} (up to ${formatPricePerKwh(dearest, figures.currency)})` : "at no hour"}.`,
    );
  }
  const shifted = [
    ...new Set(
      plan.flatMap((h) =>
        Object.entries(h.deferrableKwh)
          .filter(([, kwh]) => kwh > 0.01)
          .map(([name]) => name),
      ),
    ),
  ];
  for (const name of shifted) {
    parts.push(
      `${name} runs at ${hourRanges(
        plan.filter((h) => (h.deferrableKwh[name] ?? 0) > 0.01),
        plan,
        timezone,
      )}.`,
    );
  }
  const money = (amount: number) => formatMoney(amount, figures.currency);
  parts.push(
    figures.savings > 0.005
      ? `Expected cost ${money(figures.expectedCost)} instead of ${money(figures.baselineCost)} without a plan.`
      : `Expected cost ${money(figures.expectedCost)}; ${charging.length || shifted.length ? "the plan saves little today" : "there is nothing to shift (no battery or flexible load set)"}.`,
  );
  if (figures.awayHoursLeftOut) {
    const hours = figures.awayHoursLeftOut;
    const [count, unit] = hours >= 24 ? [Math.round(hours / 24), "day"] : [hours, "hour"];
    parts.push(
      `${count} ${unit}${count === 1 ? " marked away was" : "s marked away were"} left out of the recent history the forecast learns from and of the unusual-day check.`,
    );
  }
  if (figures.filledPriceHours)
    parts.push(
      `The imported prices do not cover ${figures.filledPriceHours} of these 24 hours, so those hours take the same hours' prices of the nearest day that has them (usually the last one published).`,
    );
  if (figures.defaultTariff)
    parts.push(
      `No tariff is set for this meter, so a flat ${formatPricePerKwh(DEFAULT_TARIFF.price, DEFAULT_TARIFF.currency)} was assumed.`,
    );
  return parts.join(" ");
}

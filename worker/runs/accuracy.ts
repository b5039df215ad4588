import type { Actor } from "../actor";
import type { Database } from "../db/client";
import type { MeterRow } from "../meters/queries";
import { requireMeter } from "../meters/service";
import { hourlyKwh } from "../readings/queries";
import type { ForecastAccuracy, ForecastAccuracyQuery, ForecastMethod, LeadAccuracy, ModelRunPlanHour } from "./contract";
import { forecastsIssuedBetween, type IssuedForecast, type IssuedRun, runsIssuedBetween } from "./queries";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The lead times the accuracy is told at: the next hour, the next quarter day, the same hour tomorrow. */
const LEADS_H = [1, 6, 24] as const;
/** The persistence ensemble averages the same hour over this many previous days. */
const ENSEMBLE_DAYS = 7;
/** The fallback judges the model on the 24 h lead over this window… */
const FALLBACK_WINDOW_MS = 7 * DAY;
/** …and only with this many scored hours in it (most of the week), so a few bad days do not switch. */
const FALLBACK_MIN_SAMPLES = 6 * 24;

/**
 * The two forecasts anyone can make from the hours before `issuedAt` (index `issued` in
 * `actual`, hourly kWh): last_value repeats the hour before issue; the persistence ensemble
 * averages the same hour of the 7 previous days. Both use only data known at issue time (a lead
 * of at most 24 h reaches back at least a day). NaN where the data is missing.
 */
export function persistenceBaselines(actual: ArrayLike<number>, issued: number, hours = 24) {
  const lastValue = actual[issued - 1] ?? Number.NaN;
  const persistenceEnsemble = Array.from({ length: hours }, (_, i) => {
    let sum = 0;
    let days = 0;
    for (let day = 1; day <= ENSEMBLE_DAYS; day++) {
      const value = actual[issued + i - 24 * day];
      if (Number.isFinite(value)) {
        sum += value;
        days++;
      }
    }
    return days > 0 ? sum / days : Number.NaN;
  });
  return { lastValue: new Array<number>(hours).fill(lastValue), persistenceEnsemble };
}

/** Root-mean-square error over the mean actual: 0.3 means typically off by 30 % of an average hour. */
function cvrmse(forecast: number[], actual: number[]): number | null {
  if (actual.length === 0) return null;
  const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
  if (mean <= 0) return null;
  const squared = forecast.reduce((sum, f, i) => sum + (f - actual[i]) ** 2, 0);
  return Math.sqrt(squared / actual.length) / mean;
}

/** Hourly kWh from `from`, with its index lookup. */
export interface HourlyActuals {
  from: number;
  kwh: number[];
}
const indexOf = (actuals: HourlyActuals, t: number) => Math.round((t - actuals.from) / HOUR);

/** The model's own forecast of a run: a run that used a baseline keeps it apart. */
const modelForecast = (run: IssuedForecast) => run.modelForecastKwh ?? run.forecastKwh;

/**
 * Each stored run's forecast against what then happened, at each lead time, for target hours
 * that started in [from, to) and are over: the model next to both baselines on the same hours.
 */
function scoreByLead(
  runs: IssuedForecast[],
  actuals: HourlyActuals,
  from: number,
  to: number,
  leads: readonly number[] = LEADS_H,
): LeadAccuracy[] {
  return leads.map((leadH) => {
    const model: number[] = [];
    const ensemble: number[] = [];
    const last: number[] = [];
    const actual: number[] = [];
    for (const run of runs) {
      const issued = run.inputTo.getTime();
      const target = issued + (leadH - 1) * HOUR;
      if (target < from || target + HOUR > to) continue;
      const forecast = modelForecast(run)[leadH - 1];
      const observed = actuals.kwh[indexOf(actuals, target)];
      const baselines = persistenceBaselines(actuals.kwh, indexOf(actuals, issued));
      const candidates = [forecast, observed, baselines.persistenceEnsemble[leadH - 1], baselines.lastValue[0]];
      if (!candidates.every(Number.isFinite)) continue;
      model.push(forecast);
      actual.push(observed);
      ensemble.push(baselines.persistenceEnsemble[leadH - 1]);
      last.push(baselines.lastValue[0]);
    }
    return {
      leadH,
      samples: actual.length,
      model: cvrmse(model, actual),
      persistenceEnsemble: cvrmse(ensemble, actual),
      lastValue: cvrmse(last, actual),
    };
  });
}

/** Share of the hours over in [from, to) whose use fell between the run's p10 and p90 (runs with a band). */
function coverage80(runs: IssuedRun[], actuals: HourlyActuals, from: number, to: number): number | null {
  let inside = 0;
  let hours = 0;
  for (const run of runs) {
    if (!run.forecastP10 || !run.forecastP90) continue;
    for (let i = 0; i < run.forecastP10.length; i++) {
      const target = run.inputTo.getTime() + i * HOUR;
      const observed = actuals.kwh[indexOf(actuals, target)];
      if (target < from || target + HOUR > to || !Number.isFinite(observed)) continue;
      hours++;
      if (observed >= run.forecastP10[i] && observed <= run.forecastP90[i]) inside++;
    }
  }
  return hours > 0 ? inside / hours : null;
}

/** The battery as the savings play it: its size and round-trip efficiency. */
interface PlayedBattery {
  capacityKwh: number;
  roundTripEfficiency: number;
}

/**
 * The battery's savings over [from, to), in money. Each hour follows the plan of the newest run
 * issued by then (rolling re-planning applies only that hour), next to what that plan expected
 * (price x (discharge - charge)). Realised: the same commands played on a battery that starts
 * empty, against the real use: it charges what the plan says (as far as there is room), and
 * delivers the planned discharge only as far as the house uses it and the battery holds it
 * (never exporting); what it could not deliver stays stored for later hours.
 */
function batterySavings(runs: IssuedRun[], actuals: HourlyActuals, from: number, to: number, battery: PlayedBattery) {
  // The planner splits the losses evenly between charging and discharging.
  const efficiency = Math.sqrt(battery.roundTripEfficiency);
  let storedKwh = 0;
  let planned = 0;
  let realised = 0;
  let hours = 0;
  let index = -1;
  for (let t = Math.ceil(from / HOUR) * HOUR; t + HOUR <= to; t += HOUR) {
    while (index + 1 < runs.length && runs[index + 1].inputTo.getTime() <= t) index++;
    const run = runs[index];
    if (!run || t >= run.inputTo.getTime() + DAY) continue;
    const hour: ModelRunPlanHour | undefined = run.plan[(t - run.inputTo.getTime()) / HOUR];
    const observed = actuals.kwh[indexOf(actuals, t)];
    if (!hour || !Number.isFinite(observed) || (hour.chargeKwh === 0 && hour.dischargeKwh === 0)) continue;
    hours++;
    planned += hour.priceKwh * (hour.dischargeKwh - hour.chargeKwh);
    const charged = Math.min(hour.chargeKwh, (battery.capacityKwh - storedKwh) / efficiency);
    storedKwh += charged * efficiency;
    const delivered = Math.min(hour.dischargeKwh, observed, storedKwh * efficiency);
    storedKwh -= delivered / efficiency;
    realised += hour.priceKwh * (delivered - charged);
  }
  return { planned, realised, hours };
}

/** The plans' savings in the latest run's currency; null without a battery or a plan hour that moved energy. */
function savingsSummary(runs: IssuedRun[], actuals: HourlyActuals, from: number, to: number, meter: MeterRow) {
  const battery = meter.assets?.battery;
  const latest = runs.at(-1);
  if (!battery || !latest) return null;
  const savings = batterySavings(runs, actuals, from, to, battery);
  return savings.hours > 0 ? { currency: latest.figures.currency, ...savings } : null;
}

/** Runs issued from a day before `from` reach into [from, to). */
const issuedFrom = (from: number) => new Date(from - DAY);

/** The hourly use scoring [from, to) needs: the baselines of the earliest run read 7 days before it was issued. */
async function actualsFor(db: Database, meterId: string, from: number, to: number): Promise<HourlyActuals> {
  const readFrom = issuedFrom(from).getTime() - ENSEMBLE_DAYS * DAY;
  return { from: readFrom, kwh: await hourlyKwh(db, meterId, new Date(readFrom), new Date(to)) };
}

/**
 * The hourly use a run issued at `issuedAt` reads, once: its forecast's history is the last 168 hours,
 * and the fallback decision scores the week of earlier forecasts against all of it.
 */
export function actualsForRun(db: Database, meterId: string, issuedAt: number): Promise<HourlyActuals> {
  return actualsFor(db, meterId, issuedAt - FALLBACK_WINDOW_MS, issuedAt);
}

/** GET /api/meters/{id}/forecast-accuracy: how the stored forecasts did over the last `days`, and what the plans saved. */
export async function forecastAccuracy(actor: Actor, meterId: string, query: ForecastAccuracyQuery): Promise<ForecastAccuracy> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  const from = to - query.days * DAY;
  const runs = await runsIssuedBetween(actor.db, actor.homeId, meter.id, issuedFrom(from), new Date(to));
  const actuals = await actualsFor(actor.db, meter.id, from, to);
  const latest = runs.at(-1);
  return {
    meterId: meter.id,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    runs: runs.filter((run) => run.inputTo.getTime() >= from).length,
    byLead: scoreByLead(runs, actuals, from, to),
    coverage80: coverage80(runs, actuals, from, to),
    forecastMethod: latest?.forecastMethod ?? null,
    savings: savingsSummary(runs, actuals, from, to, meter),
  };
}

/**
 * What the battery plans saved over [from, to) (a report's period), played against the real use as
 * the accuracy report does; null without a battery or a plan hour in the period.
 */
export async function realisedPlanSavings(
  db: Database,
  meter: MeterRow,
  from: number,
  to: number,
): Promise<{ currency: string; planned: number; realised: number; hours: number } | null> {
  if (!meter.assets?.battery) return null;
  const runs = await runsIssuedBetween(db, meter.ownerId, meter.id, issuedFrom(from), new Date(to));
  return savingsSummary(runs, await actualsFor(db, meter.id, from, to), from, to, meter);
}

/**
 * Which forecast a new run should use: the model, unless over the last 7 days (most of them
 * scored) its 24 h-ahead forecasts were further off than the better persistence baseline's;
 * then that baseline, until the model's own forecasts (still stored with each run) do better.
 */
export async function chooseForecastMethod(
  db: Database,
  ownerId: string,
  meterId: string,
  issuedAt: number,
  actuals: HourlyActuals,
): Promise<{ method: ForecastMethod; accuracy: LeadAccuracy }> {
  const from = issuedAt - FALLBACK_WINDOW_MS;
  const forecasts = await forecastsIssuedBetween(db, ownerId, meterId, issuedFrom(from), new Date(issuedAt));
  const [accuracy] = scoreByLead(forecasts, actuals, from, issuedAt, [24]);
  const { model, persistenceEnsemble, lastValue } = accuracy;
  if (accuracy.samples < FALLBACK_MIN_SAMPLES || model === null || persistenceEnsemble === null || lastValue === null)
    return { method: "model", accuracy };
  const better: ForecastMethod = persistenceEnsemble <= lastValue ? "persistence_ensemble" : "last_value";
  return { method: model > Math.min(persistenceEnsemble, lastValue) ? better : "model", accuracy };
}

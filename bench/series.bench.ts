import type { Pool } from "@neondatabase/serverless";
import { seriesQuery } from "../worker/readings/queries";
import { planBuckets } from "../worker/series/buckets";
import { api, type BenchResult, type BenchStack, median } from "./harness";

const MINUTES_IN_YEAR = 525_600;
const RUNS = 9;

/**
 * The API's time to return 1,000 points of a year of minute data, against the raw bucketed SQL
 * alone; then, on the same data, what money costs: cost against energy, and a summary against
 * energy over the summary's window.
 */
export async function benchSeries(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const meter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench year", timezone: "Europe/London" });
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const start = end - MINUTES_IN_YEAR * 60_000;
  log(`  loading ${MINUTES_IN_YEAR.toLocaleString("en")} one-minute readings…`);
  for (let offset = 0; offset < MINUTES_IN_YEAR; offset += 50_000) {
    const count = Math.min(50_000, MINUTES_IN_YEAR - offset);
    await pool.query(
      `INSERT INTO readings (meter_id, ts, power_w, energy_wh)
       SELECT $1, to_timestamp($2::float8 / 1000) + make_interval(mins => i), 500 + 300 * sin(i / 60.0), 8 + (i % 5)
       FROM generate_series($3::int, $4::int) AS i`,
      [meter.id, start, offset, offset + count - 1],
    );
  }
  await pool.query("ANALYZE readings");

  const results: Record<string, BenchResult> = {};
  for (const [name, from] of [
    ["series_year", new Date(start)],
    ["series_day", new Date(end - 86_400_000)],
  ] as const) {
    const to = new Date(end);
    const plan = planBuckets(from, to, 1_000)!;
    const { text, values } = seriesQuery(meter.id, "power_w", from, to, plan, "Europe/London");
    const path = `/api/meters/${meter.id}/series?metric=power_w&from=${from.toISOString()}&to=${to.toISOString()}&points=1000`;
    await api(stack, "GET", path);
    await pool.query(text, values);

    const apiTimes: number[] = [];
    const sqlTimes: number[] = [];
    let points = 0;
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      points = (await api<{ points: unknown[] }>(stack, "GET", path)).points.length;
      apiTimes.push(performance.now() - t);
      t = performance.now();
      await pool.query(text, values);
      sqlTimes.push(performance.now() - t);
    }
    if (points > 1_000) throw new Error(`${name}: ${points} points returned for points=1000`);
    const apiMs = median(apiTimes);
    const sqlMs = median(sqlTimes);
    log(`  ${name}: API ${apiMs.toFixed(1)} ms, raw SQL ${sqlMs.toFixed(1)} ms (${points} points, ${plan.name} buckets)`);
    results[name] = {
      value: Number(apiMs.toFixed(2)),
      unit: "ms",
      reference: Number(sqlMs.toFixed(2)),
      ratio: Number((apiMs / sqlMs).toFixed(3)),
      note: `median of ${RUNS}; GET /api/meters/:id/series over HTTP through workerd vs the same bucketed SQL from Node through the same driver, ${points} points of ${plan.name}. Goal: ratio <= 1.5`,
    };
  }
  Object.assign(results, await benchMoney(stack, meter.id, new Date(start), new Date(end), log));
  return results;
}

/** Median time of `RUNS` calls of each path, interleaved so drift hits them alike (after one warm-up each). */
async function timeInterleaved(stack: BenchStack, paths: string[]): Promise<number[]> {
  for (const path of paths) await api(stack, "GET", path);
  const times = paths.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) {
    for (const [i, path] of paths.entries()) {
      const t = performance.now();
      await api(stack, "GET", path);
      times[i].push(performance.now() - t);
    }
  }
  return times.map(median);
}

/**
 * Cost and summary against energy on a year of minute data, priced by a time-of-use tariff with
 * a peak from 16:00 to 19:00 in Europe/London (a 15-minute price grid: 35,000 prices for the year).
 */
async function benchMoney(
  stack: BenchStack,
  meterId: string,
  from: Date,
  to: Date,
  log: (line: string) => void,
): Promise<Record<string, BenchResult>> {
  await api(stack, "PATCH", `/api/meters/${meterId}`, {
    tariff: {
      kind: "tou",
      defaultPrice: 0.24,
      periods: [{ from: "16:00", to: "19:00", price: 0.38 }],
      currency: "GBP",
      standingChargePerDay: 0.6,
    },
  });
  const window = `from=${from.toISOString()}&to=${to.toISOString()}&points=1000`;
  const [energyMs, costMs] = await timeInterleaved(stack, [
    `/api/meters/${meterId}/series?metric=energy_wh&${window}`,
    `/api/meters/${meterId}/series?metric=cost&${window}`,
  ]);
  // The summary of the year so far reads from local 1 January to now, and the same part of last year.
  const at = to.toISOString();
  const summary = await api<{ period: { from: string } }>(stack, "GET", `/api/meters/${meterId}/summary?period=year&at=${at}`);
  const sinceNewYear = `from=${summary.period.from}&to=${at}&points=1000`;
  const [yearEnergyMs, summaryMs] = await timeInterleaved(stack, [
    `/api/meters/${meterId}/series?metric=energy_wh&${sinceNewYear}`,
    `/api/meters/${meterId}/summary?period=year&at=${at}`,
  ]);
  log(`  cost_year: ${costMs.toFixed(1)} ms against energy ${energyMs.toFixed(1)} ms`);
  log(`  summary_year: ${summaryMs.toFixed(1)} ms against energy over the same window ${yearEnergyMs.toFixed(1)} ms`);
  return {
    cost_year: {
      value: Number(costMs.toFixed(2)),
      unit: "ms",
      reference: Number(energyMs.toFixed(2)),
      ratio: Number((costMs / energyMs).toFixed(3)),
      note: `median of ${RUNS}; GET series metric=cost vs metric=energy_wh, a year of minute data, 1,000 points, time-of-use tariff. Goal: ratio <= 1.5`,
    },
    summary_year: {
      value: Number(summaryMs.toFixed(2)),
      unit: "ms",
      reference: Number(yearEnergyMs.toFixed(2)),
      ratio: Number((summaryMs / yearEnergyMs).toFixed(3)),
      note: `median of ${RUNS}; GET summary period=year (year to date and the same part of last year) vs GET series metric=energy_wh over the year to date. Goal: ratio <= 1.5`,
    },
  };
}

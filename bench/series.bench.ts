import type { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { seriesQuery } from "../worker/readings/queries";
import { planRead } from "../worker/rollups/planner";
import { plainRollupQuery } from "../worker/rollups/read-queries";
import { rebuildRollups } from "../worker/rollups/service";
import { planBuckets } from "../worker/series/buckets";
import { api, type BenchResult, type BenchStack, median } from "./harness";

const MINUTE = 60_000;
const DAY = 86_400_000;
const MINUTES_IN_YEAR = 525_600;
const YEARS = 5;
const RUNS = 9;
const ZONE = "Europe/London";

/**
 * The series API over 5 years of minute data (2.6 M rows, rollups rebuilt after loading): the
 * whole 5 years, the last year and the last day, each at most 1,000 points, each against the
 * statement it runs (the rollup read of rollups/read-queries.ts: daily/hourly tiers plus raw
 * fringes) sent directly from Node; then, on the last year, what money costs.
 */
export async function benchSeries(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const meter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench years", timezone: ZONE });
  const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
  const total = YEARS * MINUTES_IN_YEAR;
  const start = end - total * MINUTE;
  log(`  loading ${total.toLocaleString("en")} one-minute readings…`);
  let t0 = performance.now();
  for (let offset = 0; offset < total; offset += 250_000) {
    const count = Math.min(250_000, total - offset);
    await pool.query(
      `INSERT INTO readings (meter_id, ts, power_w, energy_wh)
       SELECT $1, to_timestamp($2::float8 / 1000) + make_interval(mins => i), 500 + 300 * sin(i / 60.0), 8 + (i % 5)
       FROM generate_series($3::int, $4::int) AS i`,
      [meter.id, start, offset, offset + count - 1],
    );
  }
  await pool.query("ANALYZE readings");
  log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; rebuilding rollups…`);
  t0 = performance.now();
  // The readings went in behind the rollups' back: the meter's rollups are not ready until rebuilt.
  await pool.query("UPDATE meters SET rollups_ready = false WHERE id = $1", [meter.id]);
  const rebuilt = await rebuildRollups(drizzle({ client: pool }), meter.id);
  await pool.query("ANALYZE reading_rollups_hourly; ANALYZE reading_rollups_daily");
  log(`  rollups rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s (${JSON.stringify(rebuilt)})`);

  const results: Record<string, BenchResult> = {};
  const apiMs: Record<string, number> = {};
  for (const [name, from] of [
    ["series_5y", new Date(start)],
    ["series_year", new Date(end - MINUTES_IN_YEAR * MINUTE)],
    ["series_day", new Date(end - DAY)],
  ] as const) {
    const to = new Date(end);
    const plan = planBuckets(from, to, 1_000)!;
    // The statement the API runs for this window, and the raw bucketed SQL it replaces (for the log).
    const read = planRead(from.getTime(), to.getTime(), plan, ZONE, { ready: true, days: true });
    const { text, values } = plainRollupQuery(meter.id, "power_w", read);
    const rawSql = seriesQuery(meter.id, "power_w", from, to, plan, ZONE);
    const path = `/api/meters/${meter.id}/series?metric=power_w&from=${from.toISOString()}&to=${to.toISOString()}&points=1000`;
    await api(stack, "GET", path, undefined, stack.workerdUrl);
    await api(stack, "GET", path);
    await pool.query(text, values);

    // Straight to workerd (as production's edge calls the Worker), and through vite preview's Node proxy as before.
    const apiTimes: number[] = [];
    const previewTimes: number[] = [];
    const sqlTimes: number[] = [];
    let points = 0;
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      points = (await api<{ points: unknown[] }>(stack, "GET", path, undefined, stack.workerdUrl)).points.length;
      apiTimes.push(performance.now() - t);
      t = performance.now();
      await api(stack, "GET", path);
      previewTimes.push(performance.now() - t);
      t = performance.now();
      await pool.query(text, values);
      sqlTimes.push(performance.now() - t);
    }
    t0 = performance.now();
    await pool.query(rawSql.text, rawSql.values);
    const rawMs = performance.now() - t0;
    if (points > 1_000) throw new Error(`${name}: ${points} points returned for points=1000`);
    apiMs[name] = median(apiTimes);
    const previewMs = median(previewTimes);
    const sqlMs = median(sqlTimes);
    const sources = ["day", "hour", "raw"]
      .map((source) => `${read.segments.filter((s) => s.source === source).length} ${source}`)
      .join(", ");
    log(
      `  ${name}: API ${apiMs[name].toFixed(1)} ms (through vite preview ${previewMs.toFixed(1)} ms), its SQL ${sqlMs.toFixed(1)} ms (${points} points of ${plan.name}; segments ${sources}); raw bucketed SQL once ${rawMs.toFixed(1)} ms`,
    );
    results[name] = {
      value: Number(apiMs[name].toFixed(2)),
      unit: "ms",
      reference: Number(sqlMs.toFixed(2)),
      ratio: Number((apiMs[name] / sqlMs).toFixed(3)),
      note: `median of ${RUNS}; GET /api/meters/:id/series over HTTP straight to workerd's port vs the statement it runs (rollup tiers + raw fringe; segments ${sources}) from Node through the same driver, ${points} points of ${plan.name}; the raw bucketed SQL over the same window took ${rawMs.toFixed(0)} ms. Goal: ratio <= 1.5`,
    };
    results[`${name}_vite_preview`] = {
      value: Number(previewMs.toFixed(2)),
      unit: "ms",
      reference: Number(sqlMs.toFixed(2)),
      ratio: Number((previewMs / sqlMs).toFixed(3)),
      note: `${name} through vite preview's Node proxy into workerd (the local front; production has no such hop), in the same runs`,
    };
  }
  results.series_year_vs_day = {
    value: Number(apiMs.series_year.toFixed(2)),
    unit: "ms",
    reference: Number(apiMs.series_day.toFixed(2)),
    ratio: Number((apiMs.series_year / apiMs.series_day).toFixed(3)),
    note: "series_year against series_day (the API, ≤ 1,000 points each). Goal: ratio <= 1.5",
  };
  results.series_5y_vs_year = {
    value: Number(apiMs.series_5y.toFixed(2)),
    unit: "ms",
    reference: Number(apiMs.series_year.toFixed(2)),
    ratio: Number((apiMs.series_5y / apiMs.series_year).toFixed(3)),
    note: `series_5y (${total.toLocaleString("en")} rows) against series_year. Goal: ratio <= 2`,
  };
  Object.assign(results, await benchMoney(stack, meter.id, new Date(end - MINUTES_IN_YEAR * MINUTE), new Date(end), log));
  // 2.6 M readings a run: without this, each run would leave them in the database.
  await api(stack, "DELETE", `/api/meters/${meter.id}?confirm=${meter.id}`);
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

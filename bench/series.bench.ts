import type { Pool } from "@neondatabase/serverless";
import { seriesQuery } from "../worker/readings/queries";
import { planBuckets } from "../worker/series/buckets";
import { api, type BenchResult, type BenchStack, median } from "./harness";

const MINUTES_IN_YEAR = 525_600;
const RUNS = 9;

/** The API's time to return 1,000 points of a year of minute data, against the raw bucketed SQL alone. */
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
  return results;
}

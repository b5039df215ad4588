import type { Pool } from "@neondatabase/serverless";
import { api, type BenchResult, type BenchStack, median } from "./harness";

const RUNS = 15;

/**
 * A public share read from the edge cache against the same read uncached, in the same run. Each
 * uncached read uses a fresh link to the same tab (the cache is per link), so both do the same work
 * but the cache.
 */
export async function benchShares(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const meter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench share", timezone: "UTC" });
  // A month of one-minute readings, as a real shared meter would have.
  await pool.query(
    `INSERT INTO readings (meter_id, ts, power_w, energy_wh, voltage_v)
     SELECT $1, now() - make_interval(mins => i), 500 + 300 * sin(i / 60.0), 8 + (i % 5), 230 + (i % 7)
     FROM generate_series(1, 43200) AS i`,
    [meter.id],
  );
  const tab = await api<{ id: string }>(stack, "POST", "/api/tabs", { title: "bench share" });
  for (const [metric, window] of [
    ["power_w", "last_7d"],
    ["energy_wh", "last_30d"],
    ["voltage_v", "last_24h"],
  ]) {
    await api(stack, "POST", "/api/charts", {
      tabId: tab.id,
      title: metric,
      spec: { meterIds: [meter.id], metric, window: { kind: "relative", preset: window } },
    });
  }
  const read = async (token: string, ip: string) => {
    const started = performance.now();
    const response = await fetch(`${stack.baseUrl}/api/public/shares/${token}`, { headers: { "CF-Connecting-IP": ip } });
    if (!response.ok) throw new Error(`public share answered ${response.status}`);
    await response.arrayBuffer();
    return performance.now() - started;
  };
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { token } = await api<{ token: string }>(stack, "POST", "/api/shares", { kind: "tab", id: tab.id, renew: true });
    // Spread over addresses so the per-IP limit (120/min) is not what is measured.
    uncached.push(await read(token, `198.51.100.${i + 1}`));
    cached.push(await read(token, `198.51.100.${i + 101}`));
  }
  const [hit, miss] = [median(cached), median(uncached)];
  log(`  public share: cached ${hit.toFixed(1)} ms, uncached ${miss.toFixed(1)} ms`);
  return {
    share_cached: {
      value: Number(hit.toFixed(2)),
      unit: "ms",
      reference: Number(miss.toFixed(2)),
      ratio: Number((hit / miss).toFixed(3)),
      note: `median of ${RUNS}: GET /api/public/shares/:token for a tab of 3 charts over a month of minute readings, second read (edge cache) vs first read of the same link. Goal: ratio < 0.2`,
    },
  };
}

import type { Pool } from "@neondatabase/serverless";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import type { Reading } from "../worker/readings/contract";
import { api, type BenchResult, type BenchStack, inParallel } from "./harness";

const READINGS = 200_000;
const BATCH = 5_000;
const CONCURRENCY = 4;

function minuteReadings(count: number): Reading[] {
  const start = Date.now() - (count + 10) * 60_000;
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(start + i * 60_000).toISOString(),
    power_w: 800 + 400 * Math.sin(i / 90),
    energy_wh: 13 + (i % 7),
    voltage_v: 230 + (i % 5),
    current_a: 3.5,
    power_factor: 0.95,
    thd_pct: 3.2,
  }));
}

/** One reading as a line of line protocol, every metric a field, the timestamp in ms. */
function lineProtocolPoint(reading: Reading): string {
  const fields = Object.entries(reading)
    .filter(([key]) => key !== "ts")
    .map(([key, value]) => `${key}=${value}`);
  return `power ${fields.join(",")} ${Date.parse(reading.ts)}`;
}

function batches<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Readings per second through the signed webhook, against a direct multi-row INSERT of the same rows. */
export async function benchIngest(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const readings = minuteReadings(READINGS);
  const webhookMeter = await api<{ id: string; webhook: { secret: string } }>(stack, "POST", "/api/meters", {
    name: "bench webhook",
    timezone: "UTC",
  });
  const directMeter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench direct", timezone: "UTC" });

  // Reference: the same rows, same batch size and concurrency, as plain multi-row INSERTs.
  const directStart = performance.now();
  await inParallel(batches(readings, BATCH), CONCURRENCY, async (batch) => {
    const values: unknown[] = [];
    const rows = batch.map((r, i) => {
      values.push(directMeter.id, r.ts, r.power_w, r.energy_wh, r.voltage_v, r.current_a, r.power_factor, r.thd_pct);
      const p = i * 8;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`;
    });
    await pool.query(
      `INSERT INTO readings (meter_id, ts, power_w, energy_wh, voltage_v, current_a, power_factor, thd_pct) VALUES ${rows.join(",")}`,
      values,
    );
  });
  const directRate = READINGS / ((performance.now() - directStart) / 1000);
  log(`  direct INSERT: ${Math.round(directRate).toLocaleString("en")} rows/s`);

  const webhookStart = performance.now();
  let accepted = 0;
  await inParallel(batches(readings, BATCH), CONCURRENCY, async (batch) => {
    const body = JSON.stringify({ readings: batch });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${stack.baseUrl}/api/ingest/${webhookMeter.id}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Wattboard-Timestamp": timestamp,
        "X-Wattboard-Signature": await signWebhookBody(webhookMeter.webhook.secret, timestamp, new TextEncoder().encode(body)),
      },
      body,
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
    accepted += ((await response.json()) as { accepted: number }).accepted;
  });
  const webhookRate = READINGS / ((performance.now() - webhookStart) / 1000);
  log(`  signed webhook: ${Math.round(webhookRate).toLocaleString("en")} rows/s`);

  // The same readings as line protocol (one point per reading, every metric a field), with a write token.
  const lineMeter = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench line protocol", timezone: "UTC" });
  const lineToken = await api<{ token: string }>(stack, "POST", `/api/meters/${lineMeter.id}/tokens`, { name: "bench" });
  const lineStart = performance.now();
  await inParallel(batches(readings, BATCH), CONCURRENCY, async (batch) => {
    const response = await fetch(`${stack.baseUrl}/api/v2/write?org=bench&bucket=bench&precision=ms`, {
      method: "POST",
      headers: { Authorization: `Token ${lineToken.token}`, "Content-Type": "text/plain; charset=utf-8" },
      body: batch.map(lineProtocolPoint).join("\n"),
    });
    if (response.status !== 204) throw new Error(`line protocol answered ${response.status}: ${await response.text()}`);
  });
  const lineRate = READINGS / ((performance.now() - lineStart) / 1000);
  log(`  line protocol: ${Math.round(lineRate).toLocaleString("en")} rows/s`);

  const stored = await pool.query("SELECT meter_id, count(*)::int AS n FROM readings WHERE meter_id = ANY($1) GROUP BY meter_id", [
    [webhookMeter.id, directMeter.id, lineMeter.id],
  ]);
  const counts = Object.fromEntries(stored.rows.map((r) => [r.meter_id, r.n]));
  if (
    accepted !== READINGS ||
    counts[webhookMeter.id] !== READINGS ||
    counts[directMeter.id] !== READINGS ||
    counts[lineMeter.id] !== READINGS
  ) {
    throw new Error(`row counts differ: accepted ${accepted}, stored ${JSON.stringify(counts)}, expected ${READINGS}`);
  }
  return {
    ingest_webhook: {
      value: Math.round(webhookRate),
      unit: "readings/s",
      reference: Math.round(directRate),
      ratio: Number((webhookRate / directRate).toFixed(3)),
      note: `${READINGS} readings, batches of ${BATCH}, ${CONCURRENCY} in flight, HMAC-signed, through workerd; reference: multi-row INSERT of the same rows into the same database through the same driver. Goal: ratio >= 0.6`,
    },
    ingest_line_protocol: {
      value: Math.round(lineRate),
      unit: "readings/s",
      reference: Math.round(webhookRate),
      ratio: Number((lineRate / webhookRate).toFixed(3)),
      note: `The same ${READINGS} readings as InfluxDB line protocol (POST /api/v2/write, write token, ms timestamps), batches of ${BATCH} lines, ${CONCURRENCY} in flight; reference: the signed JSON webhook of this run. Goal: ratio >= 0.6`,
    },
  };
}

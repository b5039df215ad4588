import type { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { signWebhookBody } from "../worker/meters/webhook-secrets";
import type { Reading } from "../worker/readings/contract";
import { rebuildRollups } from "../worker/rollups/service";
import { api, type BenchResult, type BenchStack, inParallel, median } from "./harness";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Ingest: rounds of each meter, alternated so drift hits both alike; each round POSTS posts of BATCH readings (the webhook takes 120 posts a meter a minute). */
const ROUNDS = 3;
const POSTS = 20;
const BATCH = 50;
const CONCURRENCY = 4;
/** Readings this far apart: every reading of the bench stays inside the rules' firing window (the last hour). */
const SPACING_MS = 500;
/** The rule the end-to-end probe watches: power above this for a minute (the readings otherwise stay near 1 kW). */
const PROBE_W = 2_500;
const PROBES = 4;
/** The scheduled evaluation: meters with five no_data and budget rules each, and one day of minute readings. */
const METERS = 1_000;
const SCHEDULE_RUNS = 3;
const SERIES_RUNS = 21;

interface WebhookMeter {
  id: string;
  webhook: { secret: string };
}

function readingsFrom(start: number, count: number, power: (i: number) => number): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(start + i * SPACING_MS).toISOString(),
    power_w: power(i),
    energy_wh: 0.14,
  }));
}

/** One signed webhook post; its time until the Worker answered. */
async function post(stack: BenchStack, meter: WebhookMeter, batch: Reading[]): Promise<number> {
  const body = JSON.stringify({ readings: batch });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await signWebhookBody(meter.webhook.secret, timestamp, new TextEncoder().encode(body));
  const t = performance.now();
  const response = await fetch(`${stack.workerdUrl}/api/ingest/${meter.id}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Wattboard-Timestamp": timestamp, "X-Wattboard-Signature": signature },
    body,
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
  return performance.now() - t;
}

async function waitForState(pool: Pool, ruleId: string, state: string, since: number): Promise<number> {
  while (performance.now() - since < 60_000) {
    const { rows } = await pool.query("SELECT state FROM alert_rules WHERE id = $1", [ruleId]);
    if (rows[0]?.state === state) return performance.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`rule ${ruleId} did not become ${state} within 60 s`);
}

/**
 * Issue 22's speed goals: (a) webhook ingest on a meter with five rules against a meter with none,
 * and the whole path to "rules evaluated" (the queue consumer judges threshold rules after the
 * webhook has answered); (b) the Cron Trigger's rule evaluation over 1,000 meters with five
 * scheduled rules each, per meter, against one series request for a day of a meter's data.
 */
export async function benchAlerts(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  return { ...(await benchIngestWithRules(stack, pool, log)), ...(await benchScheduledRules(stack, pool, log)) };
}

async function benchIngestWithRules(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const quiet = await api<WebhookMeter>(stack, "POST", "/api/meters", { name: "bench no rules", timezone: "UTC" });
  const ruled = await api<WebhookMeter>(stack, "POST", "/api/meters", { name: "bench five rules", timezone: "UTC" });
  const rule = (body: Record<string, unknown>) => api<{ id: string }>(stack, "POST", "/api/alert-rules", { meterId: ruled.id, ...body });
  // What the queue consumer judges per batch: two power rules (held on each reading), an energy and a cost total, a silence.
  const probe = await rule({ kind: "threshold", metric: "power_w", op: "above", value: PROBE_W, for: "PT1M" });
  await rule({ kind: "threshold", metric: "power_w", op: "below", value: 1, for: "PT10M" });
  await rule({ kind: "threshold", metric: "energy_wh", op: "above", value: 1e9, for: "PT1H" });
  await rule({ kind: "threshold", metric: "cost", op: "above", value: 1e6, for: "P1D" });
  await rule({ kind: "no_data", for: "PT15M" });

  const perRound = POSTS * BATCH;
  const probeSpan = 2 * MINUTE + SPACING_MS;
  // Room for every round and probe before now (the webhook refuses readings from the future).
  const start = Date.now() - (ROUNDS * perRound * SPACING_MS + PROBES * 2 * probeSpan + 5 * MINUTE);
  const rates: Record<"quiet" | "ruled", number[]> = { quiet: [], ruled: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, meter] of [
      ["quiet", quiet],
      ["ruled", ruled],
    ] as const) {
      const readings = readingsFrom(start + round * perRound * SPACING_MS, perRound, (i) => 1_000 + 200 * Math.sin(i / 50));
      const batches = Array.from({ length: POSTS }, (_, i) => readings.slice(i * BATCH, (i + 1) * BATCH));
      const t = performance.now();
      await inParallel(batches, CONCURRENCY, async (batch) => void (await post(stack, meter, batch)));
      rates[name].push(perRound / ((performance.now() - t) / 1000));
      // Let the queue consumer finish this round's jobs before the other meter's round.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  const quietRate = median(rates.quiet);
  const ruledRate = median(rates.ruled);
  log(`  webhook: ${Math.round(quietRate)} readings/s with no rules, ${Math.round(ruledRate)} with five (median of ${ROUNDS} rounds each)`);

  // The whole path: a post whose readings cross the probe rule, until the consumer has stored the rule firing; then back.
  const evaluated: number[] = [];
  const answered: number[] = [];
  let probeStart = start + ROUNDS * perRound * SPACING_MS;
  const probeReadings = probeSpan / SPACING_MS;
  for (let i = 0; i < PROBES; i++) {
    for (const [power, state] of [
      [PROBE_W * 1.5, "firing"],
      [1_000, "ok"],
    ] as const) {
      const since = performance.now();
      answered.push(
        await post(
          stack,
          ruled,
          readingsFrom(probeStart, probeReadings, () => power),
        ),
      );
      evaluated.push(await waitForState(pool, probe.id, state, since));
      probeStart += probeSpan;
    }
  }
  const evaluatedMs = median(evaluated);
  const answeredMs = median(answered);
  log(`  post to rule state stored: ${evaluatedMs.toFixed(0)} ms (the webhook answered in ${answeredMs.toFixed(0)} ms)`);
  await api(stack, "DELETE", `/api/meters/${quiet.id}?confirm=${quiet.id}`);
  await api(stack, "DELETE", `/api/meters/${ruled.id}?confirm=${ruled.id}`);
  return {
    alerts_ingest_five_rules: {
      value: Math.round(ruledRate),
      unit: "readings/s",
      reference: Math.round(quietRate),
      ratio: Number((ruledRate / quietRate).toFixed(3)),
      note: `signed webhook straight to workerd, ${POSTS} posts of ${BATCH} readings, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds alternated with the reference; a meter with five rules (power above and below, energy, cost, no_data) vs one with none. The webhook's answer only: the rules are judged later by the queue consumer. Goal: ratio >= 0.9`,
    },
    alerts_post_to_rule_evaluated: {
      value: Number(evaluatedMs.toFixed(1)),
      unit: "ms",
      reference: Number(answeredMs.toFixed(1)),
      ratio: Number((evaluatedMs / answeredMs).toFixed(3)),
      note: `from sending a post of ${probeReadings} readings that crosses a power rule (or clears it) until the queue consumer has stored the rule's new state (polled every 10 ms), median of ${PROBES * 2}; reference: the same posts' webhook answer. No goal: the whole path, queue included`,
    },
  };
}

/** One run of the Worker's scheduled handler (worker/scheduled.ts) through miniflare's trigger route; its time. */
async function scheduledRound(stack: BenchStack): Promise<{ ok: boolean; ms: number; answer: string }> {
  const t = performance.now();
  // Miniflare routes /cdn-cgi/handler/* to a Worker only when told which (the Vite plugin adds this header in dev).
  const response = await fetch(`${stack.workerdUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`, {
    headers: { "MF-Route-Override": "wattboard" },
  });
  const answer = `${response.status} ${await response.text()}`;
  return { ok: response.ok, ms: performance.now() - t, answer };
}

/**
 * worker/alerts/rules-evaluation.ts, loaded at run time: its imports reach the Worker's ambient
 * types (Env, queues, Durable Objects) that the Node project does not type-check. Only the
 * evaluation's reads run here (a round that changes no state touches no binding).
 */
async function loadScheduledEvaluation(): Promise<(env: object, db: unknown, at: Date) => Promise<number>> {
  const module = "../worker/alerts/rules-evaluation";
  return ((await import(module)) as { evaluateScheduledRules: (env: object, db: unknown, at: Date) => Promise<number> })
    .evaluateScheduledRules;
}

async function benchScheduledRules(stack: BenchStack, pool: Pool, log: (line: string) => void): Promise<Record<string, BenchResult>> {
  const first = await api<{ id: string }>(stack, "POST", "/api/meters", { name: "bench schedule 0", timezone: "Europe/London" });
  const { rows: owner } = await pool.query("SELECT owner_id FROM meters WHERE id = $1", [first.id]);
  const ownerId: string = owner[0].owner_id;
  const { rows: created } = await pool.query(
    `INSERT INTO meters (owner_id, name, timezone) SELECT $1, 'bench schedule ' || i, 'Europe/London' FROM generate_series(1, $2::int) AS i RETURNING id`,
    [ownerId, METERS - 1],
  );
  const meterIds: string[] = [first.id, ...created.map((r) => r.id as string)];
  // A day of 1,000 meters' readings and their rules: removed whatever happens, or the next run's schedule would judge them.
  try {
    const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    log(`  loading a day of minute readings for ${METERS} meters…`);
    let t0 = performance.now();
    await pool.query(
      `INSERT INTO readings (meter_id, ts, power_w, energy_wh)
       SELECT m, to_timestamp($2::float8 / 1000) + make_interval(mins => i), 500 + 300 * sin(i / 60.0), 8 + (i % 5)
       FROM unnest($1::uuid[]) AS m CROSS JOIN generate_series(0, 1439) AS i`,
      [meterIds, end - DAY + MINUTE],
    );
    // The readings went in behind the rollups' back: not ready until rebuilt (the first meter, made by the API, was ready).
    await pool.query("UPDATE meters SET last_reading_at = $2, rollups_ready = false WHERE id = ANY($1)", [meterIds, new Date(end)]);
    log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; rebuilding rollups…`);
    t0 = performance.now();
    const db = drizzle({ client: pool });
    const evaluateScheduledRules = await loadScheduledEvaluation();
    await inParallel(meterIds, 4, async (id) => void (await rebuildRollups(db, id)));
    await pool.query("ANALYZE readings; ANALYZE reading_rollups_hourly; ANALYZE reading_rollups_daily; ANALYZE meters");
    log(`  rollups rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Five rules the schedule judges on each meter; none changes state (recent readings, budgets far off): the steady round.
    await pool.query(
      `INSERT INTO alert_rules (owner_id, meter_id, name, kind, params)
       SELECT $1, m, r.name, r.kind, r.params::jsonb FROM unnest($2::uuid[]) AS m CROSS JOIN (VALUES
         ('silent 15 min', 'no_data', '{"kind":"no_data","for":"PT15M"}'),
         ('silent 1 h', 'no_data', '{"kind":"no_data","for":"PT1H"}'),
         ('day budget', 'budget', '{"kind":"budget","period":"day","value":1000000}'),
         ('week budget', 'budget', '{"kind":"budget","period":"week","value":1000000}'),
         ('month budget', 'budget', '{"kind":"budget","period":"month","value":1000000}')
       ) AS r(name, kind, params)`,
      [ownerId, meterIds],
    );
    const { rows: judged } = await pool.query(
      "SELECT count(*)::int AS rules, count(DISTINCT meter_id)::int AS meters FROM alert_rules WHERE enabled AND kind IN ('no_data', 'budget')",
    );
    const { rules, meters } = judged[0] as { rules: number; meters: number };

    // The rules part of the Cron Trigger's job in this process through the bench's driver: no rule changes state, so
    // nothing reaches env (the hub and the delivery queue).
    const scheduleTimes: number[] = [];
    for (let run = 0; run < SCHEDULE_RUNS; run++) {
      const t = performance.now();
      const changed = await evaluateScheduledRules({}, db, new Date(end + MINUTE));
      scheduleTimes.push(performance.now() - t);
      if (changed !== 0) {
        const { rows: moved } = await pool.query(
          "SELECT r.name, r.state, r.last_value, m.name AS meter FROM alert_rules r JOIN meters m ON m.id = r.meter_id WHERE r.state <> 'ok'",
        );
        throw new Error(`${changed} rule(s) changed state in a round meant to change none: ${JSON.stringify(moved)}`);
      }
    }
    const scheduleMs = median(scheduleTimes);
    const perMeterMs = scheduleMs / meters;
    // The whole handler in workerd once, as the Cron Trigger runs it (retention, reports, then the rules).
    const handler = await scheduledRound(stack);
    log(
      `  the scheduled handler in workerd: ${handler.ok ? `${handler.ms.toFixed(0)} ms` : `failed after ${handler.ms.toFixed(0)} ms: ${handler.answer}`}`,
    );

    const seriesTimes: number[] = [];
    const from = new Date(end - DAY);
    for (let run = 0; run < SERIES_RUNS + 1; run++) {
      const meterId = meterIds[(run * 37) % METERS];
      const path = `/api/meters/${meterId}/series?metric=power_w&from=${from.toISOString()}&to=${new Date(end).toISOString()}&points=1000`;
      const t = performance.now();
      await api(stack, "GET", path, undefined, stack.workerdUrl);
      // The first is a warm-up.
      if (run > 0) seriesTimes.push(performance.now() - t);
    }
    const seriesMs = median(seriesTimes);
    log(
      `  evaluateScheduledRules: ${rules} rules on ${meters} meters in ${scheduleMs.toFixed(0)} ms (${perMeterMs.toFixed(2)} ms a meter); a day's series request ${seriesMs.toFixed(2)} ms`,
    );
    return {
      alerts_schedule_per_meter: {
        value: Number(perMeterMs.toFixed(3)),
        unit: "ms",
        reference: Number(seriesMs.toFixed(2)),
        ratio: Number((perMeterMs / seriesMs).toFixed(3)),
        note: `evaluateScheduledRules (worker/scheduled.ts's rules part) over ${rules} enabled no_data and budget rules on ${meters} meters (two no_data, a day, week and month budget each; one day of minute readings, rollups built; no state changes), in Node through the bench's driver, median of ${SCHEDULE_RUNS}, divided by the meters (the whole handler in workerd once: ${handler.ok ? `${handler.ms.toFixed(0)} ms` : `failed, ${handler.answer}`}); reference: GET /api/meters/:id/series for a day of one of those meters straight to workerd, median of ${SERIES_RUNS}. Goal: ratio <= 2`,
      },
    };
  } finally {
    await pool.query("DELETE FROM meters WHERE id = ANY($1)", [meterIds]);
  }
}

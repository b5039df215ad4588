import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { energyQuery } from "../../worker/readings/queries";
import { ROLLUP_COLUMNS } from "../../worker/rollups/queries";
import { rebuildRollups, refreshRollups } from "../../worker/rollups/service";
import { consumeInferenceBatch } from "../../worker/runs/queue-consumer";
import { call, callWithEnv, createMeter, postReadings, seededRandom, sign, signIn } from "./helpers";

/** A queue that only records what is sent (the test bindings' queue is consumed at once, racing the assertions). */
function capturingQueue(): Env["INFERENCE_QUEUE"] & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (message: unknown) => void sent.push(message),
    sendBatch: async (messages: Iterable<{ body: unknown }>) => {
      for (const m of messages) sent.push(m.body);
    },
  } as never;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
const db = connection.db;
afterAll(() => connection.close());

async function rows<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.$client.query(text, values)).rows as T[];
}

type Reading = { ts: string } & Partial<Record<(typeof ROLLUP_COLUMNS)[number], number>>;
type Kind = "power" | "energy" | "mixed";

/**
 * Minute readings over `hours` hours from `start`, with a few gaps (longer than the cap), some
 * readings off the minute, and in "mixed" some readings carrying only voltage or only energy.
 */
function series(start: number, hours: number, kind: Kind, next: () => number): Reading[] {
  const readings: Reading[] = [];
  for (let t = start; t < start + hours * HOUR; t += MINUTE) {
    if (next() < 0.004) {
      t += Math.floor(5 + next() * 90) * MINUTE; // a gap
      continue;
    }
    const ts = new Date(t + (next() < 0.05 ? Math.floor(next() * 50_000) : 0)).toISOString();
    const power = Math.round(200 + 3000 * next());
    const energy = Math.round((power / 60) * 1000) / 1000;
    const reading: Reading = { ts, voltage_v: 228 + 4 * next() };
    const pick = kind === "mixed" ? next() : kind === "power" ? 0.1 : 0.9;
    if (pick < 0.45) reading.power_w = power;
    else if (pick < 0.55) {
      /* voltage only */
    } else if (pick < 0.8) reading.energy_wh = energy;
    else Object.assign(reading, { power_w: power, energy_wh: energy, current_a: power / 230, power_factor: 0.9, thd_pct: 3 });
    if (kind !== "mixed") delete reading.voltage_v;
    readings.push(reading);
  }
  return readings;
}

async function newMeter(timezone = "Europe/London") {
  const { token } = await signIn("rollups");
  const meter = await createMeter(token, { timezone });
  return { token, meter };
}

async function post(meter: { id: string; webhook: { secret: string } }, readings: Reading[]) {
  for (let i = 0; i < readings.length; i += 5_000) {
    const result = await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(i, i + 5_000) });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  }
}

const close = (actual: unknown, expected: unknown) => {
  if (expected === null || actual === null) return expect(actual).toBe(expected);
  const [a, e] = [Number(actual), Number(expected)];
  expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
};

const PLAIN = ROLLUP_COLUMNS.map(
  (c) => `sum(${c}) AS ${c}_sum, count(${c})::int AS ${c}_count, min(${c}) AS ${c}_min, max(${c}) AS ${c}_max`,
).join(", ");

interface Expected {
  plain: Record<string, unknown> & { readings: number };
  quarters: number[];
  covered: number;
}

/**
 * Every hourly and daily row of the meter against a fresh computation from raw: plain aggregates
 * straight from the readings, the energy integral from the raw energy query (readings/queries.ts)
 * per quarter hour and per local day.
 */
async function expectRollupsEqualRaw(meterId: string) {
  const [meter] = await rows<{ timezone: string; interval: number | null; ready: boolean }>(
    "SELECT timezone, reading_interval_ms AS interval, rollups_ready AS ready FROM meters WHERE id = $1",
    [meterId],
  );
  expect(meter.ready).toBe(true);
  const interval = Number(meter.interval ?? 0);
  const [extent] = await rows<{ first: string | null; last: string | null }>(
    "SELECT min(ts) AS first, max(ts) AS last FROM readings WHERE meter_id = $1",
    [meterId],
  );
  const expected = new Map<number, Expected>();
  const at = (hour: number) => {
    if (!expected.has(hour)) expected.set(hour, { plain: { readings: 0 }, quarters: [0, 0, 0, 0], covered: 0 });
    return expected.get(hour)!;
  };
  if (extent.first && extent.last) {
    for (const row of await rows<Record<string, unknown> & { hour: string }>(
      `SELECT date_trunc('hour', ts, 'UTC') AS hour, ${PLAIN}, count(*) FILTER (WHERE power_w IS NOT NULL OR energy_wh IS NOT NULL)::int AS readings
       FROM readings WHERE meter_id = $1 GROUP BY 1`,
      [meterId],
    )) {
      at(new Date(row.hour).getTime()).plain = row as unknown as Expected["plain"];
    }
    const from = new Date(Math.floor((new Date(extent.first).getTime() - 1.5 * interval) / HOUR - 1) * HOUR);
    const to = new Date(Math.ceil((new Date(extent.last).getTime() + 1.5 * interval) / HOUR + 1) * HOUR);
    const quarterPlan = { name: "15m", interval: "15 minutes", calendar: null } as never;
    const { text, values } = energyQuery(meterId, from, to, quarterPlan, "UTC", interval);
    for (const q of await rows<{ lo: number; energy_wh: number; covered_ms: number }>(text, values)) {
      const lo = Number(q.lo);
      const hour = at(Math.floor(lo / HOUR) * HOUR);
      hour.quarters[Math.round((lo % HOUR) / (15 * MINUTE))] += Number(q.energy_wh);
      hour.covered += Number(q.covered_ms);
    }
  }
  const stored = await rows<Record<string, unknown> & { hour: string; quarter_wh: number[] }>(
    "SELECT * FROM reading_rollups_hourly WHERE meter_id = $1 ORDER BY hour",
    [meterId],
  );
  expect(stored.map((r) => new Date(r.hour).getTime())).toEqual([...expected.keys()].sort((a, b) => a - b));
  for (const row of stored) {
    const want = expected.get(new Date(row.hour).getTime())!;
    for (const c of ROLLUP_COLUMNS) {
      expect(row[`${c}_count`]).toBe(want.plain[`${c}_count`] ?? 0);
      for (const f of ["sum", "min", "max"]) close(row[`${c}_${f}`], want.plain[`${c}_${f}`] ?? null);
    }
    expect(row.readings).toBe(want.plain.readings);
    for (const [i, wh] of want.quarters.entries()) close(row.quarter_wh[i], wh);
    close(
      row.integral_wh,
      want.quarters.reduce((a, b) => a + b, 0),
    );
    close(row.covered_ms, want.covered);
  }

  // Days: one row per local day with hourly rows, when both its midnights are whole UTC hours.
  const days = await rows<{ day: string; next_day: string; whole: boolean }>(
    `SELECT DISTINCT day, next_day, date_part('minute', day) = 0 AND date_part('minute', next_day) = 0 AS whole
     FROM (SELECT d AT TIME ZONE $2 AS day, (d + interval '1 day') AT TIME ZONE $2 AS next_day
           FROM (SELECT DISTINCT date_trunc('day', hour AT TIME ZONE $2) AS d FROM reading_rollups_hourly WHERE meter_id = $1) AS local_days) AS x
     ORDER BY day`,
    [meterId, meter.timezone],
  );
  const daily = await rows<Record<string, unknown> & { day: string }>(
    "SELECT * FROM reading_rollups_daily WHERE meter_id = $1 ORDER BY day",
    [meterId],
  );
  expect(daily.map((d) => new Date(d.day).toISOString())).toEqual(days.filter((d) => d.whole).map((d) => new Date(d.day).toISOString()));
  for (const row of daily) {
    const day = days.find((d) => new Date(d.day).getTime() === new Date(row.day).getTime())!;
    const [plain] = await rows<Record<string, unknown>>(
      `SELECT ${PLAIN}, count(*) FILTER (WHERE power_w IS NOT NULL OR energy_wh IS NOT NULL)::int AS readings
       FROM readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3`,
      [meterId, day.day, day.next_day],
    );
    for (const c of ROLLUP_COLUMNS) {
      expect(row[`${c}_count`]).toBe(plain[`${c}_count`]);
      for (const f of ["sum", "min", "max"]) close(row[`${c}_${f}`], plain[`${c}_${f}`]);
    }
    expect(row.readings).toBe(plain.readings);
    const { text, values } = energyQuery(meterId, new Date(day.day), new Date(day.next_day), "whole", meter.timezone, interval);
    const [whole] = await rows<{ energy_wh: number; covered_ms: number }>(text, values);
    close(row.integral_wh, whole ? whole.energy_wh : 0);
    close(row.covered_ms, whole ? whole.covered_ms : 0);
  }
  return { hours: stored.length, days: daily.length };
}

const DAYS_AGO = (n: number) => Math.floor((Date.now() - n * 86_400_000) / HOUR) * HOUR;

describe("rollups: kept equal to raw as readings arrive", () => {
  it("in-order batches, then late readings inside rolled hours and duplicates", async () => {
    const next = seededRandom(1);
    const { meter } = await newMeter();
    const readings = series(DAYS_AGO(3) + 7 * MINUTE, 40, "power", next);
    // Every fourth reading held back, posted later: late readings inside hours already rolled up.
    const late = readings.filter((_, i) => i % 4 === 1);
    const first = readings.filter((_, i) => i % 4 !== 1);
    for (let i = 0; i < first.length; i += 500) await post(meter, first.slice(i, i + 500));
    const shape = await expectRollupsEqualRaw(meter.id);
    expect(shape.hours).toBeGreaterThan(30);
    await post(meter, late.slice(0, 300));
    await post(meter, [...late.slice(200), ...first.slice(0, 50)]);
    const again = await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(100, 120) });
    expect(again.body).toEqual({ accepted: 0, duplicates: 20 });
    await expectRollupsEqualRaw(meter.id);
  });

  it("single late readings at hour edges change the neighbours' spans across the edge", async () => {
    // Readings at hh:mm:30; held back: each hour's first (its previous reading is in the hour before)
    // and last (the next one, an energy reading, then covers time in the hour after).
    for (const kind of ["power", "energy"] as const) {
      const { meter } = await newMeter();
      const start = DAYS_AGO(2) + 30_000;
      const readings = Array.from({ length: 6 * 60 }, (_, i) => ({
        ts: new Date(start + i * MINUTE).toISOString(),
        ...(kind === "power" ? { power_w: 1000 + 7 * (i % 13) } : { energy_wh: 10 + (i % 11) }),
      }));
      const edge = (_: unknown, i: number) => i % 60 === 0 || i % 60 === 59;
      await post(
        meter,
        readings.filter((r, i) => !edge(r, i)),
      );
      for (const late of readings.filter((r, i) => edge(r, i) && i > 0)) await post(meter, [late]);
      await expectRollupsEqualRaw(meter.id);
    }
  });

  it("out-of-order batches with gaps, on an energy_wh-only meter and a mixed one", async () => {
    for (const [seed, kind] of [
      [2, "energy"],
      [3, "mixed"],
    ] as const) {
      const next = seededRandom(seed);
      const { meter } = await newMeter("America/New_York");
      const readings = series(DAYS_AGO(4) + 3 * MINUTE, 50, kind, next);
      const batches = Array.from({ length: Math.ceil(readings.length / 250) }, (_, i) => readings.slice(i * 250, (i + 1) * 250));
      for (let i = batches.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [batches[i], batches[j]] = [batches[j], batches[i]];
      }
      for (const batch of batches) await post(meter, batch);
      await expectRollupsEqualRaw(meter.id);
    }
  });

  it("adjacent batches posted at once (each waits for the meter's lock to roll up)", async () => {
    const { meter } = await newMeter();
    const readings = series(DAYS_AGO(5) + 11 * MINUTE, 24, "mixed", seededRandom(11));
    await post(meter, readings.slice(0, 10));
    const rest = readings.slice(10);
    const quarter = Math.ceil(rest.length / 4);
    await Promise.all([0, 1, 2, 3].map((i) => post(meter, rest.slice(i * quarter, (i + 1) * quarter))));
    await expectRollupsEqualRaw(meter.id);
  });

  it("a half-hour zone keeps hourly rows and no daily ones", async () => {
    const next = seededRandom(4);
    const { meter } = await newMeter("Asia/Kolkata");
    await post(meter, series(DAYS_AGO(2), 30, "mixed", next));
    const shape = await expectRollupsEqualRaw(meter.id);
    expect(shape.hours).toBeGreaterThan(0);
    expect(shape.days).toBe(0);
  });

  it("a batch of duplicates only recomputes nothing (storing nothing, it holds no lock on the meter)", async () => {
    const { meter } = await newMeter();
    const readings = series(DAYS_AGO(2), 3, "power", seededRandom(12));
    await post(meter, readings);
    // A hand-made mark on the batch's hours: a recompute would erase it.
    await rows("UPDATE reading_rollups_hourly SET power_w_count = 999 WHERE meter_id = $1", [meter.id]);
    const again = await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(30, 150) });
    expect(again.body).toEqual({ accepted: 0, duplicates: 120 });
    const marked = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM reading_rollups_hourly WHERE meter_id = $1 AND power_w_count = 999",
      [meter.id],
    );
    expect(marked[0].n).toBeGreaterThan(0);
    await refreshRollups(db, meter.id, new Date(DAYS_AGO(3)), new Date(Date.now()));
    await expectRollupsEqualRaw(meter.id);
  });

  it("the batch that gives a meter its first interval recomputes the hours posted before it", async () => {
    for (const kind of ["power_w", "energy_wh"] as const) {
      const { meter } = await newMeter();
      const start = DAYS_AGO(2) + 20 * MINUTE;
      // One reading: no gap to measure, so its hour is rolled up without an interval.
      await post(meter, [{ ts: new Date(start).toISOString(), [kind]: 900 }]);
      const [{ interval }] = await rows<{ interval: number | null }>("SELECT reading_interval_ms AS interval FROM meters WHERE id = $1", [
        meter.id,
      ]);
      expect(interval).toBeNull();
      await post(
        meter,
        Array.from({ length: 30 }, (_, i) => ({ ts: new Date(start + 3 * HOUR + i * MINUTE).toISOString(), [kind]: 1000 + i })),
      );
      const [after] = await rows<{ interval: number }>("SELECT reading_interval_ms AS interval FROM meters WHERE id = $1", [meter.id]);
      expect(Number(after.interval)).toBe(MINUTE);
      await expectRollupsEqualRaw(meter.id);
    }
  });

  it("without the SQL-over-HTTP path (DB_ONE_SHOT_QUERIES=websocket) the same statements run in one transaction on the connection", async () => {
    const { meter } = await newMeter();
    const readings = series(DAYS_AGO(3), 6, "mixed", seededRandom(13));
    for (const batch of [readings.slice(200), readings.slice(0, 200)]) {
      const body = JSON.stringify({ readings: batch });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const posted = await callWithEnv({ DB_ONE_SHOT_QUERIES: "websocket" }, "POST", `/api/ingest/${meter.id}`, JSON.parse(body), {
        "X-Wattboard-Timestamp": timestamp,
        "X-Wattboard-Signature": await sign(meter.webhook.secret, timestamp, body),
      });
      expect(posted.body).toEqual({ accepted: batch.length, duplicates: 0 });
    }
    const [{ interval }] = await rows<{ interval: number }>("SELECT reading_interval_ms AS interval FROM meters WHERE id = $1", [meter.id]);
    expect(Number(interval)).toBe(MINUTE);
    await expectRollupsEqualRaw(meter.id);
  });

  it("a sparse batch (yesterday and a week ago) leaves the hours between alone, and still equals raw", async () => {
    const next = seededRandom(5);
    const { meter } = await newMeter();
    await post(meter, series(DAYS_AGO(8), 30, "power", next));
    await post(meter, [...series(DAYS_AGO(7) + 31 * HOUR, 2, "power", next), ...series(DAYS_AGO(1), 3, "power", next)]);
    await expectRollupsEqualRaw(meter.id);
  });
});

describe("rollups: what changes every row", () => {
  it("a zone change marks the meter not ready; the rebuild restores equality", async () => {
    const { token, meter } = await newMeter();
    await post(meter, series(DAYS_AGO(3), 50, "mixed", seededRandom(6)));
    await expectRollupsEqualRaw(meter.id);
    const queue = capturingQueue();
    const patched = await callWithEnv(
      { INFERENCE_QUEUE: queue },
      "PATCH",
      `/api/meters/${meter.id}`,
      { timezone: "Australia/Adelaide" },
      { Authorization: `Bearer ${token}` },
    );
    expect(patched.status).toBe(200);
    const [{ ready }] = await rows<{ ready: boolean }>("SELECT rollups_ready AS ready FROM meters WHERE id = $1", [meter.id]);
    expect(ready).toBe(false);
    expect(queue.sent).toEqual([{ kind: "rollups.rebuild", meterId: meter.id }]);
    expect(await rebuildRollups(db, meter.id)).toMatchObject({ hours: expect.any(Number) });
    await expectRollupsEqualRaw(meter.id);
  });

  it("an interval change marks the meter not ready and stores the new interval; the rebuild restores equality", async () => {
    const { meter } = await newMeter();
    const minutes = series(DAYS_AGO(6), 20, "power", seededRandom(7));
    await post(meter, minutes);
    const [before] = await rows<{ interval: number }>("SELECT reading_interval_ms AS interval FROM meters WHERE id = $1", [meter.id]);
    expect(Number(before.interval)).toBe(MINUTE);
    // 600 readings five minutes apart: the median gap of the last 500 moves to 5 minutes.
    const start = DAYS_AGO(4);
    const body = JSON.stringify({
      readings: Array.from({ length: 600 }, (_, i) => ({ ts: new Date(start + i * 5 * MINUTE).toISOString(), power_w: 100 + i })),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const queue = capturingQueue();
    const posted = await callWithEnv({ INFERENCE_QUEUE: queue }, "POST", `/api/ingest/${meter.id}`, JSON.parse(body), {
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": await sign(meter.webhook.secret, timestamp, body),
    });
    expect(posted.body).toEqual({ accepted: 600, duplicates: 0 });
    expect(queue.sent).toContainEqual({ kind: "rollups.rebuild", meterId: meter.id });
    const [after] = await rows<{ interval: number; ready: boolean }>(
      "SELECT reading_interval_ms AS interval, rollups_ready AS ready FROM meters WHERE id = $1",
      [meter.id],
    );
    expect(after).toMatchObject({ interval: 5 * MINUTE, ready: false });
    await rebuildRollups(db, meter.id);
    await expectRollupsEqualRaw(meter.id);
  });

  it("the schedule queues a rebuild for meters whose rollups are not ready; a rebuild of a ready meter does nothing", async () => {
    const { meter } = await newMeter();
    await post(meter, series(DAYS_AGO(2), 5, "power", seededRandom(21)));
    // As migration 0016 leaves every meter: not ready (and first in line, by its old update time).
    await rows("UPDATE meters SET rollups_ready = false, updated_at = '2000-01-01' WHERE id = $1", [meter.id]);
    await rows("DELETE FROM reading_rollups_hourly WHERE meter_id = $1", [meter.id]);
    const queue = capturingQueue();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), {
      ...env,
      INFERENCE_QUEUE: queue,
    } as Env);
    expect(queue.sent).toContainEqual({ kind: "rollups.rebuild", meterId: meter.id });

    expect((await rebuildRollups(db, meter.id))?.hours).toBeGreaterThan(0);
    await expectRollupsEqualRaw(meter.id);
    // Queued twice (by a change and by the schedule): the second finds it ready and writes nothing.
    expect(await rebuildRollups(db, meter.id)).toEqual({ hours: 0, days: 0 });
    await expectRollupsEqualRaw(meter.id);
  });

  it("the queue consumer rebuilds each meter once per batch, before the runs", async () => {
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const batch = createMessageBatch("wattboard-inference", [
      { id: "1", timestamp: new Date(), attempts: 1, body: { kind: "rollups.rebuild", meterId: a } },
      { id: "2", timestamp: new Date(), attempts: 1, body: { kind: "rollups.rebuild", meterId: a } },
      { id: "3", timestamp: new Date(), attempts: 1, body: { kind: "rollups.rebuild", meterId: b } },
    ]);
    const ctx = createExecutionContext();
    const rebuilt: string[] = [];
    await consumeInferenceBatch(
      batch,
      env,
      async () => {},
      async (_env, meterId) => {
        if (meterId === b) throw new Error("database unavailable");
        rebuilt.push(meterId);
      },
    );
    const result = await getQueueResult(batch, ctx);
    expect(rebuilt).toEqual([a]);
    expect(result.explicitAcks.sort()).toEqual(["1", "2"]);
    expect(result.retryMessages).toEqual([{ msgId: "3" }]);
  });

  it("refreshRollups recomputes a range after rows were damaged by hand", async () => {
    const { meter } = await newMeter();
    await post(meter, series(DAYS_AGO(2), 10, "mixed", seededRandom(8)));
    await rows("UPDATE reading_rollups_hourly SET integral_wh = -1, power_w_count = 999 WHERE meter_id = $1", [meter.id]);
    await rows("DELETE FROM reading_rollups_daily WHERE meter_id = $1", [meter.id]);
    await refreshRollups(db, meter.id, new Date(DAYS_AGO(3)), new Date(Date.now()));
    await expectRollupsEqualRaw(meter.id);
  });

  it("a meter's deletion deletes its rollups", async () => {
    const { token, meter } = await newMeter();
    await post(meter, series(DAYS_AGO(2), 5, "power", seededRandom(9)));
    const count =
      "SELECT (SELECT count(*) FROM reading_rollups_hourly WHERE meter_id = $1) + (SELECT count(*) FROM reading_rollups_daily WHERE meter_id = $1) AS n";
    expect(Number((await rows<{ n: number }>(count, [meter.id]))[0].n)).toBeGreaterThan(0);
    const deleted = await call("DELETE", `/api/meters/${meter.id}?confirm=${meter.id}`, { token });
    expect(deleted.status).toBe(200);
    expect(Number((await rows<{ n: number }>(count, [meter.id]))[0].n)).toBe(0);
  });

  it("readings before the meter's retention watermark are refused as expired", async () => {
    const { meter } = await newMeter();
    const readings = series(DAYS_AGO(2), 4, "power", seededRandom(10));
    await post(meter, readings.slice(0, 60));
    const keptFrom = new Date(DAYS_AGO(2) + 2 * HOUR);
    await rows("UPDATE meters SET raw_kept_from = $2 WHERE id = $1", [meter.id, keptFrom.toISOString()]);
    const older = readings.filter((r) => Date.parse(r.ts) < keptFrom.getTime()).slice(60);
    const newer = readings.filter((r) => Date.parse(r.ts) >= keptFrom.getTime());
    const result = await postReadings(meter.id, meter.webhook.secret, { readings: [...older, ...newer] });
    expect(result.body).toEqual({ accepted: newer.length, duplicates: 0, expired: older.length });
    const [{ n }] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM readings WHERE meter_id = $1", [meter.id]);
    expect(n).toBe(60 + newer.length);
  });
});

import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { applyRetention } from "../../worker/rollups/retention";
import { call, createMeter, postReadings, signIn } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Runs the Worker's scheduled handler as the Cron Trigger does (it throws if the run fails). */
async function runSchedule(at: Date): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env as Env);
}

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);

/** Raw readings stored for the meter (before `before`). */
async function rawCount(meterId: string, before?: Date): Promise<number> {
  const result = await connection.db.$client.query(
    "SELECT count(*)::int AS n FROM readings WHERE meter_id = $1 AND ($2::timestamptz IS NULL OR ts < $2)",
    [meterId, before?.toISOString() ?? null],
  );
  return (result.rows[0] as { n: number }).n;
}

/** A meter with hourly 1 kW readings over the last `days` days, up to the current hour. */
async function meterWithHistory(days: number) {
  const { token } = await signIn("retention");
  const meter = await createMeter(token);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const readings = [];
  for (let t = end - days * DAY; t <= end; t += HOUR) readings.push({ ts: new Date(t).toISOString(), power_w: 1000 + ((t / HOUR) % 7) });
  for (let i = 0; i < readings.length; i += 2_000) {
    const posted = await postReadings(meter.id, meter.webhook.secret, { readings: readings.slice(i, i + 2_000) });
    expect(posted.status).toBe(200);
  }
  return { token, meter, end };
}

describe("data retention", () => {
  it("says what is kept, and refuses a retention shorter than a week or not a whole number of days", async () => {
    const { token } = await signIn("retention");
    const initial = await call("GET", "/api/data-retention", { token });
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ rawDays: null, rawKeptFrom: null });
    expect(initial.body.statement).toMatch(/kept for good/);

    for (const rawDays of [3, 12.5, "90", 5000]) {
      const refused = await call("PUT", "/api/data-retention", { token, body: { rawDays } });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.error.details)).toContain("rawDays");
    }
    const saved = await call("PUT", "/api/data-retention", { token, body: { rawDays: 90 } });
    expect(saved.status).toBe(200);
    expect(saved.body.rawDays).toBe(90);
    expect(saved.body.statement).toMatch(/kept for 90 days; hourly and daily totals are kept for good/);
    expect((await call("GET", "/api/data-retention", { token })).body.rawDays).toBe(90);
  });

  it("deletes raw readings past the retention on schedule, keeps the rollups, and old charts stay the same", async () => {
    const { token, meter, end } = await meterWithHistory(100);
    const oldWindow = `from=${new Date(end - 99 * DAY).toISOString()}&to=${new Date(end - 92 * DAY).toISOString()}`;
    const seriesPath = `/api/meters/${meter.id}/series?metric=energy_wh&bucket=1d&${oldWindow}`;
    const before = await call("GET", seriesPath, { token });
    expect(before.status).toBe(200);
    expect(before.body.points.length).toBeGreaterThan(5);
    const oldDay = `from=${new Date(end - 95 * DAY).toISOString()}&to=${new Date(end - 94 * DAY).toISOString()}`;
    // Quarter hours asked of hourly readings: power is drawn no finer than the readings, in hours.
    const quarterHours = await call("GET", `/api/meters/${meter.id}/series?metric=power_w&bucket=15m&${oldDay}`, { token });
    expect(quarterHours.body.bucket).toBe("1h");
    expect(quarterHours.body.points).toHaveLength(24);

    // Without a retention, the job deletes nothing.
    await applyRetention(connection.db, new Date());
    expect(await rawCount(meter.id)).toBe(100 * 24 + 1);

    expect((await call("PUT", "/api/data-retention", { token, body: { rawDays: 90 } })).status).toBe(200);
    const at = new Date();
    expect((await applyRetention(connection.db, at)).readingsDeleted).toBeGreaterThan(9 * 24);
    const cutoff = new Date(Math.floor((at.getTime() - 90 * DAY) / HOUR) * HOUR);
    // A span's worth (1.5 reading intervals) before the cutoff stays for the first hour kept.
    expect(await rawCount(meter.id, new Date(cutoff.getTime() - 1.5 * HOUR))).toBe(0);
    expect(await rawCount(meter.id)).toBeGreaterThanOrEqual(90 * 24);

    const state = await call("GET", "/api/data-retention", { token });
    expect(state.body.rawKeptFrom).toBe(cutoff.toISOString());
    expect(state.body.statement).toMatch(/Raw readings before \d{4}-\d{2}-\d{2} have been deleted/);

    const after = await call("GET", seriesPath, { token });
    expect(after.status).toBe(200);
    expect(after.body.points.map((p: { t: string }) => p.t)).toEqual(before.body.points.map((p: { t: string }) => p.t));
    for (const [i, point] of (after.body.points as { sum: number }[]).entries())
      expect(point.sum).toBeCloseTo(before.body.points[i].sum, 6);

    // The raw readings of that day are gone: the same request is served whole hours from the rollups.
    const hourly = await call("GET", `/api/meters/${meter.id}/series?metric=power_w&bucket=15m&${oldDay}`, { token });
    expect(hourly.body.bucket).toBe("1h");
    expect(hourly.body.points.map((p: { avg: number }) => p.avg)).toEqual(quarterHours.body.points.map((p: { avg: number }) => p.avg));

    // Twice on the same schedule: the work is done once.
    const kept = await rawCount(meter.id);
    expect((await applyRetention(connection.db, at)).readingsDeleted).toBe(0);
    expect(await rawCount(meter.id)).toBe(kept);
  });

  it("runs on the Cron Trigger, and never touches another person's meters", async () => {
    const other = await meterWithHistory(45);
    const mine = await meterWithHistory(45);
    expect((await call("PUT", "/api/data-retention", { token: mine.token, body: { rawDays: 30 } })).status).toBe(200);
    const at = new Date();
    await runSchedule(at);
    const cutoff = Math.floor((at.getTime() - 30 * DAY) / HOUR) * HOUR;
    expect(await rawCount(mine.meter.id, new Date(cutoff - 1.5 * HOUR))).toBe(0);
    expect(await rawCount(mine.meter.id)).toBeGreaterThanOrEqual(30 * 24);
    expect(await rawCount(other.meter.id)).toBe(45 * 24 + 1);
  });
});

/**
 * Postgres stopping in the middle of a queued model run, and a consumer that keeps failing: the
 * job is retried with growing delays, a run is stored with its notifications or not at all, and
 * once the retries are spent the dead letter is logged and listed for the person.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import worker from "../../worker/index";
import { consumeInferenceBatch, runMeterFromQueue } from "../../worker/runs/queue-consumer";
import type { InferenceJob } from "../../worker/runs/queue-job";
import { call, createMeter, postReadings, signIn } from "./helpers";

const control = inject("stoppableControl");
const postgres = {
  start: () => fetch(`${control}/start`, { method: "POST" }),
  stopOn: (text: string) => fetch(`${control}/stop-on`, { method: "POST", body: JSON.stringify({ text, when: "before" }) }),
};
const faultEnv = { ...env, DATABASE_URL: inject("stoppableDatabaseUrl") };
/** wrangler.jsonc: max_retries 5, so a job is delivered 6 times before the dead letter queue. */
const DELIVERIES = 6;

afterEach(() => postgres.start());

const HOUR = 3_600_000;

/** Eight days of hourly history ending three hours ago (no automatic run picks it up), and a tiny peak limit so a run has a finding. */
async function meterWithFinding() {
  const user = await signIn();
  const meter = await createMeter(user.token, { timezone: "Europe/London" });
  const end = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  const readings = Array.from({ length: 8 * 24 }, (_, i) => {
    const ts = end - (8 * 24 - 1 - i) * HOUR;
    const hour = new Date(ts).getUTCHours();
    return { ts: new Date(ts).toISOString(), energy_wh: hour >= 17 && hour <= 21 ? 1500 : 300 };
  });
  expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);
  expect((await call("PATCH", `/api/meters/${meter.id}`, { token: user.token, body: { assets: { peakLimitKw: 0.1 } } })).status).toBe(200);
  const job: InferenceJob = { meterId: meter.id, userId: user.userId, newestTs: new Date(end).toISOString(), trigger: "manual" };
  return { ...user, meter, job };
}

/** One delivery of the job, as the queue would make it, to the real consumer on the stoppable Postgres. */
async function deliver(job: InferenceJob, attempts: number) {
  const batch = createMessageBatch<InferenceJob>("wattboard-inference", [
    { id: `job-${attempts}`, timestamp: new Date(), attempts, body: job },
  ]);
  const retry = vi.spyOn(batch.messages[0], "retry");
  const ctx = createExecutionContext();
  await consumeInferenceBatch(batch, faultEnv, runMeterFromQueue);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks.length === 1, retryDelay: retry.mock.calls[0]?.[0]?.delaySeconds };
}

async function written(meterId: string) {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    const runs = await connection.db.$client.query("SELECT count(*)::int AS n FROM model_runs WHERE meter_id = $1", [meterId]);
    const notes = await connection.db.$client.query("SELECT count(*)::int AS n FROM notifications WHERE meter_id = $1", [meterId]);
    return { runs: runs.rows[0].n as number, notifications: notes.rows[0].n as number };
  } finally {
    await connection.close();
  }
}

describe("fault: Postgres stops during a model run", () => {
  it("nothing of the run is stored; the retry after Postgres returns stores it once, with its notification", async () => {
    const { meter, job } = await meterWithFinding();
    // Postgres stops as the run's notification is about to be written, after the run row.
    await postgres.stopOn('insert into "notifications"');
    expect(await deliver(job, 1)).toEqual({ acked: false, retryDelay: 10 });
    await postgres.start();
    expect(await written(meter.id)).toEqual({ runs: 0, notifications: 0 });

    expect(await deliver(job, 2)).toMatchObject({ acked: true });
    expect(await written(meter.id)).toEqual({ runs: 1, notifications: 1 });
  });

  it("retried with growing delays while Postgres stays down, then dead-lettered: logged, listed for the person, nothing half-written", async () => {
    const { token, meter, job } = await meterWithFinding();
    await postgres.stopOn('insert into "notifications"');
    const errors = vi.spyOn(console, "error");
    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= DELIVERIES; attempt++) {
      const delivery = await deliver(job, attempt);
      expect(delivery.acked).toBe(false);
      delays.push(delivery.retryDelay);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160, 300]);

    // The queue then moves the message to the dead letter queue, whose consumer is the same Worker.
    const dead = createMessageBatch<InferenceJob>("wattboard-inference-dlq", [
      { id: "dead-1", timestamp: new Date(), attempts: 1, body: job },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(dead, faultEnv as never);
    expect((await getQueueResult(dead, ctx)).explicitAcks).toEqual(["dead-1"]);
    expect(errors.mock.calls.map((c) => String(c[0])).some((line) => line.includes(`gave up on meter ${meter.id}`))).toBe(true);
    errors.mockRestore();

    await postgres.start();
    expect(await written(meter.id)).toEqual({ runs: 0, notifications: 0 });
    const failed = await call("GET", "/api/model-runs/failed", { token });
    expect(failed.status).toBe(200);
    expect(failed.body.items).toEqual([{ meterId: meter.id, trigger: "manual", newestTs: job.newestTs, failedAt: expect.any(String) }]);
    // Another person sees none of it.
    expect((await call("GET", "/api/model-runs/failed", { token: (await signIn()).token })).body.items).toEqual([]);
  });
});

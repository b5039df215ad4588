/**
 * Postgres stopping while meters post: the webhook answers 503 with Retry-After, a meter that
 * retries like a real one gets every batch stored, and nothing is lost or stored twice, even when
 * Postgres committed a batch whose answer never reached the Worker.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../../worker/app";
import type { InferenceJob } from "../../worker/runs/queue-job";
import { createMeter, sign, signIn, storedCount } from "./helpers";

const control = inject("stoppableControl");
const postgres = {
  stop: () => fetch(`${control}/stop`, { method: "POST" }),
  start: () => fetch(`${control}/start`, { method: "POST" }),
  stopOn: (text: string, when: "before" | "after") => fetch(`${control}/stop-on`, { method: "POST", body: JSON.stringify({ text, when }) }),
};

/** The Worker on the stoppable Postgres; the queue is a stand-in (no model runs in this file). */
const faultEnv = {
  ...env,
  DATABASE_URL: inject("stoppableDatabaseUrl"),
  INFERENCE_QUEUE: { send: async () => {} } as unknown as Queue<InferenceJob>,
};

async function webhook(meterId: string, secret: string, body: string): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const ctx = createExecutionContext();
  const response = await createApp().fetch(
    new Request(`http://wattboard.test/api/ingest/${meterId}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Wattboard-Timestamp": timestamp,
        "X-Wattboard-Signature": await sign(secret, timestamp, body),
      },
      body,
    }),
    faultEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/**
 * Posts each batch until it is committed, like a meter's gateway: on 503 it waits Retry-After
 * (here `wait`, which the test uses to bring Postgres back instead of sleeping) and re-signs.
 */
async function meterSends(
  meter: { id: string; webhook: { secret: string } },
  batches: unknown[][],
  hooks: { beforeBatch(index: number): Promise<unknown>; wait(retryAfterSeconds: number, attempt: number): Promise<unknown> },
) {
  const outcome = { accepted: 0, duplicates: 0, unavailable: 0, retryAfter: new Set<string | null>(), other: [] as string[] };
  for (const [index, readings] of batches.entries()) {
    await hooks.beforeBatch(index);
    for (let attempt = 1; ; attempt++) {
      const response = await webhook(meter.id, meter.webhook.secret, JSON.stringify({ readings }));
      if (response.status === 200) {
        const body = (await response.json()) as { accepted: number; duplicates: number };
        outcome.accepted += body.accepted;
        outcome.duplicates += body.duplicates;
        break;
      }
      if (response.status !== 503 || attempt > 10) {
        outcome.other.push(`${response.status} ${await response.text()}`);
        break;
      }
      outcome.unavailable++;
      outcome.retryAfter.add(response.headers.get("Retry-After"));
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("database_unavailable");
      await hooks.wait(Number(response.headers.get("Retry-After")), attempt);
    }
  }
  return outcome;
}

function minuteBatches(count: number, size: number) {
  const start = Date.now() - (count * size + 10) * 60_000;
  return Array.from({ length: count }, (_, b) =>
    Array.from({ length: size }, (_, i) => ({ ts: new Date(start + (b * size + i) * 60_000).toISOString(), power_w: 100 + i })),
  );
}

describe("fault: Postgres stops during ingestion", () => {
  it("503 with Retry-After while it is down; the meter retries and every reading is stored once", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    // Stopped before the third batch; started again when the meter waits for the third time.
    const outcome = await meterSends(meter, minuteBatches(6, 50), {
      beforeBatch: async (index) => index === 2 && (await postgres.stop()),
      wait: async (_seconds, attempt) => attempt === 3 && (await postgres.start()),
    }).finally(() => postgres.start());
    expect(outcome.other).toEqual([]);
    expect(outcome.unavailable).toBe(3);
    expect([...outcome.retryAfter]).toEqual(["5"]);
    expect(outcome).toMatchObject({ accepted: 300, duplicates: 0 });
    expect(await storedCount(token, meter.id)).toBe(300);
  });

  it("a batch Postgres committed but whose answer was lost is retried and counted as duplicates, not stored twice", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const outcome = await meterSends(meter, minuteBatches(4, 50), {
      // Postgres stops right after it answers the second batch's COMMIT (a batch is one transaction:
      // its insert and its rollups): the Worker never learns it committed. The statement itself, whose
      // query message ends in a NUL: "BEGIN ISOLATION LEVEL READ COMMITTED" contains "COMMIT" too.
      beforeBatch: async (index) => index === 1 && (await postgres.stopOn("COMMIT\0", "after")),
      wait: () => postgres.start(),
    }).finally(() => postgres.start());
    expect(outcome.other).toEqual([]);
    expect(outcome.unavailable).toBe(1);
    expect(outcome).toMatchObject({ accepted: 150, duplicates: 50 });
    expect(await storedCount(token, meter.id)).toBe(200);
  });
});

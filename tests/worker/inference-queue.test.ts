import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consumeInferenceBatch, retryDelaySeconds } from "../../worker/runs/queue-consumer";
import type { InferenceJob } from "../../worker/runs/queue-job";

const meterA = "aaaaaaaa-0000-4000-8000-000000000001";
const meterB = "bbbbbbbb-0000-4000-8000-000000000002";
const user = "cccccccc-0000-4000-8000-000000000003";
const job = (meterId: string, newestTs: string, trigger: "auto" | "manual" = "auto"): InferenceJob => ({
  meterId,
  userId: user,
  newestTs,
  trigger,
});

describe("inference queue consumer", () => {
  it("runs each meter once per batch with its newest job, and a manual ask wins", async () => {
    const batch = createMessageBatch("wattboard-inference", [
      { id: "1", timestamp: new Date(), attempts: 1, body: job(meterA, "2026-11-21T10:00:00Z") },
      { id: "2", timestamp: new Date(), attempts: 1, body: job(meterA, "2026-11-21T10:05:00Z") },
      { id: "3", timestamp: new Date(), attempts: 1, body: job(meterB, "2026-11-21T09:00:00Z", "manual") },
      { id: "4", timestamp: new Date(), attempts: 1, body: job(meterB, "2026-11-21T09:01:00Z") },
    ]);
    const runs: InferenceJob[] = [];
    const ctx = createExecutionContext();
    await consumeInferenceBatch(batch, env, async (_env, j) => void runs.push(j));
    const result = await getQueueResult(batch, ctx);
    expect(runs).toEqual([job(meterA, "2026-11-21T10:05:00Z"), job(meterB, "2026-11-21T09:01:00Z", "manual")]);
    expect(result.explicitAcks.sort()).toEqual(["1", "2", "3", "4"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("acknowledges malformed messages instead of retrying them forever", async () => {
    const batch = createMessageBatch("wattboard-inference", [{ id: "bad", timestamp: new Date(), attempts: 1, body: { meterId: "x" } }]);
    const ctx = createExecutionContext();
    let ran = false;
    await consumeInferenceBatch(batch, env, async () => {
      ran = true;
    });
    const result = await getQueueResult(batch, ctx);
    expect(ran).toBe(false);
    expect(result.explicitAcks).toEqual(["bad"]);
  });

  it("retries only the failing meter, with a growing delay", async () => {
    const batch = createMessageBatch("wattboard-inference", [
      { id: "ok", timestamp: new Date(), attempts: 1, body: job(meterA, "2026-11-21T10:00:00Z") },
      { id: "fails", timestamp: new Date(), attempts: 3, body: job(meterB, "2026-11-21T10:00:00Z") },
    ]);
    const ctx = createExecutionContext();
    await consumeInferenceBatch(batch, env, async (_env, j) => {
      if (j.meterId === meterB) throw new Error("model unavailable");
    });
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["ok"]);
    expect(result.retryMessages).toEqual([{ msgId: "fails" }]);
  });

  it("backs off exponentially, capped at five minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });
});

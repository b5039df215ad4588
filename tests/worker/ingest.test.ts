import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { connectDatabase } from "../../worker/db/client";
import { insertReadings } from "../../worker/readings/queries";
import type { InferenceJob } from "../../worker/runs/queue-job";
import { call, createMeter, hourlyReadings, postReadings, sign, signIn, storedCount } from "./helpers";

async function meterFor(label?: string) {
  const user = await signIn(label);
  return { ...user, meter: await createMeter(user.token) };
}

describe("webhook: signatures", () => {
  it("accepts a correctly signed batch and stores every reading", async () => {
    const { token, meter } = await meterFor();
    const result = await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(24) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ accepted: 24, duplicates: 0 });
    expect(await storedCount(token, meter.id)).toBe(24);
    const after = await call("GET", `/api/meters/${meter.id}`, { token });
    expect(after.body.lastReadingAt).not.toBeNull();
  });

  it("rejects a wrong signature, another meter's secret, a missing header and a malformed one", async () => {
    const { token, meter } = await meterFor();
    const other = await createMeter(token, { name: "Other" });
    const body = { readings: hourlyReadings(3) };
    const timestamp = Math.floor(Date.now() / 1000);
    const cases = [
      await postReadings(meter.id, "whsec_wrong", body),
      await postReadings(meter.id, other.webhook.secret, body),
      await postReadings(meter.id, meter.webhook.secret, body, { signature: "" }),
      await postReadings(meter.id, meter.webhook.secret, body, { signature: "md5=abc" }),
      // The signature of a different body (tampered payload).
      await postReadings(meter.id, meter.webhook.secret, body, {
        timestamp,
        signature: await sign(meter.webhook.secret, String(timestamp), JSON.stringify({ readings: [] })),
      }),
      // The right body with one hex digit of the MAC changed.
      await postReadings(meter.id, meter.webhook.secret, body, {
        timestamp,
        signature: flipLastNibble(await sign(meter.webhook.secret, String(timestamp), JSON.stringify(body))),
      }),
    ];
    for (const result of cases) {
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe("unauthorized");
    }
    expect(await storedCount(token, meter.id)).toBe(0);
  });

  it("rejects stale and far-future timestamps (300 s window)", async () => {
    const { token, meter } = await meterFor();
    const now = Math.floor(Date.now() / 1000);
    // Well outside the 300 s window: a 1 s margin failed when the request was handled over a second later on a loaded machine.
    for (const timestamp of [now - 360, now + 360, 0]) {
      const result = await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(1) }, { timestamp });
      expect(result.status).toBe(401);
    }
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(1) }, { timestamp: now - 240 })).status).toBe(
      200,
    );
    expect(await storedCount(token, meter.id)).toBe(1);
  });

  it("a replayed request inside the window stores nothing twice", async () => {
    const { token, meter } = await meterFor();
    const body = JSON.stringify({ readings: hourlyReadings(10) });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await sign(meter.webhook.secret, String(timestamp), body);
    const first = await postReadings(meter.id, "", null, { rawBody: body, timestamp, signature });
    const replay = await postReadings(meter.id, "", null, { rawBody: body, timestamp, signature });
    expect(first.body).toEqual({ accepted: 10, duplicates: 0 });
    expect(replay.body).toEqual({ accepted: 0, duplicates: 10 });
    expect(await storedCount(token, meter.id)).toBe(10);
  });

  it("answers an unknown meter exactly like a bad signature", async () => {
    const { meter } = await meterFor();
    const unknown = await postReadings(crypto.randomUUID(), meter.webhook.secret, { readings: hourlyReadings(1) });
    const malformed = await postReadings("not-a-meter", meter.webhook.secret, { readings: hourlyReadings(1) });
    const wrong = await postReadings(meter.id, "whsec_wrong", { readings: hourlyReadings(1) });
    expect(unknown.status).toBe(401);
    expect(malformed.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });
});

function flipLastNibble(signature: string) {
  const last = signature.at(-1)!;
  return signature.slice(0, -1) + (last === "0" ? "1" : "0");
}

describe("webhook: validation stores nothing from a bad batch", () => {
  it("malformed JSON", async () => {
    const { token, meter } = await meterFor();
    const result = await postReadings(meter.id, meter.webhook.secret, null, { rawBody: '{"readings": [' });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("invalid_json");
    expect(await storedCount(token, meter.id)).toBe(0);
  });

  it("one bad reading among good ones: 400 naming every failing path, nothing stored", async () => {
    const { token, meter } = await meterFor();
    const readings: Record<string, unknown>[] = hourlyReadings(5);
    readings[1] = { ...readings[1], power_w: "1200" };
    readings[3] = { ts: "yesterday", voltage_v: -5 };
    const result = await postReadings(meter.id, meter.webhook.secret, { readings });
    expect(result.status).toBe(400);
    const paths = result.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["readings.1.power_w", "readings.3.ts", "readings.3.voltage_v"]));
    expect(await storedCount(token, meter.id)).toBe(0);
  });

  it.each([
    ["an empty batch", { readings: [] }, "readings"],
    ["a reading with no values", { readings: [{ ts: new Date(Date.now() - 60_000).toISOString() }] }, "readings.0"],
    ["a reading from 1999", { readings: [{ ts: "1999-12-31T23:00:00Z", power_w: 5 }] }, "readings.0.ts"],
    [
      "a reading an hour in the future",
      { readings: [{ ts: new Date(Date.now() + 3_600_000).toISOString(), power_w: 5 }] },
      "readings.0.ts",
    ],
    ["a timestamp without zone", { readings: [{ ts: "2026-01-01T00:00:00", power_w: 5 }] }, "readings.0.ts"],
    [
      "a power factor above 1",
      { readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), power_factor: 1.5 }] },
      "readings.0.power_factor",
    ],
    ["negative energy", { readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), energy_wh: -1 }] }, "readings.0.energy_wh"],
    // Stored, such values used to overflow Postgres's sums: every series of the meter answered 500.
    [
      "a power no meter measures (1.5e308 W)",
      { readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), power_w: 1.5e308 }] },
      "readings.0.power_w",
    ],
    [
      "an energy no meter measures",
      { readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), energy_wh: 1.7e308 }] },
      "readings.0.energy_wh",
    ],
    [
      "a current no meter measures",
      { readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), current_a: -1e300 }] },
      "readings.0.current_a",
    ],
    ["an unknown field", { readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), power_w: 1, watts: 1 }] }, "readings.0"],
    ["no readings key", { data: [] }, "readings"],
  ])("%s", async (_name, body, path) => {
    const { meter } = await meterFor();
    const result = await postReadings(meter.id, meter.webhook.secret, body);
    expect(result.status).toBe(400);
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("more than 5,000 readings is 400; more than 1 MiB is 413", async () => {
    const { token, meter } = await meterFor();
    const start = Date.now() - 6_000 * 60_000;
    const many = Array.from({ length: 5_001 }, (_, i) => ({ ts: new Date(start + i * 60_000).toISOString(), power_w: i }));
    const tooMany = await postReadings(meter.id, meter.webhook.secret, { readings: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].path).toBe("readings");
    const padded = JSON.stringify({ readings: many.slice(0, 10), padding: "x".repeat(1_100_000) });
    const tooBig = await postReadings(meter.id, meter.webhook.secret, null, { rawBody: padded });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("payload_too_large");
    const exactlyMax = await postReadings(meter.id, meter.webhook.secret, { readings: many.slice(0, 5_000) });
    expect(exactlyMax.body).toEqual({ accepted: 5_000, duplicates: 0 });
    expect(await storedCount(token, meter.id)).toBe(5_000);
  });
});

describe("webhook: idempotency and side effects", () => {
  it("counts duplicates inside a batch and across batches", async () => {
    const { token, meter } = await meterFor();
    const readings = hourlyReadings(6);
    const sameInstant = { ...readings[0], ts: readings[0].ts.replace("Z", "+00:00"), power_w: 9 };
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: [...readings.slice(0, 4), sameInstant] })).body).toEqual({
      accepted: 4,
      duplicates: 1,
    });
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).body).toEqual({ accepted: 2, duplicates: 4 });
    expect(await storedCount(token, meter.id)).toBe(6);
  });

  it("puts one job on the inference queue after the commit", async () => {
    const { meter, userId } = await meterFor();
    const sent: InferenceJob[] = [];
    const readings = hourlyReadings(3);
    const body = JSON.stringify({ readings });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const waits: Promise<unknown>[] = [];
    const response = await createApp().fetch(
      new Request(`http://wattboard.test/api/ingest/${meter.id}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Wattboard-Timestamp": timestamp,
          "X-Wattboard-Signature": await sign(meter.webhook.secret, timestamp, body),
        },
        body,
      }),
      { ...env, INFERENCE_QUEUE: { send: async (job: InferenceJob) => void sent.push(job) } as unknown as Queue<InferenceJob> },
      { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext,
    );
    await Promise.all(waits);
    expect(response.status).toBe(200);
    expect(sent).toEqual([{ meterId: meter.id, userId, newestTs: readings[2].ts, trigger: "auto" }]);
  });

  it("answers 503 with Retry-After when Postgres is unreachable, and the retry stores exactly once", async () => {
    const { token, meter } = await meterFor();
    const body = JSON.stringify({ readings: hourlyReadings(4) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await sign(meter.webhook.secret, timestamp, body);
    const request = () =>
      new Request(`http://wattboard.test/api/ingest/${meter.id}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Wattboard-Timestamp": timestamp, "X-Wattboard-Signature": signature },
        body,
      });
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const down = await createApp().fetch(request(), { ...env, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" }, ctx);
    expect(down.status).toBe(503);
    expect(down.headers.get("Retry-After")).toBe("5");
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe("database_unavailable");
    expect(await storedCount(token, meter.id)).toBe(0);

    const retry = await postReadings(meter.id, "", null, { rawBody: body, timestamp: Number(timestamp), signature });
    expect(retry.body).toEqual({ accepted: 4, duplicates: 0 });
    expect(await storedCount(token, meter.id)).toBe(4);
  });

  it("a failed insert leaves nothing behind (the batch is one statement)", async () => {
    const { token, meter } = await meterFor();
    const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
    try {
      // Three valid readings and one Postgres rejects: the whole statement must fail.
      const good = hourlyReadings(3);
      await expect(insertReadings(connection.db, meter.id, [...good, { ts: "not a time", power_w: 1 }] as never)).rejects.toThrow();
    } finally {
      await connection.close();
    }
    expect(await storedCount(token, meter.id)).toBe(0);
  });
});

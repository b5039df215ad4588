import { describe, expect, it } from "vitest";
import { call, createMeter, signIn } from "./helpers";

const receiver = "http://127.0.0.1:9/unused";

async function createChannel(token: string) {
  const result = await call("POST", "/api/channels", {
    token,
    body: { kind: "ntfy", name: "Phone", url: `${receiver}/${crypto.randomUUID()}` },
  });
  if (result.status !== 201) throw new Error(`channel creation failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { id: string };
}

async function createRule(token: string, body: Record<string, unknown>) {
  const result = await call("POST", "/api/alert-rules", { token, body });
  if (result.status !== 201) throw new Error(`rule creation failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { id: string; state: string; name: string };
}

const failingPath = (result: { body: { error: { details?: { path: string }[] } } }) => (result.body.error.details ?? []).map((d) => d.path);

describe("alert rules: CRUD", () => {
  it("creates each kind in state ok, lists, reads with history, silences, switches off and deletes", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { name: "Garage" });
    const channel = await createChannel(token);
    const threshold = await call("POST", "/api/alert-rules", {
      token,
      body: { meterId: meter.id, kind: "threshold", metric: "power_w", op: "above", value: 2000, for: "PT10M", channels: [channel.id] },
    });
    expect(threshold.status).toBe(201);
    expect(threshold.body).toMatchObject({
      meterId: meter.id,
      kind: "threshold",
      metric: "power_w",
      op: "above",
      value: 2000,
      for: "PT10M",
      channels: [channel.id],
      urgent: false,
      enabled: true,
      silencedUntil: null,
      state: "ok",
      history: [],
    });
    expect(threshold.body.name).toBe("Garage: power above 2000 W for PT10M");
    const others = [
      { kind: "no_data", for: "PT1H", urgent: true },
      { kind: "budget", period: "month", value: 120, name: "Monthly bill" },
      { kind: "forecast", metric: "cost", value: 5 },
      { kind: "anomaly" },
    ];
    for (const body of others) expect((await createRule(token, { meterId: meter.id, ...body })).state).toBe("ok");

    const list = await call("GET", `/api/alert-rules?meterId=${meter.id}`, { token });
    expect(list.status).toBe(200);
    expect(list.body.rules.map((r: { kind: string }) => r.kind)).toEqual(["threshold", "no_data", "budget", "forecast", "anomaly"]);
    expect(list.body.rules[2].name).toBe("Monthly bill");

    const until = new Date(Date.now() + 3_600_000).toISOString();
    const silenced = await call("PATCH", `/api/alert-rules/${threshold.body.id}`, {
      token,
      body: { silencedUntil: until, enabled: false },
    });
    expect(silenced.status).toBe(200);
    expect(silenced.body).toMatchObject({ silencedUntil: until, enabled: false, state: "ok" });
    const read = await call("GET", `/api/alert-rules/${threshold.body.id}`, { token });
    expect(read.body).toMatchObject({ silencedUntil: until, enabled: false, history: [] });
    const lifted = await call("PATCH", `/api/alert-rules/${threshold.body.id}`, { token, body: { silencedUntil: null } });
    expect(lifted.body.silencedUntil).toBeNull();

    expect((await call("DELETE", `/api/alert-rules/${threshold.body.id}`, { token })).status).toBe(200);
    expect((await call("GET", `/api/alert-rules/${threshold.body.id}`, { token })).status).toBe(404);
    expect((await call("GET", "/api/alert-rules", { token })).body.rules).toHaveLength(4);
  });

  it("answers 400 naming the field: unknown kind or metric, a duration of 0 or over 7 days, another user's channel", async () => {
    const { token } = await signIn("rules");
    const { token: otherToken } = await signIn("rules-other");
    const meter = await createMeter(token);
    const othersChannel = await createChannel(otherToken);
    const base = { meterId: meter.id, kind: "threshold", metric: "power_w", op: "above", value: 7000, for: "PT10M" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, kind: "weather" }, "kind"],
      [{ ...base, metric: "voltage_v" }, "metric"],
      [{ ...base, op: "near" }, "op"],
      [{ ...base, for: "PT0M" }, "for"],
      [{ ...base, for: "P8D" }, "for"],
      [{ ...base, for: "10 minutes" }, "for"],
      [{ ...base, for: "P1M" }, "for"],
      [{ ...base, value: "7 kW" }, "value"],
      [{ meterId: meter.id, kind: "no_data", for: "PT0S" }, "for"],
      [{ meterId: meter.id, kind: "budget", period: "year", value: 100 }, "period"],
      [{ meterId: meter.id, kind: "budget", period: "month", value: 0 }, "value"],
      [{ meterId: meter.id, kind: "forecast", metric: "energy", value: 3 }, "metric"],
      [{ ...base, channels: [othersChannel.id] }, "channels.0"],
      [{ ...base, channels: [crypto.randomUUID()] }, "channels.0"],
      [{ ...base, meterId: "not-a-uuid" }, "meterId"],
    ];
    for (const [body, path] of cases) {
      const result = await call("POST", "/api/alert-rules", { token, body });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(failingPath(result), JSON.stringify(body)).toContain(path);
    }
    const rule = await createRule(token, base);
    const badPatch = await call("PATCH", `/api/alert-rules/${rule.id}`, { token, body: { silencedUntil: "tomorrow" } });
    expect(badPatch.status).toBe(400);
    expect(failingPath(badPatch)).toContain("silencedUntil");
    expect((await call("GET", "/api/alert-rules", { token })).body.rules).toHaveLength(1);
  });

  it("answers 404 for another user's rule or meter, exactly as for a missing one", async () => {
    const { token } = await signIn("rules");
    const { token: otherToken } = await signIn("rules-other");
    const othersMeter = await createMeter(otherToken);
    const othersRule = await createRule(otherToken, { meterId: othersMeter.id, kind: "anomaly" });
    const created = await call("POST", "/api/alert-rules", { token, body: { meterId: othersMeter.id, kind: "anomaly" } });
    expect(created.status).toBe(404);
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { enabled: false }],
      ["DELETE", undefined],
    ] as const) {
      const theirs = await call(method, `/api/alert-rules/${othersRule.id}`, { token, body });
      const missing = await call(method, `/api/alert-rules/${crypto.randomUUID()}`, { token, body });
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(missing.body);
    }
    expect((await call("GET", `/api/alert-rules?meterId=${othersMeter.id}`, { token })).body.rules).toEqual([]);
    expect((await call("GET", `/api/alert-rules/${othersRule.id}`, { token: otherToken })).body.enabled).toBe(true);
  });
});

import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { evaluateRunRules, forecastCostBetween, tomorrowForecast } from "../../worker/alerts/rules-evaluation";
import { describeTools } from "../../worker/chat/tools/catalog";
import { findTool } from "../../worker/chat/tools/registry";
import { connectDatabase } from "../../worker/db/client";
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { findMeterById } from "../../worker/meters/queries";
import { composeFindingNotifications } from "../../worker/notifications/service";
import type { ModelRunFinding, ModelRunPlanHour } from "../../worker/runs/contract";
import { insertModelRun } from "../../worker/runs/queries";
import { call, createMeter, postReadings, signIn, toolContext } from "./helpers";

const receiver = inject("receiverUrl");
const MINUTE = 60_000;

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
  return result.body as { id: string; state: string; name: string; value?: number };
}

/** The trial's flat £0.14228/kWh on the meter: a meter without a tariff has no cost to judge. */
async function setTrialPrice(token: string, meterId: string) {
  const tariff = { kind: "flat", price: 0.14228, currency: "GBP" };
  const result = await call("PATCH", `/api/meters/${meterId}`, { token, body: { tariff } });
  if (result.status !== 200) throw new Error(`tariff failed: ${result.status} ${JSON.stringify(result.body)}`);
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
      [{ ...base, metric: "peak" }, "metric"],
      [{ meterId: meter.id, kind: "threshold", metric: "power_w", op: "above", value: 7000 }, "for"],
      [{ meterId: meter.id, kind: "no_data", for: "PT1H", value: 3 }, "value"],
      [{ meterId: meter.id, kind: "anomaly", period: "day" }, "period"],
      [{ meterId: meter.id, kind: "forecast", metric: "power_w", value: 3 }, "metric"],
      [{ ...base, unit: "kWh" }, "unit"],
      [{ ...base, metric: "energy_wh", unit: "kW" }, "unit"],
      [{ ...base, metric: "cost", unit: "pounds" }, "unit"],
      [{ meterId: meter.id, kind: "budget", period: "month", value: 120, unit: "EUR" }, "unit"],
      [{ meterId: meter.id, kind: "no_data", for: "PT1H", unit: "W" }, "unit"],
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

  it("takes a value in the unit it is given (kW, kWh, the tariff's currency) and stores it in the rule's own", async () => {
    const { token } = await signIn("rules-units");
    const meter = await createMeter(token);
    expect(
      (await call("PATCH", `/api/meters/${meter.id}`, { token, body: { tariff: { kind: "flat", price: 0.25, currency: "EUR" } } })).status,
    ).toBe(200);
    const power = await createRule(token, {
      meterId: meter.id,
      kind: "threshold",
      metric: "power_w",
      op: "above",
      value: 2.5,
      unit: "kW",
      for: "PT10M",
    });
    expect(power.value).toBe(2500);
    const energy = await createRule(token, {
      meterId: meter.id,
      kind: "threshold",
      metric: "energy_wh",
      op: "above",
      value: 20,
      unit: "kWh",
      for: "P1D",
    });
    expect(energy.value).toBe(20_000);
    const peak = await createRule(token, { meterId: meter.id, kind: "forecast", metric: "peak", value: 6500, unit: "W" });
    expect(peak.value).toBe(6.5);
    const budget = await createRule(token, { meterId: meter.id, kind: "budget", period: "month", value: 120, unit: "EUR" });
    expect(budget.value).toBe(120);
    const pounds = await call("POST", "/api/alert-rules", {
      token,
      body: { meterId: meter.id, kind: "budget", period: "month", value: 120, unit: "GBP" },
    });
    expect(pounds.status).toBe(400);
    expect(pounds.body.error.message).toContain("EUR");
  });

  it("PATCH changes the condition as create checks it (400 naming the field), with the default name following; another user's rule is 404", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { name: "Garage", timezone: "UTC" });
    const rule = await createRule(token, {
      meterId: meter.id,
      kind: "threshold",
      metric: "power_w",
      op: "above",
      value: 2000,
      for: "PT10M",
    });
    const patch = (id: string, body: Record<string, unknown>, as = token) => call("PATCH", `/api/alert-rules/${id}`, { token: as, body });
    const raised = await patch(rule.id, { value: 3, unit: "kW", for: "PT5M" });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({
      metric: "power_w",
      op: "above",
      value: 3000,
      for: "PT5M",
      state: "ok",
      name: "Garage: power above 3000 W for PT5M",
    });
    const energy = await patch(rule.id, { metric: "energy_wh", value: 20, unit: "kWh", for: "P1D" });
    expect(energy.body).toMatchObject({ metric: "energy_wh", value: 20000, for: "P1D", name: "Garage: energy above 20000 Wh for P1D" });
    // A name the person chose stays theirs.
    expect((await patch(rule.id, { name: "Garage day" })).status).toBe(200);
    expect((await patch(rule.id, { op: "below" })).body).toMatchObject({ name: "Garage day", op: "below" });
    const silence = await createRule(token, { meterId: meter.id, kind: "no_data", for: "PT1H" });
    for (const [id, body, path] of [
      [rule.id, { metric: "cost" }, "value"],
      [rule.id, { unit: "kWh" }, "unit"],
      [rule.id, { for: "P8D" }, "for"],
      [rule.id, { for: "PT0S" }, "for"],
      [rule.id, { value: "lots" }, "value"],
      [rule.id, { metric: "peak", value: 3 }, "metric"],
      [rule.id, { period: "day" }, "period"],
      [rule.id, { value: 3, unit: "kW" }, "unit"],
      [silence.id, { value: 3 }, "value"],
      [silence.id, { metric: "power_w", value: 3 }, "metric"],
    ] as const) {
      const result = await patch(id, body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(failingPath(result), JSON.stringify(body)).toContain(path);
    }
    expect((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body).toMatchObject({
      metric: "energy_wh",
      op: "below",
      value: 20000,
    });
    expect((await patch(silence.id, { for: "PT2H" })).body).toMatchObject({ for: "PT2H", name: "Garage: no readings for PT2H" });
    const other = await signIn("rules-other");
    const theirs = await patch(rule.id, { value: 5 }, other.token);
    expect(theirs.status).toBe(404);
    expect((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body.value).toBe(20000);
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

/** Runs the Worker's scheduled handler as the Cron Trigger does, at `at`. */
async function runSchedule(at: Date): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env as Env);
}

/** Readings of `powerW` every minute from `from` for `minutes` minutes (ms timestamps). */
function minuteReadings(from: number, minutes: number, powerW: number) {
  return Array.from({ length: minutes }, (_, i) => ({ ts: new Date(from + i * MINUTE).toISOString(), power_w: powerW }));
}

/** Polls a rule until `done` (the queue consumer judges readings after the webhook answers), up to 30 s. */
async function waitForRule(token: string, id: string, done: (rule: any) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rule = (await call("GET", `/api/alert-rules/${id}`, { token })).body;
    if (done(rule) || Date.now() > deadline) return rule;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A webhook channel on the recording receiver: its id and what arrived there. */
async function webhookChannel(token: string) {
  const key = crypto.randomUUID();
  const result = await call("POST", "/api/channels", { token, body: { kind: "webhook", name: "Hook", url: `${receiver}/in/${key}/hook` } });
  expect(result.status).toBe(201);
  const requests = async (): Promise<{ headers: Record<string, string>; body: string }[]> =>
    (await fetch(`${receiver}/requests/${key}`)).json();
  return {
    id: result.body.id as string,
    requests,
    waitFor: async (count: number) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const got = await requests();
        if (got.length >= count || Date.now() > deadline) return got;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

async function alertNotifications(token: string, meterId: string) {
  const inbox = await call("GET", "/api/notifications?limit=100", { token });
  return inbox.body.notifications.filter((n: { kind: string; meterId: string }) => n.kind.startsWith("alert_") && n.meterId === meterId);
}

const states = (rule: { history: { state: string }[] }) => rule.history.map((h) => h.state);

describe("alert rules: threshold on power", () => {
  it("goes ok -> pending -> firing -> resolved on the readings' timestamps, with hysteresis, one message each way", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { name: "Garage", timezone: "UTC" });
    const hook = await webhookChannel(token);
    const rule = await createRule(token, {
      meterId: meter.id,
      kind: "threshold",
      metric: "power_w",
      op: "above",
      value: 2000,
      for: "PT10M",
      channels: [hook.id],
    });
    const start = Math.floor((Date.now() - 45 * MINUTE) / MINUTE) * MINUTE;
    const post = async (offset: number, minutes: number, powerW: number) =>
      expect(
        (await postReadings(meter.id, meter.webhook.secret, { readings: minuteReadings(start + offset * MINUTE, minutes, powerW) })).status,
      ).toBe(200);

    // 6 minutes over 2 kW: pending since the first of them.
    await post(0, 6, 2500);
    const pending = await waitForRule(token, rule.id, (r) => r.state === "pending");
    expect(pending.state).toBe("pending");
    expect(pending.stateSince).toBe(new Date(start).toISOString());
    // 5 more: held 10 minutes at minute 10, firing then.
    await post(6, 5, 2500);
    const firing = await waitForRule(token, rule.id, (r) => r.state === "firing");
    expect(firing.state).toBe("firing");
    expect(firing.stateSince).toBe(new Date(start + 10 * MINUTE).toISOString());
    // Just under the threshold, inside the 5 % margin: still firing, nothing sent.
    await post(11, 5, 1950);
    // Then well under for 10 minutes: resolved at the 10th minute of it.
    await post(16, 12, 800);
    const resolved = await waitForRule(token, rule.id, (r) => r.state === "ok");
    expect(resolved.state).toBe("ok");
    expect(states(resolved)).toEqual(["resolved", "firing", "pending"]);
    expect(resolved.history[0]).toMatchObject({ at: new Date(start + 26 * MINUTE).toISOString(), value: 800, silenced: false });
    expect(resolved.history[1]).toMatchObject({ at: new Date(start + 10 * MINUTE).toISOString(), value: 2500 });

    const told = await alertNotifications(token, meter.id);
    expect(told.map((n: { kind: string }) => n.kind).sort()).toEqual(["alert_firing", "alert_resolved"]);
    const deliveries = await hook.waitFor(2);
    expect(deliveries).toHaveLength(2);
    const bodies = deliveries.map((d) => JSON.parse(d.body)).sort((a, b) => a.at.localeCompare(b.at));
    expect(bodies.map((b) => b.type)).toEqual(["alert.firing", "alert.resolved"]);
    expect(bodies[0]).toMatchObject({ rule: { id: rule.id }, meter: { id: meter.id, name: "Garage" }, value: 2500 });
    expect(bodies[0].message).toContain("2.50 kW");
    for (const delivery of deliveries) expect(delivery.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("never fires on readings older than an hour (a history import), and a silenced rule records without telling", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { timezone: "UTC" });
    const hook = await webhookChannel(token);
    const base = { meterId: meter.id, kind: "threshold", metric: "power_w", value: 2000, for: "PT5M", channels: [hook.id] };
    const old = await createRule(token, { ...base, op: "above" });
    const silenced = await createRule(token, { ...base, op: "below" });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call("PATCH", `/api/alert-rules/${silenced.id}`, { token, body: { silencedUntil: until } })).status).toBe(200);

    const hoursAgo = Math.floor((Date.now() - 3 * 3_600_000) / MINUTE) * MINUTE;
    await postReadings(meter.id, meter.webhook.secret, { readings: minuteReadings(hoursAgo, 30, 9000) });
    const recent = Math.floor((Date.now() - 20 * MINUTE) / MINUTE) * MINUTE;
    await postReadings(meter.id, meter.webhook.secret, { readings: minuteReadings(recent, 10, 500) });
    // The below-2 kW rule fires on the recent readings: the same job judged the old ones for the other rule.
    const fired = await waitForRule(token, silenced.id, (r) => r.state === "firing");
    expect(states(fired)).toEqual(["firing", "pending"]);
    expect(fired.history.every((h: { silenced: boolean }) => h.silenced)).toBe(true);
    const untouched = (await call("GET", `/api/alert-rules/${old.id}`, { token })).body;
    expect(untouched).toMatchObject({ state: "ok", history: [] });
    expect(await alertNotifications(token, meter.id)).toEqual([]);
    expect(await hook.requests()).toEqual([]);
  });
});

describe("alert rules: no_data", () => {
  it("the scheduled handler makes a silent meter pending then firing; a reading resolves it", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { name: "Freezer", timezone: "UTC" });
    const rule = await createRule(token, { meterId: meter.id, kind: "no_data", for: "PT10M" });
    const last = Math.floor((Date.now() - MINUTE) / MINUTE) * MINUTE;
    await postReadings(meter.id, meter.webhook.secret, { readings: minuteReadings(last - 9 * MINUTE, 10, 90) });
    // The meter reads every minute: pending after 2 silent minutes, firing after 10.
    await runSchedule(new Date(last + 5 * MINUTE));
    const pending = (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body;
    expect(pending.state).toBe("pending");
    expect(pending.stateSince).toBe(new Date(last + 2 * MINUTE).toISOString());
    await runSchedule(new Date(last + 11 * MINUTE));
    const firing = (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body;
    expect(firing.state).toBe("firing");
    expect(firing.history[0]).toMatchObject({ state: "firing", at: new Date(last + 10 * MINUTE).toISOString(), value: 660 });
    // Twice more on the same schedule tick: nothing new.
    await runSchedule(new Date(last + 11 * MINUTE));
    expect(states((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body)).toEqual(["firing", "pending"]);
    const told = await alertNotifications(token, meter.id);
    expect(told).toHaveLength(1);
    expect(told[0].body).toMatch(/Freezer has sent nothing .*silent for 11 min/);

    await postReadings(meter.id, meter.webhook.secret, { readings: [{ ts: new Date().toISOString(), power_w: 85 }] });
    const resolved = await waitForRule(token, rule.id, (r) => r.state === "ok");
    expect(states(resolved)).toEqual(["resolved", "firing", "pending"]);
    expect((await alertNotifications(token, meter.id)).map((n: { kind: string }) => n.kind).sort()).toEqual([
      "alert_firing",
      "alert_resolved",
    ]);
  });
});

describe("alert rules: threshold on energy over a window", () => {
  it("fires when the energy (or cost) of the trailing window crosses, resolves when the window is back under", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { timezone: "UTC" });
    await setTrialPrice(token, meter.id);
    const rule = await createRule(token, {
      meterId: meter.id,
      kind: "threshold",
      metric: "energy_wh",
      op: "above",
      value: 1000,
      for: "PT30M",
    });
    // The same at £0.14228/kWh: £0.21 against £0.15.
    const cost = await createRule(token, { meterId: meter.id, kind: "threshold", metric: "cost", op: "above", value: 0.15, for: "PT30M" });
    const start = Math.floor((Date.now() - 62 * MINUTE) / MINUTE) * MINUTE;
    // 3 kW for 31 minutes: 1.5 kWh in the half hour up to the newest reading.
    await postReadings(meter.id, meter.webhook.secret, { readings: minuteReadings(start, 31, 3000) });
    const firing = await waitForRule(token, rule.id, (r) => r.state === "firing");
    expect(firing.state).toBe("firing");
    expect(firing.history[0].value).toBeCloseTo(1500, -1);
    // 100 W since: the last half hour used 50 Wh.
    await postReadings(meter.id, meter.webhook.secret, { readings: minuteReadings(start + 31 * MINUTE, 31, 100) });
    const resolved = await waitForRule(token, rule.id, (r) => r.state === "ok");
    expect(states(resolved)).toEqual(["resolved", "firing"]);
    expect(resolved.history[0].value).toBeLessThan(100);
    const costHistory = (await waitForRule(token, cost.id, (r) => r.history.length >= 2)).history;
    expect(states({ history: costHistory })).toEqual(["resolved", "firing"]);
    expect(costHistory[1].value).toBeCloseTo(1.5 * 0.14228, 2);
    expect((await alertNotifications(token, meter.id)).find((n: { body: string }) => n.body.includes("£0.21"))).toBeDefined();
  });
});

/** A zone where it is about midday now, so a test's hours stay inside one local day. */
function middayZone(): string {
  const offset = 12 - new Date().getUTCHours();
  return offset === 0 ? "UTC" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

describe("alert rules: budget", () => {
  it("on the schedule: pending when the day is on course to pass, firing 15 minutes later, resolved in the next day", async () => {
    const { token } = await signIn("rules");
    const hook = await webhookChannel(token);
    const meter = await createMeter(token, { name: "Shop", timezone: middayZone() });
    await setTrialPrice(token, meter.id);
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    // 3 kW for 3 hours at £0.14228/kWh: about £1.28 so far today.
    const readings = Array.from({ length: 37 }, (_, i) => ({
      ts: new Date(now - 3 * 3_600_000 + i * 5 * MINUTE).toISOString(),
      power_w: 3000,
    }));
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);
    const rule = await createRule(token, { meterId: meter.id, kind: "budget", period: "day", value: 1, channels: [hook.id], urgent: true });

    await runSchedule(new Date(now + MINUTE));
    const pending = (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body;
    expect(pending.state).toBe("pending");
    expect(pending.history[0].value).toBeCloseTo(1.28, 1);
    await runSchedule(new Date(now + 17 * MINUTE));
    expect((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body.state).toBe("firing");
    const [delivery] = await hook.waitFor(1);
    const body = JSON.parse(delivery.body);
    expect(body).toMatchObject({ type: "alert.firing", rule: { id: rule.id }, meter: { name: "Shop" } });
    // The cost so far when it fired (17 minutes later, the last reading's span included).
    expect(body.message).toMatch(/^Shop is on course to pass its budget \(Shop: daily cost on course to pass 1\): £1\.[23]\d at /);

    // The next local day has cost nothing yet (and no forecast): clear, resolved after the hold.
    const tomorrow = now + 24 * 3_600_000;
    await runSchedule(new Date(tomorrow));
    expect((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body.state).toBe("firing");
    await runSchedule(new Date(tomorrow + 16 * MINUTE));
    const resolved = (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body;
    expect(resolved.state).toBe("ok");
    expect(states(resolved)).toEqual(["resolved", "firing", "pending"]);
    expect(await hook.waitFor(2)).toHaveLength(2);
  });

  it("a day, a week and a month budget on one meter, judged in one round, each count their own period", async () => {
    const { token } = await signIn("rules");
    const zone = middayZone();
    const meter = await createMeter(token, { name: "Bakery", timezone: zone });
    await setTrialPrice(token, meter.id);
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    // 3 kW for 3 hours today and the same hours yesterday: about £1.28 each at £0.14228/kWh.
    const threeHours = (end: number) =>
      Array.from({ length: 37 }, (_, i) => ({ ts: new Date(end - 3 * 3_600_000 + i * 5 * MINUTE).toISOString(), power_w: 3000 }));
    const readings = [...threeHours(now - 24 * 3_600_000), ...threeHours(now)];
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);
    const rules = await Promise.all(
      (["day", "week", "month"] as const).map((period) => createRule(token, { meterId: meter.id, kind: "budget", period, value: 1 })),
    );

    await runSchedule(new Date(now + MINUTE));
    const local = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric" }).formatToParts(now);
    const part = (type: string) => local.find((p) => p.type === type)!.value;
    const yesterdayIn = { week: part("weekday") !== "Mon", month: part("day") !== "1" };
    const judged = await Promise.all(rules.map(async (rule) => (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body));
    expect(judged.map((rule) => rule.state)).toEqual(["pending", "pending", "pending"]);
    const [today, week, month] = judged.map((rule) => rule.history[0].value as number);
    expect(today).toBeCloseTo(1.28, 1);
    // Yesterday's hours (their last reading held a little longer) count where yesterday is in the period, and only there.
    for (const [value, inPeriod] of [
      [week, yesterdayIn.week],
      [month, yesterdayIn.month],
    ] as const) {
      if (inPeriod) expect(value - today).toBeGreaterThan(1.25);
      if (inPeriod) expect(value - today).toBeLessThan(1.4);
      else expect(value).toBeCloseTo(today, 6);
    }
  });
});

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);

/** A stored run of the meter issued at `at`: 24 planned hours of 1 kWh at `price`, and its findings. */
async function storedRun(
  meterId: string,
  ownerId: string,
  at: Date,
  figures: { expectedCost: number; peakKw: number },
  findings: ModelRunFinding[] = [],
  price = 0.2,
) {
  const plan: ModelRunPlanHour[] = Array.from({ length: 24 }, (_, i) => ({
    t: new Date(at.getTime() + i * 3_600_000).toISOString(),
    priceKwh: price,
    loadKwh: 1,
    chargeKwh: 0,
    dischargeKwh: 0,
    socKwh: 0,
    deferrableKwh: {},
    gridKwh: 1,
  }));
  return insertModelRun(connection.db, {
    meterId,
    ownerId,
    trigger: "auto",
    modelVersion: "test",
    inputFrom: new Date(at.getTime() - 168 * 3_600_000),
    inputTo: at,
    forecastKwh: plan.map(() => 1),
    plan,
    figures: {
      ...figures,
      baselineCost: figures.expectedCost,
      savings: 0,
      baselinePeakKw: figures.peakKw,
      forecastKwh: 24,
      currency: "GBP",
      defaultTariff: true,
      historyHoursWithData: 168,
    },
    findings,
    createdAt: at,
  });
}

const anomaly = (actualKwh: number): ModelRunFinding => ({
  kind: "consumption_anomaly",
  message: "Over the last 8 hours the meter used more than forecast.",
  data: { actualKwh, forecastKwh: actualKwh / 2, hours: 8 },
});

describe("alert rules: forecast and anomaly, judged on each run", () => {
  it("forecast cost: pending on the run that crosses, firing on a run 15 minutes later, resolved after two runs back under", async () => {
    const { token, userId } = await signIn("rules");
    const created = await createMeter(token, { name: "Flat", timezone: "UTC" });
    const rule = await createRule(token, { meterId: created.id, kind: "forecast", metric: "cost", value: 5 });
    const peak = await createRule(token, { meterId: created.id, kind: "forecast", metric: "peak", value: 10 });
    const meter = (await findMeterById(connection.db, created.id))!;
    const t = Date.now();
    // Tomorrow is judged, not the run's figures: 24 planned hours of 1 kWh at a price that makes the day cost `tomorrowCost`.
    const judgeRun = async (minute: number, tomorrowCost: number) => {
      const at = new Date(t + minute * MINUTE);
      const stored = await storedRun(meter.id, userId, at, { expectedCost: 0, peakKw: 3 }, [], tomorrowCost / 24);
      await evaluateRunRules(env as Env, connection.db, meter, stored, at);
      return (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body;
    };
    expect((await judgeRun(0, 4)).state).toBe("ok");
    expect((await judgeRun(15, 6.5)).state).toBe("pending");
    const firing = await judgeRun(30, 7);
    expect(firing.state).toBe("firing");
    expect(firing.history[0].state).toBe("firing");
    expect(firing.history[0].value).toBeCloseTo(7, 9);
    // 4.9 is within the 5 % margin: no resolve.
    expect((await judgeRun(45, 4.9)).state).toBe("firing");
    expect((await judgeRun(60, 3)).state).toBe("firing");
    const resolved = await judgeRun(75, 3.1);
    expect(states(resolved)).toEqual(["resolved", "firing", "pending"]);
    const told = await alertNotifications(token, meter.id);
    expect(told.map((n: { kind: string }) => n.kind).sort()).toEqual(["alert_firing", "alert_resolved"]);
    const fired = told.find((n: { kind: string }) => n.kind === "alert_firing").body as string;
    expect(fired).toContain("is forecast above its limit for tomorrow");
    expect(fired).toContain("£7.00");
    expect(fired).toMatch(/The forecast covers (all 24 hours of tomorrow|\d+ of tomorrow's 24 hours; the other \d+ repeat its forecast)/);
    // Tomorrow peaks at 1 kW, under its 10 kW.
    expect((await call("GET", `/api/alert-rules/${peak.id}`, { token })).body).toMatchObject({ state: "ok", history: [] });
  });

  it("a changed condition starts a firing rule again in ok, with an 'ok' entry in its history and no message", async () => {
    const { token, userId } = await signIn("rules");
    const created = await createMeter(token, { name: "Flat", timezone: "UTC" });
    const rule = await createRule(token, { meterId: created.id, kind: "forecast", metric: "cost", value: 5 });
    const meter = (await findMeterById(connection.db, created.id))!;
    const t = Date.now();
    for (const minute of [0, 15]) {
      const at = new Date(t + minute * MINUTE);
      await evaluateRunRules(
        env as Env,
        connection.db,
        meter,
        await storedRun(meter.id, userId, at, { expectedCost: 0, peakKw: 1 }, [], 7 / 24),
        at,
      );
    }
    expect((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body.state).toBe("firing");
    const told = (await alertNotifications(token, meter.id)).length;
    // The condition it has already (in another unit of the same currency) is no change: still firing.
    expect((await call("PATCH", `/api/alert-rules/${rule.id}`, { token, body: { value: 5, unit: "GBP" } })).body.state).toBe("firing");
    const changed = await call("PATCH", `/api/alert-rules/${rule.id}`, { token, body: { value: 10 } });
    expect(changed.body).toMatchObject({ state: "ok", stateSince: null, lastValue: null, value: 10 });
    expect(changed.body.history[0]).toMatchObject({ state: "ok", value: null });
    expect(states(changed.body)).toEqual(["ok", "firing", "pending"]);
    expect(await alertNotifications(token, meter.id)).toHaveLength(told);
    // Judged afresh on the next run: £7 is under the new £10.
    const at = new Date(t + 30 * MINUTE);
    await evaluateRunRules(
      env as Env,
      connection.db,
      meter,
      await storedRun(meter.id, userId, at, { expectedCost: 0, peakKw: 1 }, [], 7 / 24),
      at,
    );
    expect((await call("GET", `/api/alert-rules/${rule.id}`, { token })).body.state).toBe("ok");
    // The same condition again changes nothing.
    expect(states((await call("PATCH", `/api/alert-rules/${rule.id}`, { token, body: { value: 10 } })).body)).toEqual([
      "ok",
      "firing",
      "pending",
    ]);
  });

  it("tomorrow from a run made at 18:00 local: its first 18 hours forecast, the last 6 repeat the same time today", () => {
    // Europe/London in winter is UTC: the run is issued at 18:00 on 7 Dec, its 24 hours end at 18:00 on 8 Dec.
    const issued = Date.parse("2026-12-07T18:00:00Z");
    const plan = Array.from({ length: 24 }, (_, i) => ({
      t: new Date(issued + i * 3_600_000).toISOString(),
      priceKwh: 0.5,
      // 18:00 to 23:00 today are the evening peak: 4 kWh an hour; the night and day 1 kWh.
      gridKwh: i < 6 ? 4 : 1,
    }));
    const tomorrow = tomorrowForecast({ plan } as never, "Europe/London", new Date(issued))!;
    expect(tomorrow.day.toISOString()).toBe("2026-12-08T00:00:00.000Z");
    expect(tomorrow).toMatchObject({ coveredHours: 18, dayHours: 24, peakKw: 4 });
    // 18 forecast hours of 1 kWh, then 18:00 to 24:00 tomorrow as today's evening: 6 x 4 kWh; at £0.50.
    expect(tomorrow.cost).toBeCloseTo((18 + 24) * 0.5, 9);
    // The same run judged at 23:30 still means the 8th; judged after midnight, tomorrow is the 9th, all of it repeated.
    expect(tomorrowForecast({ plan } as never, "Europe/London", new Date(issued + 5.5 * 3_600_000))!.coveredHours).toBe(18);
    expect(tomorrowForecast({ plan } as never, "Europe/London", new Date(issued + 6.5 * 3_600_000))).toMatchObject({
      coveredHours: 0,
      dayHours: 24,
    });
  });

  it("tomorrow on a clock change: the 25 hours of 25 Oct 2026 in London, from a run made at 18:00 BST the day before", () => {
    const issued = Date.parse("2026-10-24T17:00:00Z");
    const plan = Array.from({ length: 24 }, (_, i) => ({ t: new Date(issued + i * 3_600_000).toISOString(), priceKwh: 1, gridKwh: 1 }));
    const tomorrow = tomorrowForecast({ plan } as never, "Europe/London", new Date(issued))!;
    expect(tomorrow.day.toISOString()).toBe("2026-10-24T23:00:00.000Z");
    // From midnight BST (23:00 UTC) the plan runs to 17:00 UTC: 18 hours; the day has 25, the other 7 repeated.
    expect(tomorrow).toMatchObject({ coveredHours: 18, dayHours: 25 });
    expect(tomorrow.cost).toBeCloseTo(25, 9);
  });

  it("anomaly: the runs' unusual-day finding drives the rule; switched off, it is not judged", async () => {
    const { token, userId } = await signIn("rules");
    const created = await createMeter(token, { timezone: "UTC" });
    const rule = await createRule(token, { meterId: created.id, kind: "anomaly" });
    const meter = (await findMeterById(connection.db, created.id))!;
    const t = Date.now();
    const judgeRun = async (minute: number, findings: ModelRunFinding[]) => {
      const at = new Date(t + minute * MINUTE);
      await evaluateRunRules(
        env as Env,
        connection.db,
        meter,
        await storedRun(meter.id, userId, at, { expectedCost: 1, peakKw: 1 }, findings),
        at,
      );
      return (await call("GET", `/api/alert-rules/${rule.id}`, { token })).body;
    };
    expect((await judgeRun(0, [])).state).toBe("ok");
    expect((await judgeRun(15, [anomaly(12)])).state).toBe("pending");
    expect((await judgeRun(30, [anomaly(14)])).state).toBe("firing");
    expect((await judgeRun(45, [])).state).toBe("firing");
    expect(states(await judgeRun(60, []))).toEqual(["resolved", "firing", "pending"]);
    expect((await call("PATCH", `/api/alert-rules/${rule.id}`, { token, body: { enabled: false } })).status).toBe(200);
    await judgeRun(75, [anomaly(20)]);
    expect((await judgeRun(90, [anomaly(20)])).state).toBe("ok");
  });

  it("anomaly: the person's enabled anomaly rule replaces the run's unusual-consumption notification; switched off, the run's comes back", async () => {
    const { token } = await signIn("rules");
    const created = await createMeter(token, { timezone: "UTC" });
    const meter = (await findMeterById(connection.db, created.id))!;
    const kinds = async () =>
      (await composeFindingNotifications(env as Env, connection.db, meter, [anomaly(12)])).map((draft) => draft.kind);
    expect(await kinds()).toEqual(["consumption_anomaly"]);
    const rule = await createRule(token, { meterId: created.id, kind: "anomaly" });
    expect(await kinds()).toEqual([]);
    // Another person's anomaly rule on their own meter changes nothing here.
    const other = await signIn("rules");
    await createRule(other.token, { meterId: (await createMeter(other.token, { timezone: "UTC" })).id, kind: "anomaly" });
    expect((await call("PATCH", `/api/alert-rules/${rule.id}`, { token, body: { enabled: false } })).status).toBe(200);
    expect(await kinds()).toEqual(["consumption_anomaly"]);
  });

  it("a budget's forecast part: the run's planned hours inside the period, then the same time of day, as a forecast rule reads tomorrow", () => {
    const issued = Date.parse("2026-12-07T10:00:00Z");
    const run = {
      plan: Array.from({ length: 24 }, (_, i) => ({
        t: new Date(issued + i * 3_600_000).toISOString(),
        priceKwh: 0.5,
        gridKwh: i < 12 ? 1 : 3,
      })),
    };
    const from = new Date(issued + 30 * MINUTE);
    // Half of the first hour, then 11 hours at £0.50 and 12 at £1.50 = 23.75; then 10:00 to 20:00 the next day
    // as the run forecast 10:00 to 20:00 today (£0.50 an hour), not its average hour (£1.00).
    expect(forecastCostBetween(run as never, from, new Date(issued + 34 * 3_600_000))).toBeCloseTo(0.25 + 5.5 + 18 + 5, 6);
    expect(forecastCostBetween(run as never, from, new Date(issued + 2 * 3_600_000))).toBeCloseTo(0.25 + 0.5, 6);
    expect(forecastCostBetween(undefined, from, new Date(issued + 2 * 3_600_000))).toBe(0);
    // A day budget for tomorrow and a forecast rule read the same run the same way: tomorrow's cost is one figure.
    const tomorrow = tomorrowForecast(run as never, "UTC", from)!;
    expect(tomorrow.coveredHours).toBe(10);
    expect(forecastCostBetween(run as never, tomorrow.day, new Date(tomorrow.day.getTime() + 24 * 3_600_000))).toBeCloseTo(
      tomorrow.cost,
      9,
    );
    // Before the plan's first hour there is no forecast: nothing added.
    expect(forecastCostBetween(run as never, new Date(issued - 3_600_000), new Date(issued + 3_600_000))).toBeCloseTo(0.5, 9);
  });
});

describe("alert rules from the chat", () => {
  it("the create_alert_rule tool makes the same rule as the route, with an object schema an LLM can call", async () => {
    const { token, userId } = await signIn("rules");
    const meter = await createMeter(token, { name: "Garage" });
    const tool = findTool("create_alert_rule")!;
    expect(describeTools().find((t) => t.name === "create_alert_rule")?.inputSchema.type).toBe("object");
    const context = toolContext(connection.db, userId, { sessionTitle: "Garage" });
    const input = tool.input.parse({ meterId: meter.id, kind: "threshold", metric: "power_w", op: "above", value: 2000, for: "PT10M" });
    const made = await tool.run(context, input);
    expect(made.summary).toBe(
      'Made the alert rule "Garage: power above 2000 W for PT10M": you will hear when it fires and when it resolves.',
    );
    const listed = (await call("GET", `/api/alert-rules?meterId=${meter.id}`, { token })).body.rules;
    expect(listed).toMatchObject([{ name: "Garage: power above 2000 W for PT10M", state: "ok", metric: "power_w", value: 2000 }]);
    expect(tool.input.safeParse({ meterId: meter.id, kind: "budget", value: 120 }).success).toBe(false);
  });

  it("a rule asked for in the chat keeps the asking message: its firing notification quotes it and names the rule", async () => {
    const { token } = await signIn("rules");
    const meter = await createMeter(token, { name: "Garage", timezone: "UTC" });
    expect(
      (await call("PUT", "/api/chat/settings", { token, body: { rules: { create_alert_rule: "allow" }, askTimeoutSeconds: 30 } })).status,
    ).toBe(200);
    const session = (await call("POST", "/api/chat/sessions", { token, body: { title: "Garage alerts" } })).body.id as string;
    const asked = "tell me if the garage draws over 2 kW for more than 10 minutes";
    expect((await call("POST", `/api/chat/sessions/${session}/messages`, { token, body: { text: asked } })).status).toBe(200);
    const [rule] = (await call("GET", `/api/alert-rules?meterId=${meter.id}`, { token })).body.rules;
    expect(rule).toMatchObject({ kind: "threshold", metric: "power_w", op: "above", value: 2000, for: "PT10M" });

    const start = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
    const readings = minuteReadings(start, 12, 2400);
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);
    expect((await waitForRule(token, rule.id, (r) => r.state === "firing")).state).toBe("firing");

    const [told] = await alertNotifications(token, meter.id);
    const day = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" }).format(new Date());
    const since = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit" }).format(start);
    expect(told.body).toBe(`On ${day} you asked to be told when Garage passes 2 kW: it has been at 2.40 kW since ${since}.`);
    expect(told.alertRuleId).toBe(rule.id);
    expect(told.context).toMatchObject([{ sessionId: session, sessionTitle: "Garage alerts", excerpt: asked, link: `/chat/${session}` }]);
  });
});

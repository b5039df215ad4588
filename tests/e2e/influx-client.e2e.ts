/**
 * The official InfluxDB client (@influxdata/influxdb-client, what Node-RED and scripts use) writing
 * to the built Worker over HTTP with a site's write token, then the series read back through the
 * API. No browser: the client is the outside party here.
 */
import { InfluxDB, Point } from "@influxdata/influxdb-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let accessToken = "";

async function api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  stack = await startE2eStack({ demo: false });
  const signIn = await fetch(`${stack.baseUrl}/api/auth/dev`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: `influx-${crypto.randomUUID()}@example.test` }),
  });
  accessToken = ((await signIn.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await stack?.stop();
});

/** Minute-aligned, a day ago: each point is its own one-minute bucket. */
const T0 = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

async function minuteSeries(meterId: string, metric: string) {
  const query = `metric=${metric}&from=${at(-60).toISOString()}&to=${at(120).toISOString()}&bucket=1m&points=5000`;
  const series = await api<{ points: { t: string; avg: number }[] }>("GET", `/api/meters/${meterId}/series?${query}`);
  expect(series.status).toBe(200);
  return series.body.points.map((p) => [p.t, p.avg]);
}

describe("the official InfluxDB client", () => {
  it("writes points with a write token; the series reads back value by value, and a revoked token is refused", async () => {
    const site = await api<{ id: string }>("POST", "/api/meters", { name: "Home", timezone: "UTC" });
    expect(site.status).toBe(201);
    const token = await api<{ id: string; token: string }>("POST", `/api/meters/${site.body.id}/tokens`, { name: "Node-RED" });
    expect(token.status).toBe(201);

    const client = new InfluxDB({ url: stack.baseUrl, token: token.body.token });
    const writer = client.getWriteApi("home", "wattboard", "ms", { maxRetries: 0 });
    for (let minute = 0; minute < 30; minute++) {
      writer.writePoint(
        new Point("power")
          .floatField("power_w", 1000 + minute)
          .floatField("voltage_v", 230 + minute / 10)
          .timestamp(at(minute)),
      );
      writer.writePoint(
        new Point("power")
          .tag("meter", "Heat pump")
          .intField("power_w", 500 + minute)
          .timestamp(at(minute)),
      );
    }
    writer.writePoint(new Point("cpu").floatField("usage_idle", 97).timestamp(at(0)));
    // More than the client's gzip threshold: this batch goes compressed, as Telegraf's do.
    await writer.flush();

    const expected = (base: number) => Array.from({ length: 30 }, (_, minute) => [at(minute).toISOString(), base + minute]);
    expect(await minuteSeries(site.body.id, "power_w")).toEqual(expected(1000));
    const meters = await api<{ meters: { id: string; name: string; parentId: string | null }[] }>("GET", "/api/meters");
    const heatPump = meters.body.meters.find((m) => m.parentId === site.body.id);
    expect(heatPump?.name).toBe("Heat pump");
    expect(await minuteSeries(heatPump!.id, "power_w")).toEqual(expected(500));
    const ignored = await api<{ fields: { field: string }[] }>("GET", `/api/meters/${site.body.id}/ignored-fields`);
    expect(ignored.body.fields.map((f) => f.field)).toEqual(["cpu.usage_idle"]);

    // The v1 path is served by the Worker too (wrangler.jsonc run_worker_first), not by the SPA.
    const v1 = await fetch(`${stack.baseUrl}/write?db=home&precision=ms&p=${token.body.token}`, {
      method: "POST",
      body: `power power_w=2000 ${at(45).getTime()}`,
    });
    expect(v1.status).toBe(204);

    expect((await api("DELETE", `/api/meters/${site.body.id}/tokens/${token.body.id}`)).status).toBe(200);
    writer.writePoint(new Point("power").floatField("power_w", 1).timestamp(at(50)));
    await expect(writer.flush()).rejects.toMatchObject({ statusCode: 401 });
    await writer.close().catch(() => {});
    expect((await minuteSeries(site.body.id, "power_w")).length).toBe(31);
  });
});

import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../worker/rate-limits";
import { type ApiResult, call, callWithEnv, createMeter, signIn, storedCount } from "./helpers";
import { rawFetch } from "./security/fixtures";

/** A person with a site meter and a write token of it. */
async function siteWithToken(label = "influx") {
  const user = await signIn(label);
  const site = await createMeter(user.token, { name: "Home", timezone: "UTC" });
  const created = await call("POST", `/api/meters/${site.id}/tokens`, { token: user.token, body: { name: "Telegraf" } });
  expect(created.status).toBe(201);
  return { ...user, site, writeToken: created.body as { id: string; token: string } };
}

/** A line-protocol write as an InfluxDB client sends it: raw body, no JSON. */
async function influxWrite(path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<ApiResult> {
  const response = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test${path}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

const v2 = (writeToken: string, body: string | Uint8Array, precision = "s", headers: Record<string, string> = {}) =>
  influxWrite(`/api/v2/write?org=home&bucket=wattboard&precision=${precision}`, body, { Authorization: `Token ${writeToken}`, ...headers });

async function gzip(text: string): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
}

/** Minute-aligned, two days ago: every reading below is its own one-minute bucket. */
const T0 = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
const at = (minutes: number) => T0 + minutes * 60_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** The meter's stored values of one metric, one per minute bucket, oldest first. */
/** What is stored for a meter, reading by reading (the series API spreads energy over its interval). */
async function storedValues(meterId: string, metric: "energy_wh" | "power_w" | "voltage_v"): Promise<{ t: string; value: number }[]> {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    const result = await connection.db.$client.query(
      `SELECT ts, ${metric} AS value FROM readings WHERE meter_id = $1 AND ${metric} IS NOT NULL ORDER BY ts`,
      [meterId],
    );
    return result.rows.map((row) => ({ t: new Date(row.ts).toISOString(), value: Number(row.value) }));
  } finally {
    await connection.close();
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

async function metersOf(token: string) {
  return (await call("GET", "/api/meters", { token })).body.meters as {
    id: string;
    name: string;
    kind: string;
    parentId: string | null;
  }[];
}

describe("InfluxDB write API: Telegraf", () => {
  it("a gzip body: metric fields to the site, a `meter` tag to a new device meter, other fields listed as ignored", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const ns = (ms: number) => `${ms}000000`;
    const body = [
      `power,host=pi,meter=Heat\\ pump power_w=1200,voltage_v=231.5,current_a=5.2 ${ns(at(0))}`,
      `power,host=pi,meter=Heat\\ pump power_w=1300i,voltage_v=232,current_a=5.6 ${ns(at(1))}`,
      `power,host=pi power_w=3000,energy_wh=50 ${ns(at(0))}`,
      `power,host=pi power_w=3100,energy_wh=52 ${ns(at(1))}`,
      `cpu,host=pi,cpu=cpu-total usage_idle=97.5,usage_user=1.5 ${ns(at(1))}`,
      "",
    ].join("\n");
    const result = await v2(writeToken.token, await gzip(body), "ns", { "Content-Encoding": "gzip" });
    expect(result.status, JSON.stringify(result.body)).toBe(204);
    expect(result.body).toBeNull();

    const devices = (await metersOf(token)).filter((m) => m.parentId === site.id);
    expect(devices).toMatchObject([{ name: "Heat pump", kind: "device" }]);
    const heatPump = devices[0].id;
    expect(await storedValues(heatPump, "power_w")).toEqual([
      { t: iso(at(0)), value: 1200 },
      { t: iso(at(1)), value: 1300 },
    ]);
    expect(await storedValues(heatPump, "voltage_v")).toEqual([
      { t: iso(at(0)), value: 231.5 },
      { t: iso(at(1)), value: 232 },
    ]);
    expect(await storedValues(site.id, "power_w")).toEqual([
      { t: iso(at(0)), value: 3000 },
      { t: iso(at(1)), value: 3100 },
    ]);
    expect(await storedValues(site.id, "energy_wh")).toEqual([
      { t: iso(at(0)), value: 50 },
      { t: iso(at(1)), value: 52 },
    ]);

    const ignored = await call("GET", `/api/meters/${site.id}/ignored-fields`, { token });
    expect(ignored.status).toBe(200);
    expect(ignored.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(["cpu.usage_idle", "cpu.usage_user"]);
    expect(ignored.body.fields[0]).toMatchObject({ count: 1, lastSeenAt: expect.any(String) });

    // The same batch again (Telegraf retries): nothing twice, and the device is found again.
    expect((await v2(writeToken.token, await gzip(body), "ns", { "Content-Encoding": "gzip" })).status).toBe(204);
    expect((await metersOf(token)).filter((m) => m.parentId === site.id)).toHaveLength(1);
    expect(await storedCount(token, heatPump)).toBe(2);
    expect(await storedCount(token, site.id)).toBe(2);
    const again = await call("GET", `/api/meters/${site.id}/ignored-fields`, { token });
    expect(again.body.fields.map((f: { count: number }) => f.count)).toEqual([2, 2]);
  });

  it("limits: 413 over the inflated size, 400 for a body that is not gzip, 415 for another encoding; nothing stored", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const line = `power power_w=1 ${seconds(at(0))}\n`;
    const bomb = await gzip(line.repeat(Math.ceil(1_100_000 / line.length)));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const tooBig = await v2(writeToken.token, bomb, "s", { "Content-Encoding": "gzip" });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: "payload_too_large", error: { code: "payload_too_large" } });
    expect((await v2(writeToken.token, line.repeat(Math.ceil(1_100_000 / line.length)))).status).toBe(413);

    const notGzip = await v2(writeToken.token, line, "s", { "Content-Encoding": "gzip" });
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.code).toBe("invalid");
    expect((await v2(writeToken.token, line, "s", { "Content-Encoding": "br" })).status).toBe(415);
    expect(await storedCount(token, site.id)).toBe(0);
  });
});

describe("InfluxDB write API: Home Assistant", () => {
  const haLine = (unit: string, entity: string, value: number, ms: number, name: string) =>
    `${unit},domain=sensor,entity_id=${entity} value=${value},friendly_name_str="${name}",state_class_str="total_increasing",device_class_str="energy" ${seconds(ms)}`;

  it("a cumulative kWh register that resets becomes energy per interval, value by value; power by its unit", async () => {
    const { token, site, writeToken } = await siteWithToken("ha");
    const register = [100, 100.5, 101.25, 101.25, 0.5, 1.0];
    const body = [
      ...register.map((kwh, i) => haLine("kWh", "house_energy", kwh, at(i * 5), "House energy")),
      `kW,domain=sensor,entity_id=house_power value=1.5,friendly_name_str="House power" ${seconds(at(5))}`,
      `W,domain=sensor,entity_id=house_power value=900,friendly_name_str="House power" ${seconds(at(10))}`,
      `°C,domain=sensor,entity_id=living_room value=21.5,friendly_name_str="Living room" ${seconds(at(10))}`,
    ].join("\n");
    const result = await v2(writeToken.token, body);
    expect(result.status, JSON.stringify(result.body)).toBe(204);

    const devices = (await metersOf(token)).filter((m) => m.parentId === site.id);
    // The temperature maps to nothing: no device meter for it.
    expect(devices.map((d) => d.name).sort()).toEqual(["House energy", "House power"]);
    const energyMeter = devices.find((d) => d.name === "House energy")!.id;
    const powerMeter = devices.find((d) => d.name === "House power")!.id;
    // The first value starts the register; 100 -> 100.5 -> 101.25 -> (same) -> reset to 0.5 -> 1.0.
    expect(await storedValues(energyMeter, "energy_wh")).toEqual([
      { t: iso(at(5)), value: 500 },
      { t: iso(at(10)), value: 750 },
      { t: iso(at(15)), value: 0 },
      { t: iso(at(20)), value: 500 },
      { t: iso(at(25)), value: 500 },
    ]);
    expect(await storedValues(powerMeter, "power_w")).toEqual([
      { t: iso(at(5)), value: 1500 },
      { t: iso(at(10)), value: 900 },
    ]);
    const ignored = await call("GET", `/api/meters/${site.id}/ignored-fields`, { token });
    expect(ignored.body.fields.map((f: { field: string }) => f.field)).toEqual(["sensor.living_room: °C.value"]);

    // The register's next values, sent later: differenced against the last one stored.
    const later = [haLine("kWh", "house_energy", 1.75, at(30), "House energy"), haLine("kWh", "house_energy", 2, at(35), "House energy")];
    expect((await v2(writeToken.token, later.join("\n"))).status).toBe(204);
    expect((await storedValues(energyMeter, "energy_wh")).slice(-2)).toEqual([
      { t: iso(at(30)), value: 750 },
      { t: iso(at(35)), value: 250 },
    ]);
    // Repeated: nothing twice, the same intervals.
    expect((await v2(writeToken.token, body)).status).toBe(204);
    expect((await v2(writeToken.token, later.join("\n"))).status).toBe(204);
    expect(await storedCount(token, energyMeter, "energy_wh")).toBe(7);
    expect((await storedValues(energyMeter, "energy_wh")).map((p) => p.value)).toEqual([500, 750, 0, 500, 500, 750, 250]);
  });
});

describe("InfluxDB write API: refusals", () => {
  it("a bad line: 400 naming its number, and nothing of the request is stored", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const good = [
      `power,meter=Oven power_w=2000 ${seconds(at(0))}`,
      `kWh,domain=sensor,entity_id=house_energy value=10 ${seconds(at(0))}`,
      `kWh,domain=sensor,entity_id=house_energy value=11 ${seconds(at(5))}`,
      `cpu usage_idle=99 ${seconds(at(0))}`,
    ];
    const cases: [string, string, number, RegExp][] = [
      ["malformed", "power power_w=", 5, /missing field value/],
      ["not a number", "power power_w=abc", 5, /not a number/],
      ["out of range", `power power_w=5e12 ${seconds(at(1))}`, 5, /power_w/],
      ["before 2000", `power power_w=1 ${seconds(Date.parse("1999-12-31T00:00:00Z"))}`, 5, /timestamp/],
      ["a register in the future", `kWh,domain=sensor,entity_id=meter value=1 ${seconds(Date.now() + 3_600_000)}`, 5, /timestamp/],
    ];
    for (const [name, bad, line, reason] of cases) {
      const result = await v2(writeToken.token, [...good, bad, good[0]].join("\n"));
      expect(result.status, name).toBe(400);
      expect(result.body, name).toMatchObject({ code: "invalid", line, error: { code: "invalid", details: { line } } });
      expect(result.body.message, name).toMatch(reason);
      expect(result.body.message, name).toContain(`line ${line}`);
    }
    // Two bad lines for two meters: the first in the body is named, whichever meter comes first.
    const twoBad = [
      `power power_w=1 ${seconds(at(0))}`,
      good[0],
      `power,meter=Oven power_w=-5e12 ${seconds(at(2))}`,
      `power power_w=5e12 ${seconds(at(2))}`,
    ];
    expect((await v2(writeToken.token, twoBad.join("\n"))).body).toMatchObject({ code: "invalid", line: 3 });
    const blank = await v2(writeToken.token, "\n\n# nothing\n");
    expect(blank.status).toBe(400);
    const badPrecision = await v2(writeToken.token, good.join("\n"), "h");
    expect(badPrecision.status).toBe(400);
    expect(badPrecision.body.message).toMatch(/precision/);

    expect((await metersOf(token)).map((m) => m.id)).toEqual([site.id]);
    expect(await storedCount(token, site.id)).toBe(0);
    expect((await call("GET", `/api/meters/${site.id}/ignored-fields`, { token })).body.fields).toEqual([]);
  });

  it("unbounded names: a meter tag over 200 characters is refused by line, an ignored field's label is cut", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const longTag = await v2(
      writeToken.token,
      [`power power_w=1 ${seconds(at(0))}`, `power,meter=${"m".repeat(201)} power_w=2 ${seconds(at(0))}`].join("\n"),
    );
    expect(longTag.status).toBe(400);
    expect(longTag.body).toMatchObject({ code: "invalid", line: 2 });
    expect(await storedCount(token, site.id)).toBe(0);

    expect((await v2(writeToken.token, `cpu ${"k".repeat(5_000)}=1 ${seconds(at(0))}`)).status).toBe(204);
    const ignored = await call("GET", `/api/meters/${site.id}/ignored-fields`, { token });
    expect(ignored.body.fields.map((f: { field: string }) => f.field)).toEqual([`cpu.${"k".repeat(196)}`]);
  });

  it("a token writes to its own site only: another site's id as the meter tag is a device of the token's site", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const other = await createMeter(token, { name: "Cottage" });
    expect((await v2(writeToken.token, `power,meter=${other.id} power_w=5 ${seconds(at(0))}`)).status).toBe(204);
    expect(await storedCount(token, other.id)).toBe(0);
    // The site itself, by its id or its name.
    expect((await v2(writeToken.token, `power,meter=${site.id} power_w=7 ${seconds(at(1))}`)).status).toBe(204);
    expect((await v2(writeToken.token, `power,meter=Home power_w=8 ${seconds(at(2))}`)).status).toBe(204);
    expect((await storedValues(site.id, "power_w")).map((p) => p.value)).toEqual([7, 8]);

    // The site named by its tag and untagged in one body: one reading per instant with both metrics.
    const both = [`power,meter=Home power_w=9 ${seconds(at(3))}`, `power voltage_v=231 ${seconds(at(3))}`].join("\n");
    expect((await v2(writeToken.token, both)).status).toBe(204);
    expect(await storedValues(site.id, "voltage_v")).toEqual([{ t: iso(at(3)), value: 231 }]);
    expect((await storedValues(site.id, "power_w")).map((p) => p.value)).toEqual([7, 8, 9]);
  });

  it("401 without a token, with an unknown one, and once revoked; v1 takes it as p= or the Basic password", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const line = (minutes: number) => `power power_w=${100 + minutes} ${seconds(at(minutes))}`;
    expect(
      (await influxWrite("/write?db=home&precision=s", line(0), { Authorization: `Basic ${btoa(`home:${writeToken.token}`)}` })).status,
    ).toBe(204);
    expect((await influxWrite(`/write?db=home&precision=s&u=home&p=${writeToken.token}`, line(1))).status).toBe(204);
    const v1 = await influxWrite(`/write?db=home&precision=s&p=${writeToken.token}`, line(2));
    expect(v1.status).toBe(204);
    expect(v1.headers.get("X-Content-Type-Options")).toBe("nosniff");

    const refusals = [
      await influxWrite("/api/v2/write?precision=s", line(3)),
      await v2(`wbt_${"A".repeat(43)}`, line(3)),
      await influxWrite("/write?precision=s&p=nope", line(3)),
      await v2(token, line(3)),
    ];
    expect((await call("DELETE", `/api/meters/${site.id}/tokens/${writeToken.id}`, { token })).status).toBe(200);
    refusals.push(await v2(writeToken.token, line(3)), await influxWrite(`/write?precision=s&p=${writeToken.token}`, line(3)));
    for (const refused of refusals) {
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: "unauthorized", message: expect.any(String), error: { code: "unauthorized" } });
    }
    expect((await storedValues(site.id, "power_w")).map((p) => p.value)).toEqual([100, 101, 102]);
  });

  it("429 with Retry-After once the site has written too often this minute (the webhook's limiter); nothing of that write is stored", async () => {
    const [busy, other] = await Promise.all([siteWithToken("busy"), siteWithToken("bystander")]);
    // More than twice the per-minute limit (wrangler.jsonc), so one fixed minute gets more than the limit.
    const attempts = 2 * 120 + 5;
    const write = (writeToken: string, minutes: number) =>
      rawFetch("POST", "/api/v2/write?precision=s", {
        headers: { Authorization: `Token ${writeToken}` },
        body: `power power_w=1 ${seconds(at(minutes))}`,
      });
    let last = await write(busy.writeToken.token, 0);
    for (let i = 1; i < attempts && last.status === 204; i++) last = await write(busy.writeToken.token, i % 60);
    expect(last.status).toBe(429);
    expect(last.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    expect(JSON.parse(last.text)).toMatchObject({ code: "rate_limited", error: { code: "rate_limited" } });
    expect((await write(other.writeToken.token, 0)).status).toBe(204);
  });

  it("503 with Retry-After in the error envelope when Postgres is unreachable (the sender retries)", async () => {
    const down = await callWithEnv(
      { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" },
      "POST",
      "/write?p=wbt_x",
      undefined,
      {
        Authorization: `Token wbt_${"A".repeat(43)}`,
      },
    );
    expect(down.status).toBe(503);
    expect(down.headers.get("Retry-After")).toBeTruthy();
    expect(down.body.error.code).toBe("database_unavailable");
  });
});

import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import { seriesTools } from "../../worker/series/tools";
import { call, createMeter, hourlyReadings, postReadings, signIn, toolContext } from "./helpers";

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

/** A site with a day of hourly readings (1000..1023 W and Wh) and a device under it that used 250 Wh each hour. */
async function siteWithDevice() {
  const user = await signIn();
  const site = await createMeter(user.token, { name: "House" });
  const device = await createMeter(user.token, { name: "Heat pump", kind: "device", parentId: site.id });
  expect((await postReadings(site.id, site.webhook.secret, { readings: hourlyReadings(24) })).status).toBe(200);
  const deviceReadings = hourlyReadings(24).map(({ ts }) => ({ ts, energy_wh: 250 }));
  expect((await postReadings(device.id, device.webhook.secret, { readings: deviceReadings })).status).toBe(200);
  return { ...user, site, device };
}

describe("usage: happy path", () => {
  it("sums the site's energy, finds its peak and base load, and splits it across its devices", async () => {
    const { token, site } = await siteWithDevice();
    const result = await call("GET", `/api/meters/${site.id}/usage?window=last_7d`, { token });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      meter: "House",
      window: "last_7d",
      // 1000 + 1001 + ... + 1023 Wh
      energyKwh: 24.28,
      peakW: 1023,
      // 10th percentile of the 24 hourly averages 1000..1023: 1002.3
      baseLoadW: 1002,
      avgPowerFactor: null,
      avgThdPct: null,
      devices: [{ name: "Heat pump", energyKwh: 6, share: Number((6 / 24.276).toFixed(3)) }],
    });
  });

  it("defaults to the last 7 days, and a window without readings has no figures", async () => {
    const { token, site } = await siteWithDevice();
    const defaulted = await call("GET", `/api/meters/${site.id}/usage`, { token });
    expect(defaulted.body).toEqual((await call("GET", `/api/meters/${site.id}/usage?window=last_7d`, { token })).body);
    const empty = await call("GET", `/api/meters/${site.id}/usage?window=last_hour`, { token });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      window: "last_hour",
      energyKwh: null,
      peakW: null,
      baseLoadW: null,
      devices: [{ name: "Heat pump", energyKwh: null, share: null }],
    });
  });

  it("the summarize_usage chat tool answers with the same figures as the route", async () => {
    const { token, userId, site } = await siteWithDevice();
    const [summarizeUsage] = seriesTools;
    const context = toolContext(connection.db, userId, { sessionTitle: "Usage" });
    const { result, summary } = await summarizeUsage.run(context, { meterId: site.id, window: "last_30d" });
    expect(result).toEqual((await call("GET", `/api/meters/${site.id}/usage?window=last_30d`, { token })).body);
    expect(summary).toBe("House, last 30d: 24.28 kWh, peak 1023 W, base load 1002 W");
  });
});

describe("usage: invalid input", () => {
  it.each([
    ["an unknown window", "last_week"],
    ["an absolute range", "2026-01-01/2026-02-01"],
    ["an empty window", ""],
  ])("%s is 400 naming window", async (_name, window) => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const result = await call("GET", `/api/meters/${meter.id}/usage?window=${encodeURIComponent(window)}`, { token });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("invalid_request");
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toEqual(["window"]);
  });

  it("a malformed meter id is answered like a missing meter", async () => {
    const { token } = await signIn();
    for (const id of ["not-a-uuid", "1", "'; drop table readings; --"]) {
      const result = await call("GET", `/api/meters/${encodeURIComponent(id)}/usage`, { token });
      expect(result.status, id).toBe(404);
      expect(result.body.error).toEqual({ code: "not_found", message: "Meter not found" });
    }
  });

  it("needs a signed-in user", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    expect((await call("GET", `/api/meters/${meter.id}/usage`)).status).toBe(401);
  });
});

describe("usage: another user's meter is indistinguishable from a missing one", () => {
  it("answers 404 and reveals no figures", async () => {
    const { site } = await siteWithDevice();
    const intruder = await signIn("intruder");
    const foreign = await call("GET", `/api/meters/${site.id}/usage?window=last_7d`, { token: intruder.token });
    const missing = await call("GET", `/api/meters/${crypto.randomUUID()}/usage?window=last_7d`, { token: intruder.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.body.error.message).toBe("Meter not found");
  });
});

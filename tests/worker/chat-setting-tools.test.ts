import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { findTool } from "../../worker/chat/tools/registry";
import type { ToolContext } from "../../worker/chat/tools/tool";
import { connectDatabase } from "../../worker/db/client";
import { ApiError } from "../../worker/errors";
import { call, chartSpec, createMeter, postReadings, signIn } from "./helpers";

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

const HOUR = 3_600_000;
/** Hourly readings of `wh` each, from `start`; each holds the energy of the hour that ends at it. */
const hours = (start: string | number, count: number, wh: number) =>
  Array.from({ length: count }, (_, i) => ({ ts: new Date(new Date(start).getTime() + i * HOUR).toISOString(), energy_wh: wh }));

/** What a chat message sent at `messageAt` gives the tools (and the tab picked, if any). */
const contextOf = (userId: string, messageAt = "2026-04-10T12:00:00.000Z", tabId?: string): ToolContext => ({
  db: connection.db,
  env,
  userId,
  homeId: userId,
  role: "owner" as const,
  origin: "http://wattboard.test",
  sessionId: crypto.randomUUID(),
  sessionTitle: "Settings",
  messageId: crypto.randomUUID(),
  messageAt,
  ...(tabId ? { tabId } : {}),
});

/** Runs a tool as the chat does: the input through its catalog schema first. */
async function run(name: string, context: ToolContext, input: unknown) {
  const tool = findTool(name)!;
  return tool.run(context, tool.input.parse(input)) as Promise<{ result: any; summary: string }>;
}

/** The schema's complaint, as the chat's tool layer words it: the failing fields' paths. */
function invalidPaths(name: string, input: unknown): string[] {
  const parsed = findTool(name)!.input.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
}

/**
 * A house (UTC) on a flat £0.25/kWh, readings from 01:00 so each hour lies in its day:
 *   February 2026: 50 kWh (£12.50); March 2026: 40 kWh (£10.00)
 *   Tuesday 3 March 2026: 1 kWh an hour up to 16:00, but 3 kWh in the hour 11:00-12:00
 */
async function household(label = "settings") {
  const user = await signIn(label);
  const house = await createMeter(user.token, { name: "House", timezone: "UTC" });
  const tariff = { kind: "flat", price: 0.25, currency: "GBP" };
  expect((await call("PATCH", `/api/meters/${house.id}`, { token: user.token, body: { tariff } })).status).toBe(200);
  const march = hours("2026-03-02T01:00:00Z", 40, 1000);
  // The hour ending 3 March 12:00 used 3 kWh: the peak, 3 kW from 11:00.
  const peakHour = march.findIndex((r) => r.ts === "2026-03-03T12:00:00.000Z");
  const readings = [...hours("2026-02-02T01:00:00Z", 50, 1000), ...march.map((r, i) => (i === peakHour ? { ...r, energy_wh: 3000 } : r))];
  expect((await postReadings(house.id, house.webhook.secret, { readings })).status).toBe(200);
  return { ...user, house };
}

/** Imports a half-hourly price file as the Tariffs page does (prices in pence). */
async function importTariff(token: string, name = "Agile") {
  const csv = [
    "Period from,Period to,Agile Import price (p/kWh),Agile Export price (p/kWh)",
    "01/11/2023 00:00,01/11/2023 00:30,22.26,10.61",
    "01/11/2023 00:30,01/11/2023 01:00,22.68,10.79",
    "01/11/2023 01:00,01/11/2023 01:30,20.16,9.6",
  ].join("\n");
  const response = await (exports as { default: Fetcher }).default.fetch(
    `http://wattboard.test/api/tariffs?name=${encodeURIComponent(name)}`,
    {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
      body: csv,
    },
  );
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; name: string };
}

/** The failure of a call, or a test failure when it succeeds. */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ApiError);
  return outcome as ApiError;
}

/** Today so far (3 March, 00:00 to 16:00) against yesterday (2 March), as the engine would ask. */
const TODAY_VS_YESTERDAY = {
  from: "2026-03-03T00:00:00Z",
  to: "2026-03-03T16:00:00Z",
  label: "today",
  compare: { from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z", label: "yesterday" },
};
const NOW = "2026-03-03T16:00:00.000Z";

describe("measure: one number about a meter over a period", () => {
  it("energy today so far against yesterday, by name in any case", async () => {
    const { userId, house } = await household();
    const { result, summary } = await run("measure", contextOf(userId, NOW), { meter: "house", quantity: "energy", ...TODAY_VS_YESTERDAY });
    // 15 hours of 1 kWh and the 3 kWh hour; yesterday 24 hours of 1 kWh.
    expect(result).toEqual({
      meterId: house.id,
      name: "House",
      quantity: "energy",
      unit: "kWh",
      value: 18,
      from: "2026-03-03T00:00:00.000Z",
      to: "2026-03-03T16:00:00.000Z",
      label: "today",
      compare: { value: 24, from: "2026-03-02T00:00:00.000Z", to: "2026-03-03T00:00:00.000Z", label: "yesterday", changePct: -25 },
    });
    expect(summary).toBe("House used 18 kWh today, 25% less than yesterday (24 kWh).");
  });

  it("cost in the tariff's currency, by id", async () => {
    const { userId, house } = await household();
    const { result, summary } = await run("measure", contextOf(userId, NOW), { meter: house.id, quantity: "cost", ...TODAY_VS_YESTERDAY });
    expect(result).toMatchObject({ unit: "GBP", value: 4.5, compare: { value: 6, changePct: -25 } });
    expect(summary).toBe("House cost £4.50 today, 25% less than yesterday (£6.00).");
  });

  it("peak with when it was, average and minimum power", async () => {
    const { userId } = await household();
    const context = contextOf(userId, NOW);
    const peak = await run("measure", context, { meter: "House", quantity: "peak", ...TODAY_VS_YESTERDAY });
    expect(peak.result).toMatchObject({ unit: "kW", value: 3, at: "2026-03-03T11:00:00.000Z", compare: { value: 1, changePct: 200 } });
    expect(peak.summary).toBe("Peak of House today: 3 kW on Tue 11:00, 200% higher than yesterday (1 kW).");
    const average = await run("measure", context, { meter: "House", quantity: "average", ...TODAY_VS_YESTERDAY });
    // 18 kWh over 16 hours.
    expect(average.result).toMatchObject({ unit: "kW", value: 1.125, compare: { value: 1, changePct: 12.5 } });
    expect(average.summary).toBe("Average power of House today: 1.13 kW, 13% higher than yesterday (1 kW).");
    const minimum = await run("measure", context, {
      meter: "House",
      quantity: "minimum",
      from: "2026-03-03T00:00:00Z",
      to: NOW,
      label: "today",
    });
    expect(minimum.result).toMatchObject({ unit: "kW", value: 1, at: "2026-03-03T00:00:00.000Z" });
    expect(minimum.summary).toBe(
      "Minimum power of House today: 1 kW on Tue 00:00. That is the lowest hourly average, as this meter reports energy only.",
    );
  });

  it("a month reads the same as the meter summary, with the period named and partial coverage said", async () => {
    const { token, userId, house } = await household();
    const { result, summary } = await run("measure", contextOf(userId), {
      meter: "House",
      quantity: "energy",
      from: "2026-03-01T00:00:00Z",
      to: "2026-04-01T00:00:00Z",
      label: "March 2026",
      compare: { from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z" },
    });
    const route = await call("GET", `/api/meters/${house.id}/summary?period=month&at=2026-03-15T12:00:00.000Z`, { token });
    expect(result.value).toBe(route.body.energyKwh);
    expect(result.value).toBe(42);
    expect(result.compare).toMatchObject({ value: 50, changePct: -16, label: "the month before" });
    expect(summary).toMatch(
      /^House used 42 kWh in March 2026, 16% less than the month before \(50 kWh\)\. Readings cover 5% of the period\./,
    );
  });

  it("an unnamed comparison is named by how it sits against the period", async () => {
    const { userId } = await household();
    const ask = async (from: string, to: string, compare: { from: string; to: string }) =>
      (await run("measure", contextOf(userId, NOW), { meter: "House", quantity: "energy", from, to, compare })).result;
    const day = { from: "2026-03-03T00:00:00Z", to: "2026-03-04T00:00:00Z" };
    expect((await ask(day.from, day.to, { from: "2026-03-02T00:00:00Z", to: day.from })).compare.label).toBe("the day before");
    expect((await ask(day.from, day.to, { from: "2026-02-24T00:00:00Z", to: "2026-02-25T00:00:00Z" })).compare.label).toBe(
      "the same time a week earlier",
    );
    const odd = await ask(day.from, day.to, { from: "2026-02-02T06:00:00Z", to: "2026-02-04T00:00:00Z" });
    expect(odd.label).toBe("between 3 Mar 2026 and 4 Mar 2026");
    expect(odd.compare.label).toBe("between 2 Feb 2026, 06:00 and 4 Feb 2026");
  });

  it("a local day across the clock change is 23 hours, and times are said in the meter's zone", async () => {
    const { token, userId } = await signIn("dst");
    const flat = await createMeter(token, { name: "The flat", timezone: "Europe/London" });
    // 1 kWh an hour; Sunday 29 March (London) has 23 hours, one of them (09:00-10:00 UTC, 10:00 BST) 2 kWh: 24 kWh.
    const readings = hours("2026-03-29T00:00:00Z", 26, 1000).map((r) =>
      r.ts === "2026-03-29T10:00:00.000Z" ? { ...r, energy_wh: 2000 } : r,
    );
    expect((await postReadings(flat.id, flat.webhook.secret, { readings })).status).toBe(200);
    const sunday = { from: "2026-03-29T00:00:00+00:00", to: "2026-03-30T00:00:00+01:00", label: "on Sunday" };
    const energy = await run("measure", contextOf(userId), { meter: "the flat", quantity: "energy", ...sunday });
    expect(energy.result).toMatchObject({ value: 24, from: "2026-03-29T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z" });
    expect(energy.summary).toBe("The flat used 24 kWh on Sunday.");
    const peak = await run("measure", contextOf(userId), { meter: "The flat", quantity: "peak", ...sunday });
    expect(peak.result).toMatchObject({ value: 2, at: "2026-03-29T09:00:00.000Z" });
    expect(peak.summary).toBe("Peak of The flat on Sunday: 2 kW on Sun 10:00.");
  });

  it("minimum and average of a meter that reports power", async () => {
    const { token, userId } = await signIn("power");
    const shop = await createMeter(token, { name: "Shop", timezone: "UTC" });
    // Every 15 minutes on 5 March: 500 W, but 120 W at 04:00 and 2 kW at 18:00.
    const readings = Array.from({ length: 96 }, (_, i) => {
      const ts = new Date(Date.parse("2026-03-05T00:00:00Z") + i * 15 * 60_000).toISOString();
      return { ts, power_w: ts.endsWith("T04:00:00.000Z") ? 120 : ts.endsWith("T18:00:00.000Z") ? 2000 : 500 };
    });
    expect((await postReadings(shop.id, shop.webhook.secret, { readings })).status).toBe(200);
    const day = { from: "2026-03-05T00:00:00Z", to: "2026-03-06T00:00:00Z", label: "on Thursday" };
    const minimum = await run("measure", contextOf(userId), { meter: "Shop", quantity: "minimum", ...day });
    expect(minimum.result).toMatchObject({ unit: "kW", value: 0.12, at: "2026-03-05T04:00:00.000Z" });
    expect(minimum.summary).toBe("Minimum power of Shop on Thursday: 0.12 kW on Thu 04:00.");
    const peak = await run("measure", contextOf(userId), { meter: "Shop", quantity: "peak", ...day });
    expect(peak.result).toMatchObject({ value: 2 });
    const average = await run("measure", contextOf(userId), { meter: "Shop", quantity: "average", ...day });
    // Within a few watts of the readings' time-weighted mean, (94 × 500 + 120 + 2000) / 96 W.
    expect(average.result.value).toBeGreaterThan(0.5);
    expect(average.result.value).toBeLessThan(0.52);
  });

  it("a period without readings says so", async () => {
    const { userId } = await household();
    const { result, summary } = await run("measure", contextOf(userId), {
      meter: "House",
      quantity: "energy",
      from: "2026-01-01T00:00:00Z",
      to: "2026-02-01T00:00:00Z",
      label: "January",
    });
    expect(result.value).toBeNull();
    expect(summary).toBe("House has no readings in January.");
  });

  it("bad input names the field", () => {
    const base = { meter: "House", quantity: "energy", from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z" };
    expect(invalidPaths("measure", { ...base, to: "2026-03-01T00:00:00Z" })).toEqual(["to"]);
    expect(invalidPaths("measure", { ...base, to: "2029-03-01T00:00:00Z" })).toEqual(["to"]);
    expect(invalidPaths("measure", { ...base, compare: { from: base.to, to: base.from } })).toEqual(["compare.to"]);
    expect(invalidPaths("measure", { ...base, quantity: "voltage" })).toEqual(["quantity"]);
    expect(invalidPaths("measure", { ...base, from: "yesterday" })).toEqual(["from"]);
    expect(invalidPaths("measure", base)).toEqual([]);
  });

  it("another user's meter is indistinguishable from a missing one", async () => {
    const { house } = await household("measure-owner");
    const intruder = await signIn("measure-intruder");
    const context = contextOf(intruder.userId, NOW);
    const foreign = await failure(run("measure", context, { meter: house.id, quantity: "energy", ...TODAY_VS_YESTERDAY }));
    const missing = await failure(run("measure", context, { meter: crypto.randomUUID(), quantity: "energy", ...TODAY_VS_YESTERDAY }));
    expect(foreign).toMatchObject({ status: 404, message: "Meter not found" });
    expect(missing).toMatchObject({ status: 404, message: "Meter not found" });
    await expect(run("measure", context, { meter: "House", quantity: "energy", ...TODAY_VS_YESTERDAY })).rejects.toMatchObject({
      status: 404,
      message: 'No meter is called "House": you have no meters yet',
    });
  });
});

describe("set_battery and set_deferrable_load: what the planner may move", () => {
  it("a battery with the default power and efficiency, keeping the other assets", async () => {
    const { token, userId } = await signIn("battery");
    const meter = await createMeter(token);
    expect((await call("PATCH", `/api/meters/${meter.id}`, { token, body: { assets: { peakLimitKw: 9 } } })).status).toBe(200);
    const { result, summary } = await run("set_battery", contextOf(userId), { meterId: meter.id, capacityKwh: 10 });
    const battery = { capacityKwh: 10, powerKw: 5, roundTripEfficiency: 0.9 };
    expect(result).toEqual({ meterId: meter.id, name: "House", battery });
    expect(summary).toBe("House has a 10 kWh battery (5 kW, 90% round trip) for the planner");
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body.assets).toEqual({ peakLimitKw: 9, battery });
    await run("set_battery", contextOf(userId), { meterId: meter.id, capacityKwh: 13.5, powerKw: 5, roundTripEfficiency: 0.95 });
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body.assets.battery).toEqual({
      capacityKwh: 13.5,
      powerKw: 5,
      roundTripEfficiency: 0.95,
    });
  });

  it("a car ready by 7 am: 7 kW from 19:00 by default; the same name replaces it, another adds one", async () => {
    const { token, userId } = await signIn("loads");
    const meter = await createMeter(token);
    const first = await run("set_deferrable_load", contextOf(userId), { meterId: meter.id, name: "car", energyKwh: 30, toHour: 7 });
    expect(first.result).toMatchObject({ replaced: false, load: { name: "car", energyKwh: 30, powerKw: 7, fromHour: 19, toHour: 7 } });
    expect(first.summary).toBe('Added "car" on House: 30 kWh at 7 kW between 19:00 and 07:00');
    const again = await run("set_deferrable_load", contextOf(userId), {
      meterId: meter.id,
      name: "Car",
      energyKwh: 20,
      toHour: 8,
      fromHour: 22,
    });
    expect(again.result.replaced).toBe(true);
    expect(again.summary).toBe('Updated "Car" on House: 20 kWh at 7 kW between 22:00 and 08:00');
    await run("set_deferrable_load", contextOf(userId), { meterId: meter.id, name: "dishwasher", energyKwh: 1.5, toHour: 24 });
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body.assets.deferrableLoads).toEqual([
      { name: "Car", energyKwh: 20, powerKw: 7, fromHour: 22, toHour: 8 },
      { name: "dishwasher", energyKwh: 1.5, powerKw: 2, fromHour: 12, toHour: 24 },
    ]);
  });

  it("bad input names the field, in the schema or in the assets the route checks", async () => {
    expect(invalidPaths("set_battery", { meterId: crypto.randomUUID(), capacityKwh: 0 })).toEqual(["capacityKwh"]);
    expect(invalidPaths("set_battery", { meterId: "garage", capacityKwh: 5 })).toEqual(["meterId"]);
    expect(invalidPaths("set_deferrable_load", { meterId: crypto.randomUUID(), name: "car", energyKwh: 30, toHour: 25 })).toEqual([
      "toHour",
    ]);
    const { token, userId } = await signIn("bad-loads");
    const meter = await createMeter(token);
    const empty = await failure(
      run("set_deferrable_load", contextOf(userId), { meterId: meter.id, name: "car", energyKwh: 30, fromHour: 7, toHour: 7 }),
    );
    expect(empty).toMatchObject({ status: 400, details: [{ path: "assets.deferrableLoads.0.toHour" }] });
    for (const name of ["a", "b", "c", "d"])
      await run("set_deferrable_load", contextOf(userId), { meterId: meter.id, name, energyKwh: 1, toHour: 7 });
    const fifth = await failure(run("set_deferrable_load", contextOf(userId), { meterId: meter.id, name: "e", energyKwh: 1, toHour: 7 }));
    expect(fifth).toMatchObject({ status: 400, details: [{ path: "assets.deferrableLoads" }] });
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body.assets.deferrableLoads).toHaveLength(4);
  });

  it("another user's meter is indistinguishable from a missing one and is left alone", async () => {
    const owner = await signIn("assets-owner");
    const intruder = await signIn("assets-intruder");
    const meter = await createMeter(owner.token);
    for (const meterId of [meter.id, crypto.randomUUID()]) {
      await expect(run("set_battery", contextOf(intruder.userId), { meterId, capacityKwh: 5 })).rejects.toMatchObject({
        status: 404,
        message: "Meter not found",
      });
      await expect(
        run("set_deferrable_load", contextOf(intruder.userId), { meterId, name: "car", energyKwh: 5, toHour: 7 }),
      ).rejects.toMatchObject({ status: 404, message: "Meter not found" });
    }
    expect((await call("GET", `/api/meters/${meter.id}`, { token: owner.token })).body.assets).toBeNull();
  });
});

describe("set_tariff and list_tariffs", () => {
  it("a flat price, then what measure prices with it", async () => {
    const { userId, house } = await household();
    const { result, summary } = await run("set_tariff", contextOf(userId, NOW), {
      meterId: house.id,
      tariff: { kind: "flat", price: 0.3, currency: "EUR", standingChargePerDay: 0.4 },
    });
    expect(result).toEqual({
      meterId: house.id,
      name: "House",
      tariff: { kind: "flat", price: 0.3, currency: "EUR", standingChargePerDay: 0.4 },
    });
    expect(summary).toBe("House now pays a flat €0.300/kWh plus €0.40 a day");
    const cost = await run("measure", contextOf(userId, NOW), { meter: "House", quantity: "cost", ...TODAY_VS_YESTERDAY });
    expect(cost.result).toMatchObject({ unit: "EUR", value: 5.4, compare: { value: 7.2 } });
  });

  it("time of use", async () => {
    const { userId, house } = await household();
    const tariff = { kind: "tou", defaultPrice: 0.3, periods: [{ from: "00:00", to: "07:00", price: 0.1 }], currency: "GBP" };
    const { summary } = await run("set_tariff", contextOf(userId), { meterId: house.id, tariff });
    expect(summary).toBe("House now pays time-of-use (1 period, else £0.300/kWh)");
    // 2 March: 7 hours at £0.10, 17 at £0.30.
    const day = await run("measure", contextOf(userId), {
      meter: "House",
      quantity: "cost",
      from: "2026-03-02T00:00:00Z",
      to: "2026-03-03T00:00:00Z",
    });
    expect(day.result.value).toBeCloseTo(5.8, 6);
  });

  it("an imported tariff by id, listed by list_tariffs with its price range", async () => {
    const { token, userId, house } = await household();
    const agile = await importTariff(token, "Octopus Agile");
    const listed = await run("list_tariffs", contextOf(userId), {});
    expect(listed.result).toEqual([
      expect.objectContaining({ id: agile.id, name: "Octopus Agile", currency: "GBP", minPrice: 0.2016, maxPrice: 0.2268, meters: [] }),
    ]);
    expect(listed.summary).toBe("1 imported tariff: Octopus Agile (£0.2016/kWh to £0.2268/kWh)");
    const { result, summary } = await run("set_tariff", contextOf(userId), {
      meterId: house.id,
      tariff: { kind: "imported", tariffId: agile.id },
    });
    expect(result.tariff).toEqual({ kind: "imported", tariffId: agile.id });
    expect(summary).toBe('House now pays the imported tariff "Octopus Agile"');
    expect((await run("list_tariffs", contextOf(userId), {})).result[0].meters).toEqual([{ id: house.id, name: "House" }]);
  });

  it("bad input names the field", () => {
    const meterId = crypto.randomUUID();
    expect(invalidPaths("set_tariff", { meterId, tariff: { kind: "flat", price: 1000 } })).toEqual(["tariff.price"]);
    expect(invalidPaths("set_tariff", { meterId, tariff: { kind: "flat", price: 0.2, currency: "XYZ" } })).toEqual(["tariff.currency"]);
    expect(invalidPaths("set_tariff", { meterId, tariff: { kind: "imported", tariffId: "agile" } })).toEqual(["tariff.tariffId"]);
    expect(invalidPaths("list_tariffs", { all: true })).toEqual([""]);
  });

  it("another user's meter or tariff is indistinguishable from a missing one; their tariffs are not listed", async () => {
    const owner = await household("tariff-owner");
    const theirs = await importTariff(owner.token, "Their Agile");
    const intruder = await signIn("tariff-intruder");
    const mine = await createMeter(intruder.token, { name: "Flat" });
    const context = contextOf(intruder.userId);
    for (const meterId of [owner.house.id, crypto.randomUUID()]) {
      await expect(run("set_tariff", context, { meterId, tariff: { kind: "flat", price: 0.1 } })).rejects.toMatchObject({
        status: 404,
        message: "Meter not found",
      });
    }
    for (const tariffId of [theirs.id, crypto.randomUUID()]) {
      await expect(run("set_tariff", context, { meterId: mine.id, tariff: { kind: "imported", tariffId } })).rejects.toMatchObject({
        status: 404,
        message: "Tariff not found",
      });
    }
    expect((await call("GET", `/api/meters/${mine.id}`, { token: intruder.token })).body.tariff).toBeNull();
    expect((await call("GET", `/api/meters/${owner.house.id}`, { token: owner.token })).body.tariff).toEqual({
      kind: "flat",
      price: 0.25,
      currency: "GBP",
    });
    expect(await run("list_tariffs", context, {})).toEqual({
      result: [],
      summary: "No imported tariffs yet (import one on the Tariffs page)",
    });
  });
});

describe("charts: create_chart without a tab, delete_chart", () => {
  it("with no tab given and none picked, the chart goes on a new tab titled after it", async () => {
    const { token, userId } = await signIn("new-tab");
    const meter = await createMeter(token);
    const spec = chartSpec({ meterIds: [meter.id] });
    const { result, summary } = await run("create_chart", contextOf(userId), { title: "House power", spec });
    expect(result).toMatchObject({ title: "House power", newTab: true });
    expect(summary).toBe('Created chart "House power" on a new tab of the same name');
    const tabs = (await call("GET", "/api/tabs", { token })).body.tabs;
    expect(tabs).toEqual([expect.objectContaining({ id: result.tabId, title: "House power" })]);
    expect((await call("GET", `/api/tabs/${result.tabId}`, { token })).body.charts.map((c: { id: string }) => c.id)).toEqual([result.id]);
    // The picked tab when there is one: no new tab.
    const picked = await run("create_chart", contextOf(userId, undefined, result.tabId), { title: "Again", spec });
    expect(picked.result).toMatchObject({ tabId: result.tabId, newTab: false });
    expect((await call("GET", "/api/tabs", { token })).body.tabs).toHaveLength(1);
    // A chart title longer than a tab's may be is cut for the tab.
    const long = await run("create_chart", contextOf(userId), { title: "x".repeat(120), spec });
    expect((await call("GET", `/api/tabs/${long.result.tabId}`, { token })).body.title).toBe("x".repeat(100));
  });

  it("a chart of someone else's meter makes no tab", async () => {
    const owner = await signIn("chart-owner");
    const theirs = await createMeter(owner.token);
    const { token, userId } = await signIn("chart-intruder");
    await expect(
      run("create_chart", contextOf(userId), { title: "Theirs", spec: chartSpec({ meterIds: [theirs.id] }) }),
    ).rejects.toMatchObject({
      status: 404,
      message: "Meter not found",
    });
    expect((await call("GET", "/api/tabs", { token })).body.tabs).toEqual([]);
  });

  it("delete_chart deletes the chart; another user's chart is indistinguishable from a missing one", async () => {
    const owner = await signIn("delete-owner");
    const meter = await createMeter(owner.token);
    const made = await run("create_chart", contextOf(owner.userId), { title: "Doomed", spec: chartSpec({ meterIds: [meter.id] }) });
    const kept = await run("create_chart", contextOf(owner.userId), { title: "Kept", spec: chartSpec({ meterIds: [meter.id] }) });
    const intruder = await signIn("delete-intruder");
    for (const chartId of [kept.result.id, crypto.randomUUID()]) {
      await expect(run("delete_chart", contextOf(intruder.userId), { chartId })).rejects.toMatchObject({
        status: 404,
        message: "Chart not found",
      });
    }
    expect((await call("GET", `/api/charts/${kept.result.id}`, { token: owner.token })).status).toBe(200);
    const { result, summary } = await run("delete_chart", contextOf(owner.userId), { chartId: made.result.id });
    expect(result).toEqual({ id: made.result.id, tabId: made.result.tabId, title: "Doomed", deleted: true });
    expect(summary).toBe('Deleted chart "Doomed"');
    expect((await call("GET", `/api/charts/${made.result.id}`, { token: owner.token })).status).toBe(404);
    expect(invalidPaths("delete_chart", { chartId: "Doomed" })).toEqual(["chartId"]);
  });
});

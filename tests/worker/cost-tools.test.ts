import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import type { EngineTools, EngineTurn } from "../../worker/chat/engine";
import { offlineEngine } from "../../worker/chat/engines/offline";
import { findTool } from "../../worker/chat/tools/registry";
import type { ToolContext } from "../../worker/chat/tools/tool";
import { connectDatabase } from "../../worker/db/client";
import { ApiError } from "../../worker/errors";
import { listMeters } from "../../worker/meters/queries";
import { call, createMeter, postReadings, signIn } from "./helpers";

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

const HOUR = 3_600_000;
/** Hourly readings of `wh` each, from `start`; each holds the energy of the hour that ends at it. */
const hours = (start: string | number, count: number, wh: number) =>
  Array.from({ length: count }, (_, i) => ({ ts: new Date(new Date(start).getTime() + i * HOUR).toISOString(), energy_wh: wh }));

/**
 * A house (UTC) on a flat £0.25/kWh with a £0.50 daily standing charge, and two devices that
 * inherit it, so every figure is kWh × 0.25. Readings start at 01:00, so each hour lies in the day it is counted in:
 *   February 2026: house 50 kWh (£12.50), garage 5 kWh (£1.25)
 *   March 2026:    house 40 kWh (£10.00), garage 10 kWh (£2.50), oven 5 kWh (£1.25), untracked 25 kWh (£6.25)
 */
async function household(label = "costs") {
  const user = await signIn(label);
  const house = await createMeter(user.token, { name: "House", timezone: "UTC" });
  const tariff = { kind: "flat", price: 0.25, currency: "GBP", standingChargePerDay: 0.5 };
  expect((await call("PATCH", `/api/meters/${house.id}`, { token: user.token, body: { tariff } })).status).toBe(200);
  const garage = await createMeter(user.token, { name: "Garage", timezone: "UTC", kind: "device", parentId: house.id });
  const oven = await createMeter(user.token, { name: "Oven", timezone: "UTC", kind: "device", parentId: house.id });
  const post = async (meter: { id: string; webhook: { secret: string } }, readings: unknown[]) =>
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);
  await post(house, [...hours("2026-02-02T01:00:00Z", 50, 1000), ...hours("2026-03-02T01:00:00Z", 40, 1000)]);
  await post(garage, [...hours("2026-02-02T01:00:00Z", 20, 250), ...hours("2026-03-02T01:00:00Z", 40, 250)]);
  await post(oven, hours("2026-03-02T01:00:00Z", 20, 250));
  return { ...user, house, garage, oven };
}

/** What a chat message sent at `messageAt` gives the tools. */
const contextOf = (userId: string, messageAt: string): ToolContext => ({
  db: connection.db,
  env,
  userId,
  homeId: userId,
  role: "owner" as const,
  origin: "http://wattboard.test",
  sessionId: crypto.randomUUID(),
  sessionTitle: "Costs",
  messageId: crypto.randomUUID(),
  messageAt,
});

const APRIL = "2026-04-10T12:00:00.000Z";
const MID_MARCH = "2026-03-20T12:00:00.000Z";

async function run(name: string, context: ToolContext, input: unknown) {
  const tool = findTool(name)!;
  return tool.run(context, tool.input.parse(input));
}

describe("summarize_cost: what a meter cost, from the meter summary", () => {
  it("last month against the month before, by name in any case, the standing charge apart", async () => {
    const { token, userId, house } = await household();
    const { result, summary } = await run("summarize_cost", contextOf(userId, APRIL), { meter: "house", period: "month", which: "last" });
    expect(result).toMatchObject({
      meterId: house.id,
      currency: "GBP",
      energyKwh: 40,
      cost: 10,
      // 31 days of March × £0.50
      standingCharge: 15.5,
      previous: { energyKwh: 50, cost: 12.5 },
      changePct: -20,
    });
    expect(summary).toContain("House cost £10.00 last month (40 kWh), 20% less than the month before (£12.50).");
    expect(summary).toContain("The standing charge adds £15.50.");
    // One implementation: the route answers the same for the same instant.
    const route = await call("GET", `/api/meters/${house.id}/summary?period=month&at=2026-03-15T12:00:00.000Z`, { token });
    expect(route.status).toBe(200);
    expect(result).toEqual(route.body);
  });

  it("this month so far against the same days of last month", async () => {
    const { userId } = await household();
    const { summary } = await run("summarize_cost", contextOf(userId, MID_MARCH), { meter: "House" });
    expect(summary).toContain("House has cost £10.00 so far this month (40 kWh), 20% less than the same days last month (£12.50).");
  });

  it("a device priced by its site's tariff, for the month holding a date", async () => {
    const { userId, garage } = await household();
    const { result, summary } = await run("summarize_cost", contextOf(userId, APRIL), {
      meter: garage.id,
      period: "month",
      at: "2026-03-14",
    });
    expect(result).toMatchObject({ name: "Garage", currency: "GBP", energyKwh: 10, cost: 2.5, previous: { cost: 1.25 }, changePct: 100 });
    expect(summary).toContain("Garage cost £2.50 in March 2026 (10 kWh), 100% more than the month before (£1.25).");
  });
});

describe("rank_device_costs: which device cost the most", () => {
  it("ranks the site's devices by cost, with the untracked rest", async () => {
    const { userId, garage, oven } = await household();
    const { result, summary } = await run("rank_device_costs", contextOf(userId, APRIL), { meter: "House", which: "last" });
    expect(result).toMatchObject({
      name: "House",
      currency: "GBP",
      cost: 10,
      devices: [
        { meterId: garage.id, name: "Garage", energyKwh: 10, cost: 2.5 },
        { meterId: oven.id, name: "Oven", energyKwh: 5, cost: 1.25 },
      ],
      untracked: { energyKwh: 25, cost: 6.25 },
    });
    expect(summary).toBe(
      "Garage cost the most last month: £2.50 (10 kWh), 25% of House's £10.00. Then Oven £1.25. Untracked use (House minus its devices): £6.25.",
    );
  });
});

describe("cost tools: meters that are not the person's", () => {
  it("an unknown name is answered with the person's meter names", async () => {
    const { userId } = await household();
    await expect(run("summarize_cost", contextOf(userId, APRIL), { meter: "Shed" })).rejects.toMatchObject({
      status: 404,
      message: 'No meter is called "Shed": your meters are House, Garage, Oven',
    });
  });

  it("a name two meters share asks for an id, naming both", async () => {
    const { token, userId, house } = await household();
    const heaters = [
      await createMeter(token, { name: "Heater", kind: "device", parentId: house.id }),
      await createMeter(token, { name: "heater", kind: "device", parentId: house.id }),
    ];
    await expect(run("summarize_cost", contextOf(userId, APRIL), { meter: "HEATER" })).rejects.toMatchObject({
      status: 409,
      message: `2 meters are called "HEATER": give one's id (${heaters.map((m) => m.id).join(", ")})`,
    });
  });

  it("another user's meter, by id or by name, is indistinguishable from a missing one", async () => {
    const { house } = await household("cost-owner");
    const intruder = await signIn("cost-intruder");
    const context = contextOf(intruder.userId, APRIL);
    for (const name of ["summarize_cost", "rank_device_costs"]) {
      const foreign = await run(name, context, { meter: house.id }).catch((error: ApiError) => error);
      const missing = await run(name, context, { meter: crypto.randomUUID() }).catch((error: ApiError) => error);
      expect(foreign).toBeInstanceOf(ApiError);
      expect(foreign).toMatchObject({ status: 404, message: "Meter not found" });
      expect(missing).toMatchObject({ status: 404, message: "Meter not found" });
      await expect(run(name, context, { meter: "House" })).rejects.toMatchObject({
        status: 404,
        message: 'No meter is called "House": you have no meters yet',
      });
    }
  });
});

describe("the offline engine answers cost commands and device rankings with the figures (plain cost questions use the measure tool)", () => {
  /** The offline engine over the registry's tools, as a message sent at `messageAt` (permissions are chat.test.ts's concern). */
  async function ask(user: { userId: string }, text: string, messageAt: string) {
    const context = contextOf(user.userId, messageAt);
    const tools: EngineTools = {
      async call(name, input) {
        try {
          const { result, summary } = await run(name, context, input);
          return { ok: true, summary, result };
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          return { ok: false, error: error.message };
        }
      },
    };
    const meters = await listMeters(connection.db, user.userId);
    return (await offlineEngine.respond({ text, meters, context: { messageAt } } as EngineTurn, tools)).text;
  }

  it("what did the garage cost last month?", async () => {
    const user = await household();
    expect(await ask(user, "/cost garage last month", APRIL)).toContain(
      "Garage cost £2.50 last month (10 kWh), 100% more than the month before (£1.25).",
    );
  });

  it("which device costs the most this week? (and last month)", async () => {
    const user = await household();
    // The week of 2 March 2026 (Monday): the garage 10 kWh, the oven 5 kWh.
    expect(await ask(user, "Which device costs the most this week?", "2026-03-05T12:00:00.000Z")).toBe(
      "Garage has cost the most so far this week: £2.50 (10 kWh), 25% of House's £10.00. Then Oven £1.25. Untracked use (House minus its devices): £6.25.",
    );
    expect(await ask(user, "what was the most expensive device last month?", APRIL)).toContain("Garage cost the most last month: £2.50");
  });

  it("how does this month compare with last month?", async () => {
    const user = await household();
    expect(await ask(user, "/cost house this month", MID_MARCH)).toContain(
      "House has cost £10.00 so far this month (40 kWh), 20% less than the same days last month (£12.50).",
    );
  });

  it("yesterday, and a bill, in the same figures", async () => {
    const user = await household();
    // 2 March: the house's first 24 hours of March, 24 kWh.
    expect(await ask(user, "/cost yesterday", "2026-03-03T09:00:00.000Z")).toContain("House cost £6.00 yesterday (24 kWh)");
    expect(await ask(user, "/cost last month", APRIL)).toContain("House cost £10.00 last month (40 kWh)");
  });

  it("a meter that does not exist: the answer names the person's meters", async () => {
    const user = await household();
    expect(await ask(user, "what did the shed cost last month?", APRIL)).toBe("You have no meter called “shed”. Which one do you mean?");
  });
});

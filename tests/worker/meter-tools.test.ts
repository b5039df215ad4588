import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import { meterTools } from "../../worker/meters/tools";
import { call, createMeter, signIn } from "./helpers";

const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
afterAll(() => connection.close());

const [listMeters, setGoal] = meterTools;
const contextOf = (userId: string) => ({
  db: connection.db,
  env,
  userId,
  homeId: userId,
  role: "owner" as const,
  origin: "http://wattboard.test",
  sessionId: crypto.randomUUID(),
  sessionTitle: "Goals",
  messageId: crypto.randomUUID(),
  messageAt: new Date().toISOString(),
});

describe("meter chat tools go through the meters' operations", () => {
  it("set_goal changes the peak limit as PATCH does, keeping the other flexible assets", async () => {
    const { token, userId } = await signIn();
    const meter = await createMeter(token);
    const battery = { capacityKwh: 10, powerKw: 5, roundTripEfficiency: 0.9 };
    expect((await call("PATCH", `/api/meters/${meter.id}`, { token, body: { assets: { battery, peakLimitKw: 9 } } })).status).toBe(200);
    const { result, summary } = await setGoal.run(contextOf(userId), { meterId: meter.id, peakLimitKw: 4.5 });
    expect(result).toEqual({ meterId: meter.id, peakLimitKw: 4.5 });
    expect(summary).toBe("Peak limit of House set to 4.5 kW");
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body.assets).toEqual({ battery, peakLimitKw: 4.5 });
  });

  it("list_meters lists what GET /api/meters lists", async () => {
    const { token, userId } = await signIn();
    const site = await createMeter(token, { name: "Shop" });
    await createMeter(token, { name: "Oven", kind: "device", parentId: site.id });
    const { result, summary } = await listMeters.run(contextOf(userId), {});
    const listed = (await call("GET", "/api/meters", { token })).body.meters;
    expect(result).toEqual(
      listed.map(({ id, name, kind, parentId, timezone, lastReadingAt }: Record<string, unknown>) => ({
        id,
        name,
        kind,
        parentId,
        timezone,
        lastReadingAt,
      })),
    );
    expect(summary).toBe("2 meters: Shop, Oven");
  });

  it("set_goal on another user's meter fails like a missing one and changes nothing", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const meter = await createMeter(owner.token);
    for (const meterId of [meter.id, crypto.randomUUID()]) {
      await expect(setGoal.run(contextOf(intruder.userId), { meterId, peakLimitKw: 1 })).rejects.toMatchObject({
        status: 404,
        message: "Meter not found",
      });
    }
    expect((await call("GET", `/api/meters/${meter.id}`, { token: owner.token })).body.assets).toBeNull();
  });
});

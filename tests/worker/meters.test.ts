import { describe, expect, it } from "vitest";
import { call, createMeter, hourlyReadings, postReadings, signIn } from "./helpers";

describe("meters: happy path", () => {
  it("creates a meter and shows its webhook secret once", async () => {
    const { token } = await signIn();
    const created = await call("POST", "/api/meters", { token, body: { name: "  Home  ", timezone: "Europe/London" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Home", timezone: "Europe/London", kind: "site", parentId: null, lastReadingAt: null });
    expect(created.body.webhook.url).toBe(`http://wattboard.test/api/ingest/${created.body.id}`);
    expect(created.body.webhook.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const read = await call("GET", `/api/meters/${created.body.id}`, { token });
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain(created.body.webhook.secret);
    const list = await call("GET", "/api/meters", { token });
    expect(list.body.meters.map((m: { id: string }) => m.id)).toEqual([created.body.id]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.webhook.secret);
  });

  it("puts device sub-meters under a site, renames and changes time zone", async () => {
    const { token } = await signIn();
    const site = await createMeter(token, { name: "Shop" });
    const device = await call("POST", "/api/meters", {
      token,
      body: { name: "Fridge", timezone: "Europe/London", kind: "device", parentId: site.id },
    });
    expect(device.status).toBe(201);
    expect(device.body).toMatchObject({ kind: "device", parentId: site.id });
    const renamed = await call("PATCH", `/api/meters/${device.body.id}`, { token, body: { name: "Cold room", timezone: "Europe/Paris" } });
    expect(renamed.body).toMatchObject({ name: "Cold room", timezone: "Europe/Paris", parentId: site.id });
    const detached = await call("PATCH", `/api/meters/${device.body.id}`, { token, body: { parentId: null } });
    expect(detached.body.parentId).toBeNull();
  });

  it("rotates the webhook secret; the previous one keeps working during the grace period", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    const rotated = await call("POST", `/api/meters/${meter.id}/webhook/rotate`, { token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook.secret).not.toBe(meter.webhook.secret);
    const graceEnds = Date.parse(rotated.body.webhook.previousSecretValidUntil);
    expect(graceEnds - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const [a, b] = hourlyReadings(2);
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: [a] })).status).toBe(200);
    expect((await postReadings(meter.id, rotated.body.webhook.secret, { readings: [b] })).status).toBe(200);

    const again = await call("POST", `/api/meters/${meter.id}/webhook/rotate`, { token });
    // Two rotations later the first secret is no longer current or previous.
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(1) })).status).toBe(401);
    expect((await postReadings(meter.id, again.body.webhook.secret, { readings: hourlyReadings(1, Date.now() - 60_000) })).status).toBe(
      200,
    );
  });

  it("deletes a meter with its readings only after confirmation", async () => {
    const { token } = await signIn();
    const meter = await createMeter(token);
    await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(5) });
    const unconfirmed = await call("DELETE", `/api/meters/${meter.id}`, { token });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error).toMatchObject({ code: "confirmation_required", details: { readings: 5 } });
    expect(unconfirmed.body.error.message).toContain(`?confirm=${meter.id}`);
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).status).toBe(200);

    const confirmed = await call("DELETE", `/api/meters/${meter.id}?confirm=${meter.id}`, { token });
    expect(confirmed.body).toEqual({ deleted: true, readingsDeleted: 5 });
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).status).toBe(404);
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(1) })).status).toBe(401);
  });
});

describe("meters: invalid input gets 400 naming the field", () => {
  it.each([
    ["an unknown time zone", { name: "x", timezone: "Mars/Olympus" }, "timezone"],
    ["a UTC offset instead of a zone", { name: "x", timezone: "+01:00" }, "timezone"],
    ["an empty name", { name: " ", timezone: "UTC" }, "name"],
    ["an unknown kind", { name: "x", timezone: "UTC", kind: "panel" }, "kind"],
    ["a parent on a site meter", { name: "x", timezone: "UTC", kind: "site", parentId: crypto.randomUUID() }, "parentId"],
  ])("%s", async (_name, body, path) => {
    const { token } = await signIn();
    const result = await call("POST", "/api/meters", { token, body });
    expect(result.status).toBe(400);
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await call("GET", "/api/meters", { token })).body.meters).toEqual([]);
  });

  it("a parent that is a device, or missing", async () => {
    const { token } = await signIn();
    const site = await createMeter(token);
    const device = await createMeter(token, { kind: "device", parentId: site.id });
    for (const parentId of [device.id, crypto.randomUUID()]) {
      const result = await call("POST", "/api/meters", { token, body: { name: "x", timezone: "UTC", kind: "device", parentId } });
      expect(result.status).toBe(404);
      expect(result.body.error.message).toBe("Parent site meter not found");
    }
  });
});

describe("meters: another user's meter is indistinguishable from a missing one", () => {
  it("answers 404 everywhere and changes nothing", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const meter = await createMeter(owner.token);
    for (const id of [meter.id, crypto.randomUUID()]) {
      for (const [method, path, body] of [
        ["GET", `/api/meters/${id}`, undefined],
        ["PATCH", `/api/meters/${id}`, { name: "Mine" }],
        ["DELETE", `/api/meters/${id}?confirm=${id}`, undefined],
        ["POST", `/api/meters/${id}/webhook/rotate`, undefined],
        ["GET", `/api/meters/${id}/series`, undefined],
      ] as const) {
        const result = await call(method, path, { token: intruder.token, body });
        expect(result.status, `${method} ${path}`).toBe(404);
        expect(result.body.error.message).toBe("Meter not found");
      }
    }
    const intruderDevice = await call("POST", "/api/meters", {
      token: intruder.token,
      body: { name: "x", timezone: "UTC", kind: "device", parentId: meter.id },
    });
    expect(intruderDevice.status).toBe(404);
    expect((await call("GET", `/api/meters/${meter.id}`, { token: owner.token })).body.name).toBe("House");
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(1) })).status).toBe(200);
  });
});

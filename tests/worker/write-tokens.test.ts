import { describe, expect, it } from "vitest";
import { call, createMeter, hourlyReadings, postReadings, signIn, storedCount } from "./helpers";

/** A person with a site meter, a device meter under it, and a write token of the site. */
async function siteWithToken(label?: string) {
  const user = await signIn(label);
  const site = await createMeter(user.token, { name: "Home" });
  const device = await createMeter(user.token, { name: "Heat pump", kind: "device", parentId: site.id });
  const created = await call("POST", `/api/meters/${site.id}/tokens`, { token: user.token, body: { name: "Home Assistant" } });
  expect(created.status).toBe(201);
  return { ...user, site, device, writeToken: created.body as { id: string; token: string; prefix: string; name: string } };
}

/** The JSON webhook with a write token instead of a signature. */
const postWithToken = (meterId: string, writeToken: string, readings: unknown[]) =>
  call("POST", `/api/ingest/${meterId}`, { token: writeToken, body: { readings } });

describe("write tokens", () => {
  it("are shown once at creation, listed without the secret, and write to the site through the JSON webhook", async () => {
    const { token, site, writeToken } = await siteWithToken();
    expect(writeToken.token).toMatch(/^wbt_[A-Za-z0-9_-]{43}$/);
    expect(writeToken.token.startsWith(writeToken.prefix)).toBe(true);
    expect(writeToken.prefix.length).toBeLessThan(16);
    expect(writeToken.name).toBe("Home Assistant");

    const listed = await call("GET", `/api/meters/${site.id}/tokens`, { token });
    expect(listed.status).toBe(200);
    expect(listed.body.tokens).toEqual([
      { id: writeToken.id, name: "Home Assistant", prefix: writeToken.prefix, createdAt: expect.any(String), lastUsedAt: null },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(writeToken.token.slice(writeToken.prefix.length));

    const written = await postWithToken(site.id, writeToken.token, hourlyReadings(5));
    expect(written.status).toBe(200);
    expect(written.body).toEqual({ accepted: 5, duplicates: 0 });
    expect(await storedCount(token, site.id)).toBe(5);
  });

  it("last used is recorded, and not rewritten by every write within the minute", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const readings = hourlyReadings(2);
    await postWithToken(site.id, writeToken.token, readings.slice(0, 1));
    const first = (await call("GET", `/api/meters/${site.id}/tokens`, { token })).body.tokens[0].lastUsedAt;
    expect(first).not.toBeNull();
    await postWithToken(site.id, writeToken.token, readings.slice(1));
    expect((await call("GET", `/api/meters/${site.id}/tokens`, { token })).body.tokens[0].lastUsedAt).toBe(first);
  });

  it("rejects invalid input: an empty or missing name, unknown keys, and a device meter (tokens are made on its site)", async () => {
    const { token, site, device } = await siteWithToken();
    for (const body of [{ name: "" }, { name: "   " }, {}, { name: "x".repeat(101) }, { name: "ok", scope: "read" }]) {
      const result = await call("POST", `/api/meters/${site.id}/tokens`, { token, body });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.body.error.code).toBe("invalid_request");
    }
    const onDevice = await call("POST", `/api/meters/${device.id}/tokens`, { token, body: { name: "Plug" } });
    expect(onDevice.status).toBe(400);
    expect(onDevice.body.error.code).toBe("not_a_site_meter");
    expect(onDevice.body.error.message).toContain("site");
    expect(onDevice.body.error.message).toContain(site.id);
    expect((await call("GET", `/api/meters/${device.id}/tokens`, { token })).status).toBe(400);
  });

  it("another user's meter or token answers 404 like a missing one, and changes nothing", async () => {
    const a = await siteWithToken("owner");
    const b = await siteWithToken("other");
    const missingMeter = crypto.randomUUID();
    for (const meterId of [a.site.id, missingMeter, "not-a-uuid"]) {
      const create = await call("POST", `/api/meters/${meterId}/tokens`, { token: b.token, body: { name: "Stolen" } });
      expect(create.status, meterId).toBe(404);
      expect(create.body.error.message).toBe("Meter not found");
      expect((await call("GET", `/api/meters/${meterId}/tokens`, { token: b.token })).status).toBe(404);
      expect((await call("DELETE", `/api/meters/${meterId}/tokens/${a.writeToken.id}`, { token: b.token })).status).toBe(404);
    }
    // A's token id under B's own site: the same 404 as an id that never existed.
    const foreign = await call("DELETE", `/api/meters/${b.site.id}/tokens/${a.writeToken.id}`, { token: b.token });
    const missing = await call("DELETE", `/api/meters/${b.site.id}/tokens/${crypto.randomUUID()}`, { token: b.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    // A's token under A's other site is not found either: a token belongs to one site.
    const otherSite = await createMeter(a.token, { name: "Cottage" });
    expect((await call("DELETE", `/api/meters/${otherSite.id}/tokens/${a.writeToken.id}`, { token: a.token })).status).toBe(404);

    const listed = await call("GET", `/api/meters/${a.site.id}/tokens`, { token: a.token });
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).toEqual([a.writeToken.id]);
    expect((await postWithToken(a.site.id, a.writeToken.token, hourlyReadings(1))).status).toBe(200);
  });

  it("a revoked token gets 401 on its next write and leaves the list; revoking again is 404", async () => {
    const { token, site, writeToken } = await siteWithToken();
    expect((await postWithToken(site.id, writeToken.token, hourlyReadings(1))).status).toBe(200);
    const revoked = await call("DELETE", `/api/meters/${site.id}/tokens/${writeToken.id}`, { token });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ revoked: true });

    const refused = await postWithToken(site.id, writeToken.token, hourlyReadings(3));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("unauthorized");
    expect(await storedCount(token, site.id)).toBe(1);
    expect((await call("GET", `/api/meters/${site.id}/tokens`, { token })).body.tokens).toEqual([]);
    expect((await call("DELETE", `/api/meters/${site.id}/tokens/${writeToken.id}`, { token })).status).toBe(404);
  });

  it("reads nothing: every user route refuses it", async () => {
    const { site, writeToken } = await siteWithToken();
    for (const [method, path] of [
      ["GET", "/api/meters"],
      ["GET", `/api/meters/${site.id}`],
      ["GET", `/api/meters/${site.id}/tokens`],
      ["GET", `/api/meters/${site.id}/series?metric=power_w`],
      ["GET", "/api/tabs"],
    ]) {
      const result = await call(method, path, { token: writeToken.token });
      expect(result.status, path).toBe(401);
      expect(result.body.error.code).toBe("unauthorized");
    }
    const create = await call("POST", `/api/meters/${site.id}/tokens`, { token: writeToken.token, body: { name: "More" } });
    expect(create.status).toBe(401);
  });

  it("writes to the site's device meters, and to no other meter", async () => {
    const { token, site, device, writeToken } = await siteWithToken();
    const written = await postWithToken(device.id, writeToken.token, hourlyReadings(4));
    expect(written.body).toEqual({ accepted: 4, duplicates: 0 });
    expect(await storedCount(token, device.id)).toBe(4);
    expect(await storedCount(token, site.id)).toBe(0);

    const otherSite = await createMeter(token, { name: "Cottage" });
    const otherDevice = await createMeter(token, { name: "Kettle", kind: "device", parentId: otherSite.id });
    const someoneElses = (await siteWithToken("else")).site;
    const refusals = [otherSite.id, otherDevice.id, someoneElses.id, crypto.randomUUID(), "not-a-uuid"];
    const answers = await Promise.all(refusals.map((meterId) => postWithToken(meterId, writeToken.token, hourlyReadings(2))));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(answers[0].body);
    }
    expect(await storedCount(token, otherSite.id)).toBe(0);
    expect(await storedCount(token, otherDevice.id)).toBe(0);
  });

  it("the JSON webhook: bearer token or signature; a token of another site, a malformed or unknown one gets 401", async () => {
    const { token, site, writeToken } = await siteWithToken();
    const other = await siteWithToken("neighbour");
    const readings = hourlyReadings(3);
    // The last character changed to one it is not (a token ending in "A" once made this the token itself).
    const lastChanged = `${writeToken.token.slice(0, -1)}${writeToken.token.endsWith("A") ? "B" : "A"}`;
    for (const bad of [other.writeToken.token, lastChanged, "wbt_short", writeToken.token.toUpperCase()]) {
      const result = await postWithToken(site.id, bad, readings);
      expect(result.status, bad).toBe(401);
    }
    expect(await storedCount(token, site.id)).toBe(0);

    // The signature keeps working next to the tokens, and both write the same batch once.
    expect((await postReadings(site.id, site.webhook.secret, { readings })).body).toEqual({ accepted: 3, duplicates: 0 });
    expect((await postWithToken(site.id, writeToken.token, readings)).body).toEqual({ accepted: 0, duplicates: 3 });

    const invalid = await postWithToken(site.id, writeToken.token, [{ ts: "yesterday", power_w: 1 }]);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details[0].path).toBe("readings.0.ts");
    const notJson = await call("POST", `/api/ingest/${site.id}`, { token: writeToken.token, rawBody: "{" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("invalid_json");
    expect(await storedCount(token, site.id)).toBe(3);
  });
});

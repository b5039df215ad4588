import { describe, expect, it } from "vitest";
import { call, ownChartSpec, signIn } from "./helpers";

async function createTabs(token: string, titles: string[]) {
  const ids: string[] = [];
  for (const title of titles) {
    const result = await call("POST", "/api/tabs", { token, body: { title } });
    expect(result.status).toBe(201);
    ids.push(result.body.id);
  }
  return ids;
}

const titlesOf = async (token: string) => (await call("GET", "/api/tabs", { token })).body.tabs.map((t: { title: string }) => t.title);

describe("tabs: happy path", () => {
  it("creates tabs in order and lists them", async () => {
    const { token } = await signIn();
    expect((await call("GET", "/api/tabs", { token })).body).toEqual({ tabs: [] });
    const created = await call("POST", "/api/tabs", { token, body: { title: "  Home  " } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), title: "Home", position: 0 });
    await createTabs(token, ["EV", "Bills"]);
    const list = await call("GET", "/api/tabs", { token });
    expect(list.body.tabs.map((t: { title: string; position: number }) => [t.title, t.position])).toEqual([
      ["Home", 0],
      ["EV", 1],
      ["Bills", 2],
    ]);
  });

  it("reads one tab with its charts", async () => {
    const { token } = await signIn();
    const [tabId] = await createTabs(token, ["Home"]);
    const chart = await call("POST", "/api/charts", { token, body: { tabId, title: "Power", spec: await ownChartSpec(token) } });
    const result = await call("GET", `/api/tabs/${tabId}`, { token });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: tabId, title: "Home" });
    expect(result.body.charts.map((c: { id: string }) => c.id)).toEqual([chart.body.id]);
  });

  it("renames a tab", async () => {
    const { token } = await signIn();
    const [tabId] = await createTabs(token, ["Hoem"]);
    const result = await call("PATCH", `/api/tabs/${tabId}`, { token, body: { title: "Home" } });
    expect(result.status).toBe(200);
    expect(result.body.title).toBe("Home");
    expect(await titlesOf(token)).toEqual(["Home"]);
  });

  it("reorders: moving a tab shifts the others and keeps positions dense", async () => {
    const { token } = await signIn();
    const [a, , , d] = await createTabs(token, ["A", "B", "C", "D"]);
    expect((await call("PATCH", `/api/tabs/${d}`, { token, body: { position: 0 } })).body.position).toBe(0);
    expect(await titlesOf(token)).toEqual(["D", "A", "B", "C"]);
    expect((await call("PATCH", `/api/tabs/${a}`, { token, body: { position: 99 } })).body.position).toBe(3);
    expect(await titlesOf(token)).toEqual(["D", "B", "C", "A"]);
    const positions = (await call("GET", "/api/tabs", { token })).body.tabs.map((t: { position: number }) => t.position);
    expect(positions).toEqual([0, 1, 2, 3]);
  });

  it("deletes a tab together with its charts", async () => {
    const { token } = await signIn();
    const [keep, remove] = await createTabs(token, ["Keep", "Remove"]);
    const chart = await call("POST", "/api/charts", { token, body: { tabId: remove, title: "Gone", spec: await ownChartSpec(token) } });
    expect((await call("DELETE", `/api/tabs/${remove}`, { token })).status).toBe(200);
    expect((await call("GET", `/api/tabs/${remove}`, { token })).status).toBe(404);
    expect((await call("GET", `/api/charts/${chart.body.id}`, { token })).status).toBe(404);
    expect((await call("GET", "/api/tabs", { token })).body.tabs.map((t: { id: string }) => t.id)).toEqual([keep]);
  });
});

describe("tabs: invalid input gets 400 naming the field, and changes nothing", () => {
  it.each([
    ["an empty title", { title: "   " }, "title"],
    ["a title of 101 characters", { title: "x".repeat(101) }, "title"],
    ["a missing title", {}, "title"],
    ["a title that is not a string", { title: 42 }, "title"],
    ["an unknown field", { title: "ok", owner: "someone" }, "(root)"],
  ])("create with %s", async (_name, body, path) => {
    const { token } = await signIn();
    const result = await call("POST", "/api/tabs", { token, body });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("invalid_request");
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await titlesOf(token)).toEqual([]);
  });

  it("create with a body that is not JSON", async () => {
    const { token } = await signIn();
    const result = await call("POST", "/api/tabs", { token, rawBody: '{"title": "Home"' });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("invalid_json");
  });

  it.each([
    ["nothing to change", {}, "(root)"],
    ["a negative position", { position: -1 }, "position"],
    ["a fractional position", { position: 1.5 }, "position"],
    ["an empty title", { title: "" }, "title"],
  ])("update with %s", async (_name, body, path) => {
    const { token } = await signIn();
    const [tabId] = await createTabs(token, ["Home"]);
    const result = await call("PATCH", `/api/tabs/${tabId}`, { token, body });
    expect(result.status).toBe(400);
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await titlesOf(token)).toEqual(["Home"]);
  });
});

describe("tabs: another user's tab is indistinguishable from a missing one", () => {
  it("answers 404 to every route and leaves the tab untouched", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const [tabId] = await createTabs(owner.token, ["Private"]);
    const missingId = crypto.randomUUID();

    for (const id of [tabId, missingId]) {
      const responses = [
        await call("GET", `/api/tabs/${id}`, { token: intruder.token }),
        await call("PATCH", `/api/tabs/${id}`, { token: intruder.token, body: { title: "Mine now" } }),
        await call("PATCH", `/api/tabs/${id}`, { token: intruder.token, body: { position: 0 } }),
        await call("DELETE", `/api/tabs/${id}`, { token: intruder.token }),
      ];
      for (const response of responses) {
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ error: { code: "not_found", message: "Tab not found" } });
      }
    }
    expect((await call("GET", "/api/tabs", { token: intruder.token })).body.tabs).toEqual([]);
    const stillThere = await call("GET", `/api/tabs/${tabId}`, { token: owner.token });
    expect(stillThere.body.title).toBe("Private");
  });

  it("answers 404 for a malformed id rather than a database error", async () => {
    const { token } = await signIn();
    for (const id of ["not-a-uuid", "1", "'; drop table tabs; --"]) {
      const result = await call("GET", `/api/tabs/${encodeURIComponent(id)}`, { token });
      expect(result.status).toBe(404);
    }
  });

  it("requires a token", async () => {
    expect((await call("GET", "/api/tabs")).status).toBe(401);
    expect((await call("POST", "/api/tabs", { body: { title: "x" } })).status).toBe(401);
  });
});

import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { TOOL_CATALOG, type ToolName } from "../../../worker/chat/tools/catalog";
import { findTool } from "../../../worker/chat/tools/registry";
import { createShareOnce } from "../../../worker/shares/queries";
import { call, chartSpec, hourlyReadings, sign } from "../helpers";
import {
  fillPath,
  type Operation,
  ownedIds,
  type PopulatedUser,
  populatedUser,
  type RawResult,
  rawFetch,
  routeTable,
  withDb,
} from "./fixtures";

/**
 * User B tries every route that takes an id with every id user A owns, and must get exactly what
 * a missing id gets (same status, same body): nothing tells B that A's resource exists. The routes
 * come from the OpenAPI document, so a new route is tried as soon as it exists; it needs a sample
 * body below when its body is required (the test says so).
 */
const SAMPLE_BODIES: Record<string, unknown> = {
  "PATCH /api/tabs/{id}": { title: "Taken over" },
  "PATCH /api/charts/{id}": { title: "Taken over" },
  "PATCH /api/meters/{id}": { name: "Taken over" },
  "POST /api/meters/{id}/tokens": { name: "Taken over" },
  "POST /api/meters/{id}/runs/replays": { asOf: "2026-01-01T00:00:00Z" },
  "PATCH /api/agents/{id}": { name: "Taken over" },
  "PATCH /api/chat/sessions/{id}": { title: "Taken over" },
  "POST /api/chat/sessions/{id}/messages": { text: "/meters" },
  "POST /api/chat/permissions/{id}": { decision: "always" },
  "PATCH /api/tariffs/{id}": { name: "Taken over" },
  "PATCH /api/channels/{id}": { name: "Taken over" },
  "PUT /api/meters/{id}/report-schedule": { weekly: { weekday: 1, hour: 8 }, monthly: null },
  "PATCH /api/alert-rules/{id}": { name: "Taken over" },
  "PATCH /api/annotations/{id}": { text: "Taken over" },
  "PUT /api/tariffs/{id}/prices": "timestamp,price_per_kwh\n2026-01-01T00:00:00Z,0.25\n2026-01-01T00:30:00Z,0.30\n",
};

/** Routes whose id is not a user's resource id, tried elsewhere in this file or by their own tests. */
const NOT_USER_SCOPED = new Set([
  "POST /api/ingest/{meterId}",
  "GET /api/public/shares/{token}",
  "GET /api/public/shares/{token}/preview.svg",
  "GET /s/{token}",
  "GET /embed/{token}",
]);

const SHARE_TOKEN_LENGTH = 43;
const missingToken = () =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .slice(0, SHARE_TOKEN_LENGTH);

const key = (op: Operation) => `${op.method} ${op.path}`;

async function attempt(op: Operation, id: string, token: string): Promise<RawResult> {
  const sample = SAMPLE_BODIES[key(op)];
  // Deleting a meter needs ?confirm=<id>: a caller that means it sends it.
  const query = key(op) === "DELETE /api/meters/{id}" ? `?confirm=${id}` : "";
  return rawFetch(op.method, fillPath(op.path, Object.fromEntries(op.params.map((name) => [name, id]))) + query, {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": typeof sample === "string" ? "text/csv" : "application/json" },
    body: op.hasBody ? (typeof sample === "string" ? sample : JSON.stringify(sample ?? {})) : undefined,
  });
}

/** Status and body with the id that was tried replaced, so two answers can be compared. */
const shape = (result: RawResult, id: string) => ({ status: result.status, body: result.text.split(id).join("<id>") });

/** Everything A can read about their own data, to show that B's attempts changed none of it. */
async function snapshot(operations: Operation[], owner: PopulatedUser): Promise<Record<string, string>> {
  const { uuids, sessions, tokens } = ownedIds(owner);
  const reads: Record<string, string> = {};
  for (const op of operations.filter((o) => o.method === "GET" && o.authenticated)) {
    for (const id of op.params.length ? [...uuids, ...sessions, ...tokens] : [""]) {
      const result = await attempt(op, id, owner.token);
      // A relative series window moves with the clock; everything else must stay as it was.
      if (result.status === 200) reads[`${key(op)} ${id}`] = result.text.replace(/"(from|to)":"[^"]*"/g, "");
    }
  }
  return reads;
}

let operations: Operation[];
let a: PopulatedUser;
let b: PopulatedUser;

beforeAll(async () => {
  operations = await routeTable();
  [a, b] = await Promise.all([populatedUser("tenant-a"), populatedUser("tenant-b")]);
});

describe("cross-tenant matrix: another user's ids answer exactly like missing ones", () => {
  it("every route with an id, with every id A owns, as B", async () => {
    const before = await snapshot(operations, a);
    expect(Object.keys(before).length).toBeGreaterThan(15);
    const { uuids, sessions, tokens } = ownedIds(a);
    const tried: string[] = [];
    // Deletions last, so a leak in one would not hide a leak in another.
    const scoped = operations
      .filter((op) => op.params.length && op.authenticated && !NOT_USER_SCOPED.has(key(op)))
      .sort((x, y) => Number(x.method === "DELETE") - Number(y.method === "DELETE"));
    for (const op of scoped) {
      const isTokenRoute = op.params.includes("token");
      const missingId = isTokenRoute ? missingToken() : crypto.randomUUID();
      const missing = shape(await attempt(op, missingId, b.token), missingId);
      // A 400 would mean the request never reached the ownership check: give the route a sample body.
      expect(missing.status, `${key(op)} with a missing id: ${missing.body}`).toBe(404);
      for (const id of isTokenRoute ? tokens : [...uuids, ...sessions]) {
        expect(shape(await attempt(op, id, b.token), id), `${key(op)} with A's ${id}`).toEqual(missing);
        tried.push(key(op));
      }
    }
    expect(new Set(tried).size).toBeGreaterThanOrEqual(20);
    expect(await snapshot(operations, a)).toEqual(before);
  });

  it("B's lists and reads never show A's ids", async () => {
    const { uuids, sessions, tokens } = ownedIds(a);
    for (const op of operations.filter((o) => o.method === "GET" && o.authenticated && !o.params.length)) {
      const result = await attempt(op, "", b.token);
      for (const id of [...uuids, ...sessions, ...tokens]) expect(result.text, key(op)).not.toContain(id);
    }
  });

  it("A's ids inside B's request bodies and queries answer like missing ids", async () => {
    const before = await snapshot(operations, a);
    const bSpec = (meterIds: string[]) => chartSpec({ meterIds });
    // Each case: the request with A's id, and the same with a missing id.
    const cases: [string, string, string, (id: string) => { path: string; body?: unknown }][] = [
      ["chart on A's tab", "POST", a.tab.id, (id) => ({ path: "/api/charts", body: { tabId: id, title: "x", spec: bSpec([b.meter.id]) } })],
      [
        "chart on A's meter",
        "POST",
        a.meter.id,
        (id) => ({ path: "/api/charts", body: { tabId: b.tab.id, title: "x", spec: bSpec([id]) } }),
      ],
      [
        "chart of B's and A's meters",
        "POST",
        a.meter.id,
        (id) => ({ path: "/api/charts", body: { tabId: b.tab.id, title: "x", spec: bSpec([b.meter.id, id]) } }),
      ],
      ["B's chart moved to A's tab", "PATCH", a.tab.id, (id) => ({ path: `/api/charts/${b.chart.id}`, body: { tabId: id } })],
      ["B's chart pointed at A's meter", "PATCH", a.meter.id, (id) => ({ path: `/api/charts/${b.chart.id}`, body: { spec: bSpec([id]) } })],
      [
        "device under A's site",
        "POST",
        a.meter.id,
        (id) => ({ path: "/api/meters", body: { name: "x", timezone: "UTC", kind: "device", parentId: id } }),
      ],
      ["B's device moved under A's site", "PATCH", a.meter.id, (id) => ({ path: `/api/meters/${b.device.id}`, body: { parentId: id } })],
      ["share of A's chart", "POST", a.chart.id, (id) => ({ path: "/api/shares", body: { kind: "chart", id } })],
      ["share of A's tab", "POST", a.tab.id, (id) => ({ path: "/api/shares", body: { kind: "tab", id } })],
      [
        "annotation on A's meter",
        "POST",
        a.meter.id,
        (id) => ({ path: "/api/annotations", body: { meterId: id, text: "x", startsAt: "2026-03-01T00:00:00Z" } }),
      ],
      ["annotations of A's device", "GET", a.device.id, (id) => ({ path: `/api/annotations?meterId=${id}` })],
      ["series of A's meter", "GET", a.meter.id, (id) => ({ path: `/api/series?meterIds=${id}&window=last_24h` })],
      ["series of B's and A's meters", "GET", a.meter.id, (id) => ({ path: `/api/series?meterIds=${b.meter.id},${id}&window=last_24h` })],
      ["chat session with A's agent", "POST", a.agent.id, (id) => ({ path: "/api/chat/sessions", body: { agentId: id } })],
      [
        "B's session switched to A's agent",
        "PATCH",
        a.agent.id,
        (id) => ({ path: `/api/chat/sessions/${b.session.id}`, body: { agentId: id } }),
      ],
      [
        "chat message about A's tab",
        "POST",
        a.tab.id,
        (id) => ({ path: `/api/chat/sessions/${b.session.id}/messages`, body: { text: "/tabs", tabId: id } }),
      ],
      [
        "chat message with A's agent",
        "POST",
        a.agent.id,
        (id) => ({ path: `/api/chat/sessions/${b.session.id}/messages`, body: { text: "/tabs", agentId: id } }),
      ],
    ];
    for (const [name, method, aId, build] of cases) {
      const send = async (id: string) => {
        const { path, body } = build(id);
        return shape(
          await rawFetch(method, path, {
            headers: { Authorization: `Bearer ${b.token}`, "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
          id,
        );
      };
      const missing = await send(crypto.randomUUID());
      expect(missing.status, `${name}: ${missing.body}`).toBe(404);
      expect(await send(aId), name).toEqual(missing);
    }
    expect(await snapshot(operations, a)).toEqual(before);
  });

  it("A's meter signed with B's webhook secret answers like an unknown meter, and stores nothing", async () => {
    const body = JSON.stringify({ readings: hourlyReadings(2, Date.now() - 30 * 86_400_000) });
    const post = async (meterId: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const result = await rawFetch("POST", `/api/ingest/${meterId}`, {
        headers: {
          "Content-Type": "application/json",
          "X-Wattboard-Timestamp": timestamp,
          "X-Wattboard-Signature": await sign(b.meter.webhook.secret, timestamp, body),
        },
        body,
      });
      return shape(result, meterId);
    };
    const unknown = await post(crypto.randomUUID());
    expect(unknown.status).toBe(401);
    expect(await post(a.meter.id)).toEqual(unknown);
    const series = await rawFetch(
      "GET",
      `/api/meters/${a.meter.id}/series?from=2020-01-01T00:00:00Z&to=${new Date().toISOString()}&bucket=1mo`,
      { headers: { Authorization: `Bearer ${a.token}` } },
    );
    expect(JSON.parse(series.text).points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(0);
  });
});

describe("chat tools: A's ids in B's tool calls answer exactly like missing ids", () => {
  /** Every tool whose input takes an id, with each way it can: a new tool that takes one must be listed here. */
  const toolCases = (): [ToolName, string, string, (id: string) => unknown][] => [
    ["summarize_usage", "A's meter", a.meter.id, (id) => ({ meterId: id })],
    ["summarize_cost", "A's meter", a.meter.id, (id) => ({ meter: id })],
    ["rank_device_costs", "A's site", a.meter.id, (id) => ({ meter: id })],
    [
      "measure",
      "A's meter",
      a.meter.id,
      (id) => ({ meter: id, quantity: "energy", from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" }),
    ],
    ["query_series", "B's and A's meters", a.meter.id, (id) => ({ meterIds: [b.meter.id, id] })],
    ["create_chart", "on A's tab", a.tab.id, (id) => ({ tabId: id, title: "x", spec: chartSpec({ meterIds: [b.meter.id] }) })],
    ["create_chart", "of A's meter", a.meter.id, (id) => ({ tabId: b.tab.id, title: "x", spec: chartSpec({ meterIds: [id] }) })],
    ["create_chart", "of A's meter on a new tab", a.meter.id, (id) => ({ title: "x", spec: chartSpec({ meterIds: [id] }) })],
    ["update_chart", "A's chart", a.chart.id, (id) => ({ chartId: id, title: "Taken over" })],
    ["update_chart", "B's chart to A's tab", a.tab.id, (id) => ({ chartId: b.chart.id, tabId: id })],
    ["update_chart", "B's chart to A's meter", a.meter.id, (id) => ({ chartId: b.chart.id, spec: chartSpec({ meterIds: [id] }) })],
    ["delete_chart", "A's chart", a.chart.id, (id) => ({ chartId: id })],
    ["share", "A's chart", a.chart.id, (id) => ({ kind: "chart", id })],
    ["share", "A's tab", a.tab.id, (id) => ({ kind: "tab", id })],
    ["explain_plan", "A's meter", a.meter.id, (id) => ({ meterId: id })],
    ["set_goal", "A's meter", a.meter.id, (id) => ({ meterId: id, peakLimitKw: 1 })],
    ["set_battery", "A's meter", a.meter.id, (id) => ({ meterId: id, capacityKwh: 5 })],
    ["set_deferrable_load", "A's meter", a.meter.id, (id) => ({ meterId: id, name: "car", energyKwh: 5, toHour: 7 })],
    ["set_tariff", "A's meter", a.meter.id, (id) => ({ meterId: id, tariff: { kind: "flat", price: 0.1 } })],
    ["set_tariff", "A's tariff on B's meter", "tariff", (id) => ({ meterId: b.meter.id, tariff: { kind: "imported", tariffId: id } })],
    ["run_model", "A's meter", a.meter.id, (id) => ({ meterId: id })],
    ["create_alert_rule", "on A's meter", a.meter.id, (id) => ({ meterId: id, kind: "anomaly" })],
    ["add_annotation", "on A's meter", a.meter.id, (id) => ({ meter: id, text: "x", startsAt: "2026-03-01T00:00:00Z" })],
  ];

  it("every tool that takes an id, with A's id, as B", async () => {
    // A's imported tariff, for set_tariff.
    const imported = await rawFetch("POST", "/api/tariffs?name=Agile", {
      headers: { Authorization: `Bearer ${a.token}`, "Content-Type": "text/csv" },
      body: "timestamp,price_per_kwh\n2026-01-01T00:00:00Z,0.25\n2026-01-01T00:30:00Z,0.30\n",
    });
    expect(imported.status).toBe(201);
    const tariffId = JSON.parse(imported.text).id as string;
    const cases = toolCases().map(([name, what, aId, build]) => [name, what, aId === "tariff" ? tariffId : aId, build] as const);

    // Each tool whose input has an id field (a uuid, or a meter named by id) is tried here.
    const takesId = (name: ToolName) => /"format":"uuid"|"meter":/.test(JSON.stringify(z.toJSONSchema(TOOL_CATALOG[name].input)));
    const untried = (Object.keys(TOOL_CATALOG) as ToolName[]).filter((name) => takesId(name) && !cases.some(([tool]) => tool === name));
    expect(untried, "tools taking an id with no case here").toEqual([]);

    const before = await snapshot(operations, a);
    const tabsOfB = (await call("GET", "/api/tabs", { token: b.token })).body.tabs.length;
    await withDb(async (db) => {
      const context = {
        db,
        env,
        userId: b.userId,
        homeId: b.userId,
        role: "owner" as const,
        origin: "http://wattboard.test",
        sessionId: b.session.id,
        sessionTitle: "About power",
        messageId: crypto.randomUUID(),
        messageAt: new Date().toISOString(),
      };
      const outcome = async (name: ToolName, input: unknown, id: string) => {
        const tool = findTool(name)!;
        const error = await tool.run(context, tool.input.parse(input)).then(
          () => ({ status: 200, message: "succeeded" }),
          (e: { status?: number; message: string }) => ({ status: e.status, message: e.message }),
        );
        return { status: error.status, message: error.message.split(id).join("<id>") };
      };
      for (const [name, what, aId, build] of cases) {
        const missingId = crypto.randomUUID();
        const missing = await outcome(name, build(missingId), missingId);
        expect(missing.status, `${name} (${what}) with a missing id: ${missing.message}`).toBe(404);
        expect(await outcome(name, build(aId), aId), `${name} (${what})`).toEqual(missing);
      }
    });
    expect(await snapshot(operations, a)).toEqual(before);
    // No tab was left behind by a chart that could not be made.
    expect((await call("GET", "/api/tabs", { token: b.token })).body.tabs).toHaveLength(tabsOfB);
  });
});

describe("a pending permission request belongs to its user", () => {
  it("B answering A's request gets what a missing request gets, and A's answer is the one that counts", async () => {
    const { body } = await call("POST", "/api/ws/ticket", { token: a.token });
    const upgrade = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test/api/ws?ticket=${body.ticket}`, {
      headers: { Upgrade: "websocket" },
    });
    const socket = upgrade.webSocket!;
    socket.accept();
    const requests: string[] = [];
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data as string);
      if (message.type === "permission.request") requests.push(message.payload.id);
    });
    // The Optimizer asks before creating a chart.
    const turn = call("POST", `/api/chat/sessions/${a.session.id}/messages`, {
      token: a.token,
      body: { text: "/chart power site last 24h", tabId: a.tab.id, agentId: "optimizer" },
    });
    for (let i = 0; i < 250 && !requests.length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests).toHaveLength(1);

    const answer = (token: string, id: string) => call("POST", `/api/chat/permissions/${id}`, { token, body: { decision: "always" } });
    const missing = await answer(b.token, crypto.randomUUID());
    const foreign = await answer(b.token, requests[0]);
    expect(missing.status).toBe(404);
    expect({ status: foreign.status, body: foreign.body }).toEqual({ status: missing.status, body: missing.body });

    expect((await call("POST", `/api/chat/permissions/${requests[0]}`, { token: a.token, body: { decision: "deny" } })).status).toBe(200);
    expect((await turn).body.toolCalls[0]).toMatchObject({ decision: "deny" });
    socket.close(1000);
  });
});

describe("share tokens: revoked, expired and never issued are indistinguishable", () => {
  const publicReads = (token: string) => [
    `/api/public/shares/${token}`,
    `/api/public/shares/${token}/preview.svg`,
    `/api/public/oembed?url=${encodeURIComponent(`http://wattboard.test/s/${token}`)}`,
    `/s/${token}`,
    `/embed/${token}`,
  ];

  it("public reads of each answer the same as a token that never existed", async () => {
    // A tab of its own, so A's other links stay live (a target has one unrevoked link).
    const tabId = (await call("POST", "/api/tabs", { token: a.token, body: { title: "Shared once" } })).body.id as string;
    const revoked = (
      await rawFetch("POST", "/api/shares", {
        headers: { Authorization: `Bearer ${a.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ kind: "tab", id: tabId }),
      })
    ).text;
    const revokedToken = JSON.parse(revoked).token as string;
    expect((await rawFetch("DELETE", `/api/shares/${revokedToken}`, { headers: { Authorization: `Bearer ${a.token}` } })).status).toBe(200);
    const expired = await withDb((db) =>
      createShareOnce(db, {
        ownerId: a.userId,
        kind: "tab",
        targetId: tabId,
        viewerMayChangeRange: false,
        showAnnotations: false,
        expiresAt: new Date(Date.now() - 60_000),
      }),
    );
    const ip = { "CF-Connecting-IP": `2001:db8:5::${crypto.randomUUID().slice(0, 4)}` };

    const never = missingToken();
    for (const [i, path] of publicReads(never).entries()) {
      const expected = shape(await rawFetch("GET", path, { headers: ip }), never);
      expect(expected.status, path).toBe(404);
      for (const token of [revokedToken, expired.token]) {
        expect(
          shape(await rawFetch("GET", publicReads(token)[i], { headers: ip }), token),
          `${path} for ${token === revokedToken ? "revoked" : "expired"}`,
        ).toEqual(expected);
      }
    }
  });

  it("B cannot revoke or list A's links, and A's links keep working", async () => {
    const asB = { Authorization: `Bearer ${b.token}` };
    for (const token of [a.chartShare.token, a.tabShare.token]) {
      const never = missingToken();
      expect(shape(await rawFetch("DELETE", `/api/shares/${token}`, { headers: asB }), token)).toEqual(
        shape(await rawFetch("DELETE", `/api/shares/${never}`, { headers: asB }), never),
      );
      expect((await rawFetch("GET", `/api/public/shares/${token}`, { headers: { "CF-Connecting-IP": "2001:db8:6::1" } })).status).toBe(200);
    }
    const list = JSON.parse((await rawFetch("GET", "/api/shares", { headers: asB })).text);
    expect(list.shares.map((s: { token: string }) => s.token).sort()).toEqual([b.chartShare.token, b.tabShare.token].sort());
  });
});

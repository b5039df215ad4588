import { beforeAll, describe, expect, it } from "vitest";
import { call, joinHome, RELATIVE_24H, sharedHome, signIn } from "../helpers";
import { type Operation, routeTable } from "./fixtures";

/**
 * Every route that acts on a home's data, for each role: owner, editor, viewer, and a person who is
 * not a member. Reads answer members (2xx) and 404 to a non-member; changes answer owners and
 * editors, 403 naming the role to a viewer, 404 to a non-member; member and audit management
 * answer owners only. Routes by id are called without a `home` parameter: a member reaches a
 * home's row by its id alone.
 */
type Level = "read" | "edit" | "owner";
type Person = "owner" | "editor" | "viewer" | "stranger";

interface Fixture {
  homeId: string;
  home: string;
  tokens: Record<Person, string>;
  userIds: Record<Person, string>;
  meterId: string;
  tabId: string;
  chartId: string;
  ruleId: string;
  writeTokenId: string;
  /** Makes a fresh row as the owner, for a route that deletes it. */
  fresh: {
    tab(): Promise<string>;
    chart(): Promise<string>;
    meter(): Promise<string>;
    rule(): Promise<string>;
    writeToken(): Promise<string>;
    share(): Promise<string>;
    member(): Promise<string>;
    /** A home of its own with the same owner, editor and viewer. */
    home(): Promise<string>;
  };
}

interface Case {
  route: string;
  level: Level;
  request(f: Fixture): Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
}

const spec = (meterId: string) => ({ meterIds: [meterId], metric: "power_w", window: RELATIVE_24H });

const CASES: Case[] = [
  { route: "GET /api/tabs", level: "read", request: (f) => ({ path: `/api/tabs?${f.home}` }) },
  { route: "POST /api/tabs", level: "edit", request: (f) => ({ path: `/api/tabs?${f.home}`, body: { title: "New" } }) },
  { route: "GET /api/tabs/{id}", level: "read", request: (f) => ({ path: `/api/tabs/${f.tabId}` }) },
  { route: "PATCH /api/tabs/{id}", level: "edit", request: (f) => ({ path: `/api/tabs/${f.tabId}`, body: { title: "Renamed" } }) },
  { route: "DELETE /api/tabs/{id}", level: "edit", request: async (f) => ({ path: `/api/tabs/${await f.fresh.tab()}` }) },
  {
    route: "POST /api/charts",
    level: "edit",
    request: (f) => ({ path: `/api/charts?${f.home}`, body: { tabId: f.tabId, title: "More", spec: spec(f.meterId) } }),
  },
  { route: "GET /api/charts/{id}", level: "read", request: (f) => ({ path: `/api/charts/${f.chartId}` }) },
  { route: "PATCH /api/charts/{id}", level: "edit", request: (f) => ({ path: `/api/charts/${f.chartId}`, body: { title: "Renamed" } }) },
  { route: "DELETE /api/charts/{id}", level: "edit", request: async (f) => ({ path: `/api/charts/${await f.fresh.chart()}` }) },
  { route: "GET /api/meters", level: "read", request: (f) => ({ path: `/api/meters?${f.home}` }) },
  {
    route: "POST /api/meters",
    level: "edit",
    request: (f) => ({ path: `/api/meters?${f.home}`, body: { name: "Another", timezone: "Europe/London" } }),
  },
  { route: "GET /api/meters/{id}", level: "read", request: (f) => ({ path: `/api/meters/${f.meterId}` }) },
  { route: "PATCH /api/meters/{id}", level: "edit", request: (f) => ({ path: `/api/meters/${f.meterId}`, body: { name: "Renamed" } }) },
  { route: "POST /api/meters/{id}/webhook/rotate", level: "edit", request: (f) => ({ path: `/api/meters/${f.meterId}/webhook/rotate` }) },
  {
    route: "DELETE /api/meters/{id}",
    level: "edit",
    request: async (f) => {
      const id = await f.fresh.meter();
      return { path: `/api/meters/${id}?confirm=${id}` };
    },
  },
  { route: "GET /api/meters/{id}/series", level: "read", request: (f) => ({ path: `/api/meters/${f.meterId}/series?metric=power_w` }) },
  { route: "GET /api/meters/{id}/summary", level: "read", request: (f) => ({ path: `/api/meters/${f.meterId}/summary` }) },
  { route: "GET /api/meters/{id}/tokens", level: "read", request: (f) => ({ path: `/api/meters/${f.meterId}/tokens` }) },
  {
    route: "POST /api/meters/{id}/tokens",
    level: "edit",
    request: (f) => ({ path: `/api/meters/${f.meterId}/tokens`, body: { name: "HA" } }),
  },
  {
    route: "DELETE /api/meters/{id}/tokens/{tokenId}",
    level: "edit",
    request: async (f) => ({ path: `/api/meters/${f.meterId}/tokens/${await f.fresh.writeToken()}` }),
  },
  { route: "GET /api/meters/{id}/report-schedule", level: "read", request: (f) => ({ path: `/api/meters/${f.meterId}/report-schedule` }) },
  {
    route: "PUT /api/meters/{id}/report-schedule",
    level: "edit",
    request: (f) => ({ path: `/api/meters/${f.meterId}/report-schedule`, body: { weekly: { weekday: 1, hour: 8 }, monthly: null } }),
  },
  { route: "GET /api/meters/{id}/ignored-fields", level: "read", request: (f) => ({ path: `/api/meters/${f.meterId}/ignored-fields` }) },
  { route: "GET /api/alert-rules", level: "read", request: (f) => ({ path: `/api/alert-rules?${f.home}` }) },
  {
    route: "POST /api/alert-rules",
    level: "edit",
    request: (f) => ({
      path: `/api/alert-rules?${f.home}`,
      body: { meterId: f.meterId, kind: "threshold", metric: "power_w", op: "above", value: 5000, for: "PT5M", channels: [] },
    }),
  },
  { route: "GET /api/alert-rules/{id}", level: "read", request: (f) => ({ path: `/api/alert-rules/${f.ruleId}` }) },
  {
    route: "PATCH /api/alert-rules/{id}",
    level: "edit",
    request: (f) => ({ path: `/api/alert-rules/${f.ruleId}`, body: { name: "Renamed" } }),
  },
  { route: "DELETE /api/alert-rules/{id}", level: "edit", request: async (f) => ({ path: `/api/alert-rules/${await f.fresh.rule()}` }) },
  { route: "GET /api/shares", level: "read", request: (f) => ({ path: `/api/shares?${f.home}` }) },
  { route: "POST /api/shares", level: "edit", request: (f) => ({ path: `/api/shares?${f.home}`, body: { kind: "tab", id: f.tabId } }) },
  { route: "DELETE /api/shares/{token}", level: "edit", request: async (f) => ({ path: `/api/shares/${await f.fresh.share()}` }) },
  { route: "GET /api/tariffs", level: "read", request: (f) => ({ path: `/api/tariffs?${f.home}` }) },
  { route: "GET /api/data-retention", level: "read", request: (f) => ({ path: `/api/data-retention?${f.home}` }) },
  { route: "PUT /api/data-retention", level: "edit", request: (f) => ({ path: `/api/data-retention?${f.home}`, body: { rawDays: 400 } }) },
  { route: "GET /api/homes/{id}/members", level: "read", request: (f) => ({ path: `/api/homes/${f.homeId}/members` }) },
  { route: "PATCH /api/homes/{id}", level: "owner", request: (f) => ({ path: `/api/homes/${f.homeId}`, body: { name: "Flat 3b" } }) },
  {
    route: "POST /api/homes/{id}/invites",
    level: "owner",
    request: (f) => ({ path: `/api/homes/${f.homeId}/invites`, body: { role: "viewer" } }),
  },
  { route: "GET /api/homes/{id}/audit", level: "owner", request: (f) => ({ path: `/api/homes/${f.homeId}/audit` }) },
  {
    route: "PATCH /api/homes/{id}/members/{userId}",
    level: "owner",
    request: (f) => ({ path: `/api/homes/${f.homeId}/members/${f.userIds.editor}`, body: { role: "editor" } }),
  },
  { route: "DELETE /api/homes/{id}", level: "owner", request: async (f) => ({ path: `/api/homes/${await f.fresh.home()}` }) },
  {
    route: "DELETE /api/homes/{id}/members/{userId}",
    level: "owner",
    request: async (f) => ({ path: `/api/homes/${f.homeId}/members/${await f.fresh.member()}` }),
  },
];

/** What each person gets, by level. */
const EXPECTED: Record<Level, Record<Person, "ok" | 403 | 404>> = {
  read: { owner: "ok", editor: "ok", viewer: "ok", stranger: 404 },
  edit: { owner: "ok", editor: "ok", viewer: 403, stranger: 404 },
  owner: { owner: "ok", editor: 403, viewer: 403, stranger: 404 },
};

let f: Fixture;
let operations: Operation[];

beforeAll(async () => {
  operations = await routeTable();
  const { homeId, home, owner, members } = await sharedHome(["editor", "viewer"]);
  const stranger = await signIn("stranger");
  const as = owner.token;
  const post = async (path: string, body: unknown) => {
    const result = await call("POST", path, { token: as, body });
    if (result.status !== 201) throw new Error(`${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  };
  const meterId = (await post(`/api/meters?${home}`, { name: "Flat", timezone: "Europe/London" })).id;
  const tabId = (await post(`/api/tabs?${home}`, { title: "Flat" })).id;
  const newRule = async () =>
    (
      await post(`/api/alert-rules?${home}`, {
        meterId,
        kind: "threshold",
        metric: "power_w",
        op: "above",
        value: 7000,
        for: "PT10M",
        channels: [],
      })
    ).id;
  f = {
    homeId,
    home,
    tokens: { owner: owner.token, editor: members.editor.token, viewer: members.viewer.token, stranger: stranger.token },
    userIds: { owner: owner.userId, editor: members.editor.userId, viewer: members.viewer.userId, stranger: stranger.userId },
    meterId,
    tabId,
    chartId: (await post(`/api/charts?${home}`, { tabId, title: "Power", spec: spec(meterId) })).id,
    ruleId: await newRule(),
    writeTokenId: (await post(`/api/meters/${meterId}/tokens`, { name: "HA" })).id,
    fresh: {
      tab: async () => (await post(`/api/tabs?${home}`, { title: "Fresh" })).id,
      chart: async () => (await post(`/api/charts?${home}`, { tabId, title: "Fresh", spec: spec(meterId) })).id,
      meter: async () => (await post(`/api/meters?${home}`, { name: "Fresh", timezone: "Europe/London" })).id,
      rule: newRule,
      writeToken: async () => (await post(`/api/meters/${meterId}/tokens`, { name: "Fresh" })).id,
      share: async () =>
        (
          await post(`/api/shares?${home}`, {
            kind: "chart",
            id: (await post(`/api/charts?${home}`, { tabId, title: "Shared", spec: spec(meterId) })).id,
          })
        ).token,
      member: async () => {
        const person = await signIn("member");
        const invite = await post(`/api/homes/${homeId}/invites`, { role: "viewer" });
        await call("POST", `/api/invites/${invite.token}/accept`, { token: person.token });
        return person.userId;
      },
      home: async () => {
        const id = (await post("/api/homes", { name: "Spare" })).id;
        await joinHome(as, id, members.editor.token, "editor");
        await joinHome(as, id, members.viewer.token, "viewer");
        return id;
      },
    },
  };
});

describe("home roles: every route of a home's data, for each role", () => {
  for (const person of ["stranger", "viewer", "editor", "owner"] as const)
    it(`as ${person === "stranger" ? "a non-member" : `the ${person}`}`, async () => {
      const failures: string[] = [];
      for (const c of CASES) {
        const [method] = c.route.split(" ");
        const { path, body } = await c.request(f);
        const result = await call(method, path, { token: f.tokens[person], body });
        const expected = EXPECTED[c.level][person];
        const ok = expected === "ok" ? result.status >= 200 && result.status < 300 : result.status === expected;
        if (!ok) failures.push(`${c.route}: expected ${expected}, got ${result.status} ${JSON.stringify(result.body)}`);
        // A viewer's (or editor's) refusal names the role the change needs.
        if (expected === 403 && result.status === 403) {
          const needed = c.level === "owner" ? "owner" : "editor";
          if (!result.body.error.message.includes(needed)) failures.push(`${c.route}: the 403 does not name the ${needed} role`);
        }
      }
      expect(failures).toEqual([]);
    });

  it("lists every route of the homes API", () => {
    const listed = new Set(CASES.map((c) => c.route));
    const homeRoutes = operations.map((op) => `${op.method} ${op.path}`).filter((route) => route.includes("/api/homes/{id}"));
    expect(homeRoutes.filter((route) => !listed.has(route))).toEqual([]);
  });
});

import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { ACCESS_CHANGED_CLOSE } from "../../durable-objects/user-hub/live-contract";
import { connectDatabase } from "../../worker/db/client";
import type { Env } from "../../worker/env";
import { emailInvite } from "../../worker/homes/service";
import { call, joinHome, postReadings, RELATIVE_24H, sharedHome, signIn } from "./helpers";

async function openSocket(token: string) {
  const ticket = (await call("POST", "/api/ws/ticket", { token })).body.ticket as string;
  const response = await (exports as { default: Fetcher }).default.fetch(
    `http://wattboard.test/api/ws?ticket=${encodeURIComponent(ticket)}`,
    {
      headers: { Upgrade: "websocket" },
    },
  );
  const socket = response.webSocket!;
  socket.accept();
  const messages: { type: string; payload: any }[] = [];
  const closed = new Promise<number>((resolve) => socket.addEventListener("close", (event) => resolve(event.code)));
  socket.addEventListener("message", (event) => messages.push(JSON.parse(event.data as string)));
  return {
    socket,
    closed,
    async waitFor(predicate: (m: { type: string; payload: any }) => boolean) {
      for (let i = 0; i < 200; i++) {
        const found = messages.find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
    },
  };
}

async function withDb<T>(work: (db: ReturnType<typeof connectDatabase>["db"]) => Promise<T>): Promise<T> {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    return await work(connection.db);
  } finally {
    await connection.close();
  }
}

describe("homes", () => {
  it("every person has a personal home whose id is theirs, and the old routes work in it unchanged", async () => {
    const { token, userId } = await signIn();
    const homes = await call("GET", "/api/homes", { token });
    expect(homes.status).toBe(200);
    expect(homes.body).toEqual([{ id: userId, name: "My home", role: "owner", personal: true }]);
    const tab = await call("POST", "/api/tabs", { token, body: { title: "Mine" } });
    expect(tab.status).toBe(201);
    expect((await call("GET", `/api/tabs?home=${userId}`, { token })).body.tabs.map((t: { id: string }) => t.id)).toEqual([tab.body.id]);
    expect((await call("DELETE", `/api/homes/${userId}`, { token })).status).toBe(409);
    expect((await call("DELETE", `/api/homes/${userId}/members/${userId}`, { token })).status).toBe(409);
  });

  it("members share a home's tabs; a viewer reads them and is told which role a change needs", async () => {
    const { homeId, home, owner, members } = await sharedHome();
    const tab = await call("POST", `/api/tabs?${home}`, { token: owner.token, body: { title: "Together" } });
    expect(tab.status).toBe(201);
    // Not in anyone's personal home…
    expect((await call("GET", "/api/tabs", { token: owner.token })).body.tabs).toEqual([]);
    // …but every member reads it, by listing the home or by id alone.
    for (const person of [owner, members.editor, members.viewer]) {
      expect((await call("GET", `/api/tabs?${home}`, { token: person.token })).body.tabs.map((t: { id: string }) => t.id)).toEqual([
        tab.body.id,
      ]);
      expect((await call("GET", `/api/tabs/${tab.body.id}`, { token: person.token })).status).toBe(200);
    }
    expect((await call("PATCH", `/api/tabs/${tab.body.id}`, { token: members.editor.token, body: { title: "Renamed" } })).status).toBe(200);
    const refused = await call("PATCH", `/api/tabs/${tab.body.id}`, { token: members.viewer.token, body: { title: "Mine now" } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect(refused.body.error.message).toContain("editor");
    const homes = (await call("GET", "/api/homes", { token: members.viewer.token })).body;
    expect(homes).toContainEqual({ id: homeId, name: "Flat 3", role: "viewer", personal: false });
  });

  it("a non-member gets 404 on everything of the home, exactly like a missing home", async () => {
    const { homeId, home, owner } = await sharedHome([]);
    const tab = (await call("POST", `/api/tabs?${home}`, { token: owner.token, body: { title: "Private" } })).body;
    const stranger = await signIn("stranger");
    const missing = await call("GET", `/api/tabs?home=${crypto.randomUUID()}`, { token: stranger.token });
    expect(missing.status).toBe(404);
    expect(await call("GET", `/api/tabs?${home}`, { token: stranger.token })).toMatchObject({ status: 404, body: missing.body });
    expect((await call("GET", `/api/tabs/${tab.id}`, { token: stranger.token })).status).toBe(404);
    expect((await call("GET", `/api/homes/${homeId}/members`, { token: stranger.token })).status).toBe(404);
    expect((await call("GET", "/api/tabs?home=not-a-uuid", { token: stranger.token })).status).toBe(404);
  });

  it("an invite is single use and expires after 7 days: 410 then", async () => {
    const { homeId, owner } = await sharedHome([]);
    const invite = await call("POST", `/api/homes/${homeId}/invites`, { token: owner.token, body: { role: "editor" } });
    expect(invite.status).toBe(201);
    expect(invite.body.url).toBe(`http://wattboard.test/invite/${invite.body.token}`);
    expect(Date.parse(invite.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3_600_000);
    const first = await signIn("first");
    expect(await call("POST", `/api/invites/${invite.body.token}/accept`, { token: first.token })).toMatchObject({
      status: 200,
      body: { homeId, role: "editor" },
    });
    const second = await signIn("second");
    const used = await call("POST", `/api/invites/${invite.body.token}/accept`, { token: second.token });
    expect(used.status).toBe(410);

    const later = await call("POST", `/api/homes/${homeId}/invites`, { token: owner.token, body: { role: "viewer" } });
    await withDb((db) =>
      db.execute(`UPDATE home_invites SET expires_at = now() - interval '1 second' WHERE home_id = '${homeId}' AND used_at IS NULL`),
    );
    expect((await call("POST", `/api/invites/${later.body.token}/accept`, { token: second.token })).status).toBe(410);
    expect((await call("POST", `/api/invites/${"x".repeat(43)}/accept`, { token: second.token })).status).toBe(404);
    const badRole = await call("POST", `/api/homes/${homeId}/invites`, { token: owner.token, body: { role: "admin" } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details[0].path).toBe("role");
  });

  it("with Supabase configured, an invite given an address is also sent by Supabase's invite e-mail", async () => {
    const key = crypto.randomUUID();
    const receiver = inject("receiverUrl");
    const supabase = { ...(env as Env), SUPABASE_URL: `${receiver}/in/${key}`, SUPABASE_SERVICE_ROLE_KEY: "service-role-key" };
    const link = "http://wattboard.test/invite/abc";
    expect(await emailInvite(supabase, "new@example.test", link)).toBe(true);
    const [sent] = (await (await fetch(`${receiver}/requests/${key}`)).json()) as {
      path: string;
      headers: Record<string, string>;
      body: string;
    }[];
    expect(sent.path).toBe(`/in/${key}/auth/v1/invite?redirect_to=${encodeURIComponent(link)}`);
    expect(sent.headers).toMatchObject({ apikey: "service-role-key", authorization: "Bearer service-role-key" });
    expect(JSON.parse(sent.body)).toEqual({ email: "new@example.test" });
    // Without Supabase (dev sign-in, as here) nothing is sent and the link is only shown.
    expect(await emailInvite(env as Env, "new@example.test", link)).toBe(false);
    const { homeId, owner } = await sharedHome([]);
    const invite = await call("POST", `/api/homes/${homeId}/invites`, {
      token: owner.token,
      body: { role: "viewer", email: "new@example.test" },
    });
    expect(invite).toMatchObject({ status: 201, body: { emailed: false } });
    const bad = await call("POST", `/api/homes/${homeId}/invites`, {
      token: owner.token,
      body: { role: "viewer", email: "not an address" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("email");
  });

  it("the last owner can neither leave nor be demoted (409); with a second owner they can", async () => {
    const { homeId, owner, members } = await sharedHome(["editor"]);
    expect((await call("DELETE", `/api/homes/${homeId}/members/${owner.userId}`, { token: owner.token })).status).toBe(409);
    expect(
      (await call("PATCH", `/api/homes/${homeId}/members/${owner.userId}`, { token: owner.token, body: { role: "viewer" } })).status,
    ).toBe(409);
    expect(
      (
        await call("PATCH", `/api/homes/${homeId}/members/${members.editor.userId}`, {
          token: members.editor.token,
          body: { role: "owner" },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call("PATCH", `/api/homes/${homeId}/members/${members.editor.userId}`, { token: owner.token, body: { role: "owner" } })).body
        .role,
    ).toBe("owner");
    expect((await call("DELETE", `/api/homes/${homeId}/members/${owner.userId}`, { token: owner.token })).status).toBe(200);
    expect((await call("GET", `/api/homes/${homeId}/members`, { token: owner.token })).status).toBe(404);
    const left = (await call("GET", `/api/homes/${homeId}/members`, { token: members.editor.token })).body;
    expect(left.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([[members.editor.userId, "owner"]]);
  });

  it("an owner deletes a home with everything in it", async () => {
    const { homeId, home, owner, members } = await sharedHome(["editor"]);
    const tab = (await call("POST", `/api/tabs?${home}`, { token: owner.token, body: { title: "Gone soon" } })).body;
    expect((await call("DELETE", `/api/homes/${homeId}`, { token: members.editor.token })).status).toBe(403);
    expect((await call("DELETE", `/api/homes/${homeId}`, { token: owner.token })).status).toBe(200);
    expect((await call("GET", `/api/tabs/${tab.id}`, { token: owner.token })).status).toBe(404);
    expect((await call("GET", "/api/homes", { token: members.editor.token })).body.map((h: { id: string }) => h.id)).not.toContain(homeId);
  });

  it("a member's change to a tab or a chart reaches the other members' sockets", async () => {
    const { home, owner, members } = await sharedHome(["editor", "viewer"]);
    const meter = (await call("POST", `/api/meters?${home}`, { token: owner.token, body: { name: "Flat", timezone: "Europe/London" } }))
      .body;
    const tab = (await call("POST", `/api/tabs?${home}`, { token: owner.token, body: { title: "Live" } })).body;
    const viewerSocket = await openSocket(members.viewer.token);
    const ownerSocket = await openSocket(owner.token);
    const chart = await call("POST", `/api/charts?${home}`, {
      token: members.editor.token,
      body: { tabId: tab.id, title: "Power", spec: { meterIds: [meter.id], metric: "power_w", window: RELATIVE_24H } },
    });
    expect(chart.status).toBe(201);
    for (const socket of [viewerSocket, ownerSocket]) {
      const event = await socket.waitFor((m) => m.type === "home.changed" && m.payload.id === chart.body.id);
      expect(event.payload).toMatchObject({ kind: "chart", action: "created", tabId: tab.id, by: members.editor.userId });
    }
    await call("PATCH", `/api/tabs/${tab.id}`, { token: members.editor.token, body: { title: "Renamed live" } });
    await viewerSocket.waitFor((m) => m.type === "home.changed" && m.payload.kind === "tab" && m.payload.action === "updated");
    viewerSocket.socket.close();
    ownerSocket.socket.close();
  });

  it("a note made or deleted by one member reaches the other members' sockets, for the meter's charts to redraw", async () => {
    const { home, owner, members } = await sharedHome(["editor"]);
    const meter = (await call("POST", `/api/meters?${home}`, { token: owner.token, body: { name: "Flat", timezone: "Europe/London" } }))
      .body;
    const ownerSocket = await openSocket(owner.token);
    const note = await call("POST", `/api/annotations?${home}`, {
      token: members.editor.token,
      body: { meterId: meter.id, kind: "note", text: "Heat pump installed", startsAt: new Date().toISOString() },
    });
    expect(note.status).toBe(201);
    const made = await ownerSocket.waitFor((m) => m.type === "home.changed" && m.payload.id === note.body.id);
    expect(made.payload).toMatchObject({ kind: "annotation", action: "created", meterId: meter.id, by: members.editor.userId });
    expect((await call("DELETE", `/api/annotations/${note.body.id}`, { token: members.editor.token })).status).toBe(200);
    await ownerSocket.waitFor(
      (m) => m.type === "home.changed" && m.payload.id === note.body.id && m.payload.action === "deleted" && m.payload.meterId === meter.id,
    );
    ownerSocket.socket.close();
  });

  it("an alert of a home's rule reaches every member's own inbox; a rule lists only its maker's channels", async () => {
    const { home, owner, members } = await sharedHome(["viewer"]);
    const receiver = inject("receiverUrl");
    const key = crypto.randomUUID();
    // The viewer's own channel: personal, so the owner cannot put it on the home's rule.
    const channel = (
      await call("POST", "/api/channels", {
        token: members.viewer.token,
        body: { kind: "ntfy", name: "Phone", url: `${receiver}/in/${key}/topic` },
      })
    ).body;
    const meter = (await call("POST", `/api/meters?${home}`, { token: owner.token, body: { name: "Garage", timezone: "UTC" } })).body;
    const rule = await call("POST", `/api/alert-rules?${home}`, {
      token: owner.token,
      body: { meterId: meter.id, kind: "threshold", metric: "power_w", op: "above", value: 2000, for: "PT5M", channels: [] },
    });
    expect(rule.status).toBe(201);
    // An editor can only route a rule to their own channels: the owner cannot list the viewer's (400), the viewer cannot change the rule (403).
    expect((await call("PATCH", `/api/alert-rules/${rule.body.id}`, { token: owner.token, body: { channels: [channel.id] } })).status).toBe(
      400,
    );
    expect(
      (await call("PATCH", `/api/alert-rules/${rule.body.id}`, { token: members.viewer.token, body: { channels: [channel.id] } })).status,
    ).toBe(403);
    const start = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
    const readings = Array.from({ length: 8 }, (_, i) => ({ ts: new Date(start + i * 60_000).toISOString(), power_w: 2500 }));
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);
    const inboxOf = async (token: string) =>
      (await call("GET", "/api/notifications?limit=100", { token })).body.notifications.filter(
        (n: { kind: string; meterId: string }) => n.kind === "alert_firing" && n.meterId === meter.id,
      );
    for (const person of [owner, members.viewer]) {
      let told: unknown[] = [];
      for (let i = 0; i < 300 && told.length === 0; i++) {
        told = await inboxOf(person.token);
        if (told.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(told).toHaveLength(1);
    }
  });

  it("removing a member closes their open sockets at once and refuses their unused tickets", async () => {
    const { homeId, owner, members } = await sharedHome(["editor"]);
    const socket = await openSocket(members.editor.token);
    const unused = (await call("POST", "/api/ws/ticket", { token: members.editor.token })).body.ticket as string;
    expect((await call("DELETE", `/api/homes/${homeId}/members/${members.editor.userId}`, { token: owner.token })).status).toBe(200);
    expect(await socket.closed).toBe(ACCESS_CHANGED_CLOSE);
    const upgrade = await (exports as { default: Fetcher }).default.fetch(
      `http://wattboard.test/api/ws?ticket=${encodeURIComponent(unused)}`,
      {
        headers: { Upgrade: "websocket" },
      },
    );
    expect(upgrade.status).toBe(401);
    expect((await call("GET", `/api/homes/${homeId}/members`, { token: members.editor.token })).status).toBe(404);
    // A removed member can join again only with a new invite.
    await joinHome(owner.token, homeId, members.editor.token, "viewer");
    expect((await call("GET", `/api/homes/${homeId}/members`, { token: members.editor.token })).status).toBe(200);
  });

  it("a viewer's chat answers but changes nothing; an editor's chat changes the home", async () => {
    const { home, owner, members } = await sharedHome(["editor", "viewer"]);
    await call("POST", `/api/tabs?${home}`, { token: owner.token, body: { title: "Existing" } });
    const ask = async (token: string, text: string) => {
      const session = (await call("POST", "/api/chat/sessions", { token, body: {} })).body;
      return call("POST", `/api/chat/sessions/${session.id}/messages?${home}`, { token, body: { text } });
    };
    const viewer = await ask(members.viewer.token, "create a new tab called Solar");
    expect(viewer.status).toBe(200);
    expect(viewer.body.toolCalls).toEqual([expect.objectContaining({ tool: "create_tab", decision: "deny", result: null })]);
    expect(JSON.stringify(viewer.body.messages)).toContain("editor role");
    const listed = await ask(members.viewer.token, "/tabs");
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain("Existing");
    const editor = await ask(members.editor.token, "create a new tab called Solar");
    expect(editor.body.toolCalls).toEqual([expect.objectContaining({ tool: "create_tab", decision: "allow" })]);
    expect((await call("GET", `/api/tabs?${home}`, { token: owner.token })).body.tabs.map((t: { title: string }) => t.title)).toEqual([
      "Existing",
      "Solar",
    ]);
  });

  it("the audit log says who did what, to owners only, and never holds a secret", async () => {
    const { homeId, home, owner, members } = await sharedHome(["editor"]);
    const meter = (
      await call("POST", `/api/meters?${home}`, { token: members.editor.token, body: { name: "Shop", timezone: "Europe/London" } })
    ).body;
    const token = (await call("POST", `/api/meters/${meter.id}/tokens`, { token: members.editor.token, body: { name: "HA" } })).body;
    await call("POST", `/api/tabs?${home}`, { token: owner.token, body: { title: "Audited" } });
    expect((await call("GET", `/api/homes/${homeId}/audit`, { token: members.editor.token })).status).toBe(403);
    const log = await call("GET", `/api/homes/${homeId}/audit`, { token: owner.token });
    expect(log.status).toBe(200);
    const actions = log.body.map(
      (e: { action: string; actor: { id: string } }) => `${e.action} ${e.actor.id === owner.userId ? "owner" : "editor"}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "home.create owner",
        "member.invite owner",
        "member.join editor",
        "meter.create editor",
        "token.create editor",
        "tab.create owner",
      ]),
    );
    const text = JSON.stringify(log.body);
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(meter.webhook.secret);
  });
});

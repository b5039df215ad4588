import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../worker/db/client";
import { findMeterById } from "../../worker/meters/queries";
import { NOTIFY_AT_MOST_EVERY_MS } from "../../worker/notifications/compose";
import { notifyFindings } from "../../worker/notifications/service";
import type { ModelRunFinding } from "../../worker/runs/contract";
import type { ModelRunRow } from "../../worker/runs/queries";
import { insertModelRun } from "../../worker/runs/queries";
import { call, createMeter, postReadings, signIn } from "./helpers";

const PEAK: ModelRunFinding = {
  kind: "peak_over_limit",
  message: "The next 24 hours peak at 7.2 kW around 18:00, above your 5 kW limit.",
  data: { peakKw: 7.2, limitKw: 5 },
};

/** A stored run with the given findings, as the model would write it. */
async function runWith(meterId: string, ownerId: string, findings: ModelRunFinding[]): Promise<ModelRunRow> {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    return await insertModelRun(connection.db, {
      meterId,
      ownerId,
      trigger: "auto",
      modelVersion: "test",
      inputFrom: new Date(Date.now() - 168 * 3_600_000),
      inputTo: new Date(),
      forecastKwh: Array(24).fill(0.5),
      plan: [],
      figures: {
        expectedCost: 1,
        baselineCost: 1,
        savings: 0,
        peakKw: 7.2,
        baselinePeakKw: 7.2,
        forecastKwh: 12,
        currency: "GBP",
        defaultTariff: true,
        historyHoursWithData: 168,
      },
      findings,
    });
  } finally {
    await connection.close();
  }
}

async function notify(meterId: string, run: ModelRunRow, now?: Date) {
  const connection = connectDatabase(env.DATABASE_URL!, env.DB_WS_PROXY);
  try {
    return await notifyFindings(env, connection.db, (await findMeterById(connection.db, meterId))!, run, now);
  } finally {
    await connection.close();
  }
}

async function openSocket(token: string) {
  const { body } = await call("POST", "/api/ws/ticket", { token });
  const response = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test/api/ws?ticket=${body.ticket}`, {
    headers: { Upgrade: "websocket" },
  });
  const socket = response.webSocket!;
  socket.accept();
  const received: { type: string; payload: { title?: string } }[] = [];
  socket.addEventListener("message", (event) => received.push(JSON.parse(event.data as string)));
  return { socket, received };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("notifications from findings", () => {
  it("quote the person's earlier chat about this meter, with a link to the session", async () => {
    const { token, userId } = await signIn();
    const meter = await createMeter(token, { name: "Garage" });
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const session = await hub.createChatSession("Keeping the garage under control");
    await hub.appendChatMessage(session.id, "user", "The Garage meter must stay below 5 kW at peak, the fuse trips otherwise.");
    await hub.appendChatMessage(session.id, "user", "Unrelated: what's the weather?");

    const [notification] = await notify(meter.id, await runWith(meter.id, userId, [PEAK]));
    expect(notification.title).toBe("Garage: peak above your limit");
    expect(notification.body).toContain(PEAK.message);
    expect(notification.body).toContain('you said: "The Garage meter must stay below 5 kW at peak');
    const inbox = await call("GET", "/api/notifications", { token });
    expect(inbox.body.unreadCount).toBe(1);
    expect(inbox.body.notifications[0].context[0]).toMatchObject({
      sessionId: session.id,
      sessionTitle: "Keeping the garage under control",
      link: `/chat/${session.id}`,
    });
  });

  it("say just the finding when nothing relevant was discussed", async () => {
    const { token, userId } = await signIn();
    const meter = await createMeter(token, { name: "Shed" });
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const session = await hub.createChatSession("Holidays");
    await hub.appendChatMessage(session.id, "user", "Plan a trip to Lisbon.");
    const [notification] = await notify(meter.id, await runWith(meter.id, userId, [PEAK]));
    expect(notification.body).toBe(PEAK.message);
    expect(notification.context).toEqual([]);
  });

  it("arrive live on every open tab of the user, and on no other user's", async () => {
    const owner = await signIn("owner");
    const other = await signIn("other");
    const meter = await createMeter(owner.token);
    const tabs = [await openSocket(owner.token), await openSocket(owner.token)];
    const stranger = await openSocket(other.token);
    await notify(meter.id, await runWith(meter.id, owner.userId, [PEAK]));
    for (const tab of tabs) {
      await until(() => tab.received.some((m) => m.type === "notification"));
      expect(tab.received.find((m) => m.type === "notification")!.payload.title).toBe("House: peak above your limit");
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(stranger.received.filter((m) => m.type === "notification")).toEqual([]);
    for (const { socket } of [...tabs, stranger]) socket.close(1000);
  });

  it("are rate-limited per meter and kind, and respect muted kinds and quiet hours", async () => {
    const { token, userId } = await signIn();
    const meter = await createMeter(token);
    expect(await notify(meter.id, await runWith(meter.id, userId, [PEAK]))).toHaveLength(1);
    expect(await notify(meter.id, await runWith(meter.id, userId, [PEAK]))).toHaveLength(0);
    const later = new Date(Date.now() + NOTIFY_AT_MOST_EVERY_MS + 60_000);
    expect(await notify(meter.id, await runWith(meter.id, userId, [PEAK]), later)).toHaveLength(1);

    const saved = await call("PUT", "/api/notification-settings", {
      token,
      body: { mutedKinds: ["plan_saves"], quietFromHour: 0, quietToHour: 23, timezone: "UTC" },
    });
    expect(saved.status).toBe(200);
    const saves: ModelRunFinding = { kind: "plan_saves", message: "Saves 1 GBP", data: { savings: 1 } };
    expect(await notify(meter.id, await runWith(meter.id, userId, [saves]))).toHaveLength(0);
    const anomaly: ModelRunFinding = { kind: "consumption_anomaly", message: "Used 80 % more than forecast", data: {} };
    const [quiet] = await notify(meter.id, await runWith(meter.id, userId, [anomaly]), new Date("2026-06-01T12:00:00Z"));
    expect(quiet.silent).toBe(true);
  });
});

describe("notifications API", () => {
  it("lists, marks read, marks all read and deletes", async () => {
    const { token, userId } = await signIn();
    const a = await createMeter(token, { name: "A" });
    const b = await createMeter(token, { name: "B" });
    await notify(a.id, await runWith(a.id, userId, [PEAK]));
    await notify(b.id, await runWith(b.id, userId, [PEAK]));
    const inbox = await call("GET", "/api/notifications", { token });
    expect(inbox.body.notifications.map((n: { title: string }) => n.title)).toEqual([
      "B: peak above your limit",
      "A: peak above your limit",
    ]);
    const [first, second] = inbox.body.notifications;
    expect((await call("POST", `/api/notifications/${first.id}/read`, { token })).body.read).toBe(true);
    expect((await call("GET", "/api/notifications", { token })).body.unreadCount).toBe(1);
    expect((await call("POST", "/api/notifications/read-all", { token })).body).toEqual({ marked: 1 });
    expect((await call("DELETE", `/api/notifications/${second.id}`, { token })).status).toBe(200);
    expect((await call("GET", "/api/notifications", { token })).body.notifications).toHaveLength(1);
  });

  it("another user's notification is a 404", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const meter = await createMeter(owner.token);
    const [notification] = await notify(meter.id, await runWith(meter.id, owner.userId, [PEAK]));
    for (const [method, path] of [
      ["POST", `/api/notifications/${notification.id}/read`],
      ["DELETE", `/api/notifications/${notification.id}`],
    ] as const) {
      expect((await call(method, path, { token: intruder.token })).status).toBe(404);
    }
    expect((await call("GET", "/api/notifications", { token: intruder.token })).body).toEqual({ notifications: [], unreadCount: 0 });
    expect((await call("GET", "/api/notifications", { token: owner.token })).body.unreadCount).toBe(1);
  });

  it("rejects settings with one quiet hour or an unknown kind", async () => {
    const { token } = await signIn();
    const half = await call("PUT", "/api/notification-settings", {
      token,
      body: { mutedKinds: [], quietFromHour: 22, quietToHour: null, timezone: "UTC" },
    });
    expect(half.status).toBe(400);
    expect(half.body.error.details.map((d: { path: string }) => d.path)).toContain("quietToHour");
    const unknown = await call("PUT", "/api/notification-settings", {
      token,
      body: { mutedKinds: ["spam"], quietFromHour: null, quietToHour: null, timezone: "UTC" },
    });
    expect(unknown.status).toBe(400);
  });
});

describe("from webhook to notification", () => {
  it("a signed post whose run finds a peak over the limit reaches every open tab, quoting the earlier chat", async () => {
    const { token, userId } = await signIn();
    const meter = await createMeter(token, { name: "Workshop", timezone: "Europe/London" });
    await call("PATCH", `/api/meters/${meter.id}`, { token, body: { assets: { peakLimitKw: 0.5 } } });
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const session = await hub.createChatSession("Workshop power");
    await hub.appendChatMessage(session.id, "user", "Keep the workshop peak under half a kW please.");
    const tabs = [await openSocket(token), await openSocket(token)];

    const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const readings = Array.from({ length: 8 * 24 }, (_, i) => ({
      ts: new Date(end - (8 * 24 - 1 - i) * 3_600_000).toISOString(),
      energy_wh: 400 + 800 * Number(i % 24 > 16),
    }));
    expect((await postReadings(meter.id, meter.webhook.secret, { readings })).status).toBe(200);

    for (const tab of tabs) {
      await until(() => tab.received.some((m) => m.type === "notification"));
      const notification = tab.received.find((m) => m.type === "notification")!.payload as { title: string; body: string };
      expect(notification.title).toBe("Workshop: peak above your limit");
      expect(notification.body).toContain('you said: "Keep the workshop peak under half a kW please."');
    }
    for (const { socket } of tabs) socket.close(1000);
  });
});

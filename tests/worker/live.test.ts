import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createMeter, hourlyReadings, postReadings, signIn } from "./helpers";

async function openSocket(ticket: string) {
  const response = await (exports as { default: Fetcher }).default.fetch(
    `http://wattboard.test/api/ws?ticket=${encodeURIComponent(ticket)}`,
    { headers: { Upgrade: "websocket" } },
  );
  return response;
}

function collect(socket: WebSocket) {
  const messages: { type: string; seq: number; payload: unknown }[] = [];
  socket.addEventListener("message", (event) => messages.push(JSON.parse(event.data as string)));
  return {
    messages,
    async waitFor(predicate: (m: { type: string; seq: number; payload: unknown }) => boolean) {
      for (let i = 0; i < 100; i++) {
        const found = messages.find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
    },
  };
}

describe("live WebSocket", () => {
  it("opens with a single-use ticket and receives the user's events", async () => {
    const { token, userId } = await signIn();
    const { body } = await call("POST", "/api/ws/ticket", { token });
    const response = await openSocket(body.ticket);
    expect(response.status).toBe(101);
    const socket = response.webSocket!;
    socket.accept();
    const inbox = collect(socket);
    await inbox.waitFor((m) => m.type === "hello");

    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const event = await hub.publish("notification", { title: "Peak ahead" });
    const received = await inbox.waitFor((m) => m.type === "notification");
    expect(received).toMatchObject({ seq: event.seq, payload: { title: "Peak ahead" } });
    socket.close(1000);

    const reused = await openSocket(body.ticket);
    expect(reused.status).toBe(401);
  });

  it("replays missed events after a resume", async () => {
    const { token, userId } = await signIn();
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const first = await hub.publish("chart.data", { n: 1 });
    await hub.publish("chart.data", { n: 2 });
    await hub.publish("chart.data", { n: 3 });
    const { body } = await call("POST", "/api/ws/ticket", { token });
    const socket = (await openSocket(body.ticket)).webSocket!;
    socket.accept();
    const inbox = collect(socket);
    socket.send(JSON.stringify({ type: "resume", after: first.seq }));
    await inbox.waitFor((m) => m.type === "chart.data" && (m.payload as { n: number }).n === 3);
    expect(inbox.messages.filter((m) => m.type === "chart.data").map((m) => (m.payload as { n: number }).n)).toEqual([2, 3]);
    socket.close(1000);
  });

  it("rejects forged, foreign and missing tickets", async () => {
    const alice = await signIn("alice");
    const bob = await signIn("bob");
    const { body } = await call("POST", "/api/ws/ticket", { token: alice.token });
    const secret = body.ticket.split(".")[1];
    // Alice's secret presented as Bob's ticket reaches Bob's hub, which never issued it.
    expect((await openSocket(`${bob.userId}.${secret}`)).status).toBe(401);
    expect((await openSocket("garbage")).status).toBe(401);
    expect((await call("GET", "/api/ws")).status).toBe(400);
    expect((await call("POST", "/api/ws/ticket")).status).toBe(401);
  });
});

describe("live events from ingestion and runs", () => {
  it("tells open tabs about new readings only for meters that are on a chart", async () => {
    const { token } = await signIn();
    const charted = await createMeter(token, { name: "On a chart" });
    const hidden = await createMeter(token, { name: "Not on a chart" });
    const tab = (await call("POST", "/api/tabs", { token, body: { title: "Home" } })).body.id;
    await call("POST", "/api/charts", {
      token,
      body: {
        tabId: tab,
        title: "Power",
        spec: { meterIds: [charted.id], metric: "power_w", window: { kind: "relative", preset: "last_24h" } },
      },
    });
    const { body } = await call("POST", "/api/ws/ticket", { token });
    const socket = (await openSocket(body.ticket)).webSocket!;
    socket.accept();
    const inbox = collect(socket);
    await postReadings(hidden.id, hidden.webhook.secret, { readings: hourlyReadings(1) });
    await postReadings(charted.id, charted.webhook.secret, { readings: hourlyReadings(1) });
    const event = await inbox.waitFor((m) => m.type === "meter.readings");
    expect(event.payload).toMatchObject({ meterId: charted.id });
    expect(inbox.messages.filter((m) => m.type === "meter.readings")).toHaveLength(1);
    socket.close(1000);
  });

  it("an expired ticket is refused", async () => {
    const { token, userId } = await signIn();
    const { body } = await call("POST", "/api/ws/ticket", { token });
    const stub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    await runInDurableObject(stub, (_hub, state) => {
      state.storage.sql.exec("UPDATE tickets SET expires_at = ?", Date.now() - 1);
    });
    expect((await openSocket(body.ticket)).status).toBe(401);
  });
});

describe("hub state lives in storage", () => {
  it("keeps at least the last 1,000 events (trimmed in steps), numbered without gaps across a restart", async () => {
    const { token, userId } = await signIn();
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    type Hub = { publish(type: string, payload: unknown): { seq: number } };
    const seqs = await runInDurableObject(hub, (instance) =>
      Array.from({ length: 1_150 }, (_, n) => (instance as unknown as Hub).publish("chart.data", { n }).seq),
    );
    expect(seqs).toEqual(Array.from({ length: 1_150 }, (_, i) => seqs[0] + i));
    const kept = await runInDurableObject(hub, (_instance, state) =>
      state.storage.sql
        .exec<{ oldest: number; latest: number; rows: number }>(
          "SELECT min(seq) AS oldest, max(seq) AS latest, count(*) AS rows FROM events",
        )
        .one(),
    );
    expect(kept.latest).toBe(seqs.at(-1));
    expect(kept.rows).toBe(kept.latest - kept.oldest + 1);
    expect(kept.rows).toBeGreaterThanOrEqual(1_000);
    expect(kept.rows).toBeLessThan(1_100);

    // A restarted hub continues the numbering from storage.
    await runInDurableObject(hub, (_instance, state) => state.abort()).catch(() => {});
    const restarted = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    expect((await restarted.publish("chart.data", { n: 1_150 })).seq).toBe(kept.latest + 1);

    const { body } = await call("POST", "/api/ws/ticket", { token });
    const socket = (await openSocket(body.ticket)).webSocket!;
    socket.accept();
    const inbox = collect(socket);
    // Too far behind: told to reload. Just inside the backlog: every missed event, in order.
    socket.send(JSON.stringify({ type: "resume", after: kept.oldest - 2 }));
    await inbox.waitFor((m) => m.type === "reload");
    socket.send(JSON.stringify({ type: "resume", after: kept.oldest - 1 }));
    await inbox.waitFor((m) => m.type === "chart.data" && (m.payload as { n: number }).n === 1_150);
    const replayed = inbox.messages.filter((m) => m.type === "chart.data").map((m) => m.seq);
    expect(replayed).toEqual(Array.from({ length: kept.rows + 1 }, (_, i) => kept.oldest + i));
    socket.close(1000);
  });

  it("survives the object being restarted: the backlog replays to a new socket", async () => {
    const { token, userId } = await signIn();
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const first = await hub.publish("model.run", { n: 1 });
    await hub.publish("model.run", { n: 2 });
    // Reset only this hub: in-memory state is gone, storage stays.
    await runInDurableObject(hub, (_instance, state) => state.abort()).catch(() => {});
    const { body } = await call("POST", "/api/ws/ticket", { token });
    const socket = (await openSocket(body.ticket)).webSocket!;
    socket.accept();
    const inbox = collect(socket);
    socket.send(JSON.stringify({ type: "resume", after: first.seq - 1 }));
    await inbox.waitFor((m) => m.type === "model.run" && (m.payload as { n: number }).n === 2);
    expect(inbox.messages.filter((m) => m.type === "model.run").map((m) => (m.payload as { n: number }).n)).toEqual([1, 2]);
    socket.close(1000);
  });
});

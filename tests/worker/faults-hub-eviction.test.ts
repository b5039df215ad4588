/**
 * A UserHub evicted from memory while its sockets are open. Hibernation (the runtime evicts an
 * idle hub): the sockets stay connected to the next instance, events still reach them in order,
 * and the backlog is intact. A reset (a crash, a deploy): the sockets close, and a tab that
 * reconnects and resumes gets everything it missed.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createMeter, hourlyReadings, postReadings, signIn } from "./helpers";

type Message = { type: string; seq: number; payload: { n?: number; meterId?: string } };

async function openTab(token: string) {
  const { body } = await call("POST", "/api/ws/ticket", { token });
  const response = await (exports as { default: Fetcher }).default.fetch(
    `http://wattboard.test/api/ws?ticket=${encodeURIComponent(body.ticket)}`,
    { headers: { Upgrade: "websocket" } },
  );
  const socket = response.webSocket!;
  socket.accept();
  const messages: Message[] = [];
  let closed = false;
  socket.addEventListener("message", (event) => messages.push(JSON.parse(event.data as string)));
  socket.addEventListener("close", () => (closed = true));
  const waitFor = async (predicate: (m: Message) => boolean) => {
    for (let i = 0; i < 250 && !messages.some(predicate); i++) await new Promise((r) => setTimeout(r, 20));
    const found = messages.find(predicate);
    if (!found) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
    return found;
  };
  await waitFor((m) => m.type === "hello");
  return { socket, messages, waitFor, isClosed: () => closed };
}

/**
 * Waits until the runtime has evicted the idle hub (workerd does after some seconds without
 * events): a mark left on the instance is gone once a new instance serves it. Each look is
 * itself activity, so looks are spaced out.
 */
async function hibernate(hub: DurableObjectStub) {
  type Marked = { evictionMark?: boolean };
  await runInDurableObject(hub, (instance) => {
    (instance as Marked).evictionMark = true;
  });
  for (let look = 0; look < 6; look++) {
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    if (!(await runInDurableObject(hub, (instance) => (instance as Marked).evictionMark))) return;
  }
  throw new Error("the hub was never evicted");
}

const numbers = (messages: Message[], type: string) => messages.filter((m) => m.type === type).map((m) => m.payload.n);

describe("fault: a UserHub evicted while sockets are open", () => {
  it("hibernation: the sockets keep working, later events arrive in order, the backlog is intact", async () => {
    const { token, userId } = await signIn();
    const meter = await createMeter(token);
    const tab = (await call("POST", "/api/tabs", { token, body: { title: "Live" } })).body;
    await call("POST", "/api/charts", {
      token,
      body: {
        tabId: tab.id,
        title: "Power",
        spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_24h" } },
      },
    });
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const tabs = [await openTab(token), await openTab(token)];
    await hub.publish("model.run", { n: 1 });
    await hub.publish("model.run", { n: 2 });
    for (const t of tabs) await t.waitFor((m) => m.type === "model.run" && m.payload.n === 2);

    await hibernate(hub);

    const third = await hub.publish("model.run", { n: 3 });
    for (const t of tabs) {
      await t.waitFor((m) => m.type === "model.run" && m.payload.n === 3);
      expect(t.isClosed()).toBe(false);
      expect(numbers(t.messages, "model.run")).toEqual([1, 2, 3]);
    }
    expect(third.seq).toBe(tabs[0].messages.find((m) => m.payload.n === 2)!.seq + 1);

    // The new instance answers the old sockets, and a webhook post still reaches every tab.
    tabs[0].socket.send(JSON.stringify({ type: "ping" }));
    await tabs[0].waitFor((m) => m.type === "pong");
    expect((await postReadings(meter.id, meter.webhook.secret, { readings: hourlyReadings(2) })).status).toBe(200);
    for (const t of tabs) expect((await t.waitFor((m) => m.type === "meter.readings")).payload.meterId).toBe(meter.id);

    // A tab that resumes from before the eviction gets the whole backlog, once, in order.
    const first = tabs[1].messages.find((m) => m.payload.n === 1)!;
    const before = tabs[1].messages.length;
    tabs[1].socket.send(JSON.stringify({ type: "resume", after: first.seq - 1 }));
    await tabs[1].waitFor((m) => m.type === "meter.readings" && tabs[1].messages.indexOf(m) >= before);
    expect(numbers(tabs[1].messages.slice(before), "model.run")).toEqual([1, 2, 3]);
    for (const t of tabs) t.socket.close(1000);
  });

  it("reset: the sockets close; a tab that reconnects and resumes gets what it missed, once, in order", async () => {
    const { token, userId } = await signIn();
    const hub = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    const before = await openTab(token);
    await hub.publish("model.run", { n: 1 });
    const seen = await before.waitFor((m) => m.type === "model.run");
    await runInDurableObject(hub, (_instance, state) => state.abort()).catch(() => {});
    for (let i = 0; i < 100 && !before.isClosed(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(before.isClosed()).toBe(true);

    // Published while the tab is away (a stub of the reset object is broken: take a new one).
    const revived = env.USER_HUB.get(env.USER_HUB.idFromName(userId));
    await revived.publish("model.run", { n: 2 });
    await revived.publish("model.run", { n: 3 });
    const after = await openTab(token);
    after.socket.send(JSON.stringify({ type: "resume", after: seen.seq }));
    await after.waitFor((m) => m.type === "model.run" && m.payload.n === 3);
    await revived.publish("model.run", { n: 4 });
    await after.waitFor((m) => m.type === "model.run" && m.payload.n === 4);
    expect(numbers(after.messages, "model.run")).toEqual([2, 3, 4]);
    after.socket.close(1000);
  });
});

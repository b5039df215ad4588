import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import type { AlertMessage } from "../../worker/alerts/contract";
import { consumeDeliveryBatch, type DeliveryJob, deliveryRetryDelaySeconds, enqueueAlertDelivery } from "../../worker/alerts/delivery";
import { MAX_CHANNELS_PER_USER } from "../../worker/alerts/service";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../worker/rate-limits";
import { call, callWithEnv, signIn } from "./helpers";

const receiver = inject("receiverUrl");

/** What tests/setup/recording-server.ts recorded (header names in lower case). */
interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A fresh place on the receiver: its URL (for a channel) and what arrived there. */
function inbox() {
  const key = crypto.randomUUID();
  return {
    url: `${receiver}/in/${key}/hook?token=s3cret-path-part`,
    plan: async (statuses: number[]) => {
      await fetch(`${receiver}/plan/${key}`, { method: "PUT", body: JSON.stringify(statuses) });
    },
    requests: async (): Promise<RecordedRequest[]> => (await fetch(`${receiver}/requests/${key}`)).json(),
    /** Waits (up to 20 s) until `count` requests arrived through the real queue. */
    waitFor: async (count: number): Promise<RecordedRequest[]> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const got: RecordedRequest[] = await (await fetch(`${receiver}/requests/${key}`)).json();
        if (got.length >= count || Date.now() > deadline) return got;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

async function createChannel(token: string, body: Record<string, unknown>) {
  const result = await call("POST", "/api/channels", { token, body });
  if (result.status !== 201) throw new Error(`channel creation failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { id: string; kind: string; secret?: string };
}

const firing = (urgent = false): AlertMessage => ({
  type: "alert.firing",
  rule: { id: "3f9b1c2e-1111-4000-8000-000000000001", name: "Garage over 2 kW" },
  meter: { id: "3f9b1c2e-2222-4000-8000-000000000002", name: "Garage" },
  value: 2400,
  at: "2026-12-03T18:05:00.000Z",
  title: "Garage over 2 kW",
  message: "The garage has drawn 2.4 kW for 10 minutes (rule: over 2 kW for 10 min). Cost so far: £0.45",
  urgent,
});

/** The receiver's own check of a Standard Webhooks signature, written from the specification. */
async function verifiesAsTheSpecSays(secret: string, request: RecordedRequest): Promise<boolean> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const signed = new TextEncoder().encode(`${request.headers["webhook-id"]}.${request.headers["webhook-timestamp"]}.${request.body}`);
  for (const candidate of request.headers["webhook-signature"].split(" ")) {
    const [version, value] = candidate.split(",");
    if (version !== "v1") continue;
    const mac = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return true;
  }
  return false;
}

/** Runs one queue message through the consumer directly (as the queue would, with its attempt number). */
async function consume(job: DeliveryJob, attempts: number, overrides: Partial<typeof env> = {}) {
  const batch = createMessageBatch("wattboard-deliveries", [
    { id: `m-${attempts}-${job.deliveryId}`, timestamp: new Date(), attempts, body: job },
  ]);
  const ctx = createExecutionContext();
  await consumeDeliveryBatch(batch, { ...env, ...overrides });
  return getQueueResult(batch, ctx);
}

describe("channels: CRUD", () => {
  it("creates, lists, reads, renames and deletes a channel; only a webhook gets a secret, shown once", async () => {
    const { token } = await signIn("channels");
    const box = inbox();
    const created = await call("POST", "/api/channels", { token, body: { kind: "webhook", name: "My server", url: box.url } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "webhook", name: "My server", url: box.url, status: "ok", failures: 0, lastError: null });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const ntfy = await call("POST", "/api/channels", { token, body: { kind: "ntfy", name: "Phone", url: `${receiver}/in/x/topic` } });
    expect(ntfy.status).toBe(201);
    expect(ntfy.body.secret).toBeUndefined();

    const list = await call("GET", "/api/channels", { token });
    expect(list.status).toBe(200);
    expect(list.body.channels.map((c: { name: string }) => c.name)).toEqual(["My server", "Phone"]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const one = await call("GET", `/api/channels/${created.body.id}`, { token });
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();

    const renamed = await call("PATCH", `/api/channels/${created.body.id}`, { token, body: { name: "Home server" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Home server");

    expect((await call("DELETE", `/api/channels/${created.body.id}`, { token })).status).toBe(200);
    expect((await call("GET", `/api/channels/${created.body.id}`, { token })).status).toBe(404);
  });

  it("answers 400 naming the field for an unknown kind, an ftp URL, a name too long, an empty change", async () => {
    const { token } = await signIn("channels-bad");
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: "sms", name: "x", url: `${receiver}/in/a` }, "kind"],
      [{ kind: "ntfy", name: "x", url: "ftp://example.com/topic" }, "url"],
      [{ kind: "ntfy", name: "x", url: "not a url" }, "url"],
      [{ kind: "ntfy", name: "x".repeat(101), url: `${receiver}/in/a` }, "name"],
      [{ kind: "ntfy", name: "", url: `${receiver}/in/a` }, "name"],
      [{ kind: "ntfy", name: "x" }, "url"],
    ];
    for (const [body, field] of cases) {
      const result = await call("POST", "/api/channels", { token, body });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const channel = await createChannel(token, { kind: "slack", name: "Team", url: `${receiver}/in/a` });
    const patch = await call("PATCH", `/api/channels/${channel.id}`, { token, body: { url: "gopher://example.com" } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details[0].path).toBe("url");
    expect((await call("PATCH", `/api/channels/${channel.id}`, { token, body: {} })).status).toBe(400);
  });

  it("refuses a private or loopback address when local URLs are not allowed (production)", async () => {
    const { token } = await signIn("channels-ssrf");
    const production = { ALLOW_LOCAL_CHANNEL_URLS: undefined };
    const auth = { Authorization: `Bearer ${token}` };
    for (const url of [
      "https://10.0.0.8/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://2130706433/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://printer.local/hook",
      "http://hooks.example.com/hook",
    ]) {
      const result = await callWithEnv(production, "POST", "/api/channels", { kind: "webhook", name: "x", url }, auth);
      expect(result.status, url).toBe(400);
      expect(result.body.error.details, url).toEqual([{ path: "url", message: expect.any(String) }]);
    }
    const allowed = await callWithEnv(
      production,
      "POST",
      "/api/channels",
      { kind: "ntfy", name: "ntfy.sh", url: "https://ntfy.sh/wattboard-x" },
      auth,
    );
    expect(allowed.status).toBe(201);
  });

  it("answers 404 for another user's channel, on every route", async () => {
    const owner = await signIn("channels-owner");
    const other = await signIn("channels-other");
    const channel = await createChannel(owner.token, { kind: "discord", name: "Mine", url: `${receiver}/in/a` });
    for (const [method, path, body] of [
      ["GET", `/api/channels/${channel.id}`],
      ["PATCH", `/api/channels/${channel.id}`, { name: "Theirs" }],
      ["DELETE", `/api/channels/${channel.id}`],
      ["POST", `/api/channels/${channel.id}/test`],
    ] as const) {
      const result = await call(method, path, { token: other.token, body });
      expect(result.status, `${method} ${path}`).toBe(404);
    }
    expect((await call("GET", "/api/channels", { token: other.token })).body.channels).toEqual([]);
    expect((await call("GET", "/api/channels/not-a-uuid", { token: owner.token })).status).toBe(404);
    expect((await call("GET", `/api/channels/${channel.id}`, { token: owner.token })).body.name).toBe("Mine");
    // A delivery queued with the wrong owner is dropped, never sent.
    const box = inbox();
    const victim = await createChannel(owner.token, { kind: "ntfy", name: "Victim", url: box.url });
    const result = await consume(
      { ownerId: other.userId, channelId: victim.id, deliveryId: `msg_${"a".repeat(32)}`, message: firing() },
      1,
    );
    expect(result.explicitAcks).toHaveLength(1);
    expect(await box.requests()).toEqual([]);
  });
});

describe("channels: limits", () => {
  it(`answers 409 past ${MAX_CHANNELS_PER_USER} channels, naming the cap; deleting one makes room; another user is not affected`, async () => {
    const { token } = await signIn("channels-cap");
    const body = (i: number) => ({ kind: "ntfy", name: `Phone ${i}`, url: `${inbox().url}&n=${i}` });
    const made = [];
    for (let i = 0; i < MAX_CHANNELS_PER_USER; i++) made.push(await createChannel(token, body(i)));
    const over = await call("POST", "/api/channels", { token, body: body(99) });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: "too_many_channels", message: expect.stringContaining(String(MAX_CHANNELS_PER_USER)) });
    expect((await call("GET", "/api/channels", { token })).body.channels).toHaveLength(MAX_CHANNELS_PER_USER);
    expect((await call("DELETE", `/api/channels/${made[0].id}`, { token })).status).toBe(200);
    expect((await call("POST", "/api/channels", { token, body: body(100) })).status).toBe(201);
    const other = await signIn("channels-cap-other");
    expect((await call("POST", "/api/channels", { token: other.token, body: body(1) })).status).toBe(201);
  });

  it("answers 429 with Retry-After once a person has sent too many tests this minute; another person still can", async () => {
    const { token } = await signIn("channels-test-limit");
    const channel = await createChannel(token, { kind: "ntfy", name: "Phone", url: inbox().url });
    // More than twice the per-minute limit (wrangler.jsonc), so one fixed minute gets more than the limit.
    const attempts = 2 * 5 + 5;
    let last = await call("POST", `/api/channels/${channel.id}/test`, { token });
    for (let i = 1; i < attempts && last.status === 202; i++) last = await call("POST", `/api/channels/${channel.id}/test`, { token });
    expect(last.status).toBe(429);
    expect(last.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    expect(last.body.error.code).toBe("rate_limited");
    const other = await signIn("channels-test-limit-other");
    const theirs = await createChannel(other.token, { kind: "ntfy", name: "Phone", url: inbox().url });
    expect((await call("POST", `/api/channels/${theirs.id}/test`, { token: other.token })).status).toBe(202);
  });
});

describe("channels: delivery", () => {
  it("POST /test answers 202 and the queue delivers one signed test message to a generic webhook", async () => {
    const { token } = await signIn("channels-test");
    const box = inbox();
    const channel = await createChannel(token, { kind: "webhook", name: "Receiver", url: box.url });
    const queued = await call("POST", `/api/channels/${channel.id}/test`, { token });
    expect(queued.status).toBe(202);
    expect(queued.body.deliveryId).toMatch(/^msg_[0-9a-f]{32}$/);

    const [request, ...more] = await box.waitFor(1);
    expect(more).toEqual([]);
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-id"]).toBe(queued.body.deliveryId);
    expect(Math.abs(Number(request.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(await verifiesAsTheSpecSays(channel.secret!, request)).toBe(true);
    expect(await verifiesAsTheSpecSays(channel.secret!, { ...request, body: `${request.body} ` })).toBe(false);
    const body = JSON.parse(request.body);
    expect(Object.keys(body)).toEqual(["type", "rule", "meter", "value", "at", "message"]);
    expect(body).toMatchObject({ type: "test", rule: null, meter: null, value: null });

    // The channel's status follows: ok, with the time of the delivery.
    const after = await waitForChannel(token, channel.id, (c) => c.lastDeliveryAt !== null);
    expect(after).toMatchObject({ status: "ok", failures: 0, lastError: null });
  });

  it("formats an alert for each kind, received by a local server through the queue", async () => {
    const { token, userId } = await signIn("channels-kinds");
    const boxes = { webhook: inbox(), ntfy: inbox(), slack: inbox(), discord: inbox(), homeassistant: inbox() };
    const channels = Object.fromEntries(
      await Promise.all(
        Object.entries(boxes).map(
          async ([kind, box]) => [kind, await createChannel(token, { kind, name: `${kind} channel`, url: box.url })] as const,
        ),
      ),
    );
    const ids = await enqueueAlertDelivery(env, {
      ownerId: userId,
      channelIds: Object.values(channels).map((c) => c.id),
      message: firing(true),
    });
    expect(ids).toHaveLength(5);

    const [webhook] = await boxes.webhook.waitFor(1);
    expect(JSON.parse(webhook.body)).toEqual({
      type: "alert.firing",
      rule: { id: firing().rule!.id, name: "Garage over 2 kW" },
      meter: { id: firing().meter!.id, name: "Garage" },
      value: 2400,
      at: "2026-12-03T18:05:00.000Z",
      message: firing().message,
    });
    expect(await verifiesAsTheSpecSays(channels.webhook.secret!, webhook)).toBe(true);

    const [ntfy] = await boxes.ntfy.waitFor(1);
    expect(ntfy.method).toBe("POST");
    expect(ntfy.body).toBe(firing().message);
    expect(ntfy.headers.title).toBe("Garage over 2 kW");
    expect(ntfy.headers.priority).toBe("5");
    expect(ntfy.headers["x-priority"]).toBe("5");
    expect(ntfy.headers.tags).toBe("warning,zap");

    const [slack] = await boxes.slack.waitFor(1);
    const slackBody = JSON.parse(slack.body);
    expect(slackBody.text).toBe(`Garage over 2 kW: ${firing().message}`);
    expect(slackBody.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Garage over 2 kW", emoji: true } });

    const [discord] = await boxes.discord.waitFor(1);
    const discordBody = JSON.parse(discord.body);
    expect(discordBody.content).toBe("Garage over 2 kW");
    expect(discordBody.embeds[0]).toMatchObject({ title: "Garage over 2 kW", description: firing().message, timestamp: firing().at });
    expect(discordBody.allowed_mentions).toEqual({ parse: [] });

    const [ha] = await boxes.homeassistant.waitFor(1);
    expect(JSON.parse(ha.body)).toEqual({ ...firing(true) });
    for (const request of [webhook, slack, discord, ha]) expect(request.headers["content-type"]).toBe("application/json");
  });

  it("a channel answering 500 is retried with backoff and shown failing with its last error, then ok after a success", async () => {
    const { token, userId } = await signIn("channels-failing");
    const box = inbox();
    await box.plan([500, 500, 200]);
    const channel = await createChannel(token, { kind: "ntfy", name: "Flaky", url: box.url });
    const job: DeliveryJob = { ownerId: userId, channelId: channel.id, deliveryId: `msg_${"b".repeat(32)}`, message: firing() };

    const first = await consume(job, 1);
    // (getQueueResult does not report the delay: deliveryRetryDelaySeconds gives it, checked below.)
    expect(first.retryMessages).toEqual([{ msgId: `m-1-${job.deliveryId}` }]);
    expect(first.explicitAcks).toEqual([]);
    const failing = (await call("GET", `/api/channels/${channel.id}`, { token })).body;
    expect(failing).toMatchObject({ status: "failing", failures: 1, lastError: "HTTP 500 Internal Server Error", lastDeliveryAt: null });
    expect(failing.lastError).not.toContain("s3cret");

    const second = await consume(job, 2);
    expect(second.retryMessages).toEqual([{ msgId: `m-2-${job.deliveryId}` }]);
    expect((await call("GET", `/api/channels/${channel.id}`, { token })).body).toMatchObject({ status: "failing", failures: 2 });

    const third = await consume(job, 3);
    expect(third.explicitAcks).toEqual([`m-3-${job.deliveryId}`]);
    expect(third.retryMessages).toEqual([]);
    expect((await call("GET", `/api/channels/${channel.id}`, { token })).body).toMatchObject({
      status: "ok",
      failures: 0,
      lastError: null,
    });
    expect(await box.requests()).toHaveLength(3);
    expect([1, 2, 3, 4, 5, 6].map(deliveryRetryDelaySeconds)).toEqual([5, 15, 45, 135, 405, 900]);
  });

  it("the queue itself retries a failed delivery (500, then 200)", async () => {
    const { token } = await signIn("channels-queue-retry");
    const box = inbox();
    await box.plan([500]);
    const channel = await createChannel(token, { kind: "homeassistant", name: "HA", url: box.url });
    expect((await call("POST", `/api/channels/${channel.id}/test`, { token })).status).toBe(202);
    const requests = await box.waitFor(2);
    expect(requests).toHaveLength(2);
    expect(requests[0].body).toBe(requests[1].body);
    expect(await waitForChannel(token, channel.id, (c) => c.lastDeliveryAt !== null)).toMatchObject({ status: "ok", failures: 0 });
  });

  it("gives up after the last attempt, and at once on a redirect or a 404, keeping the channel failing", async () => {
    const { token, userId } = await signIn("channels-give-up");
    const box = inbox();
    await box.plan([503, 302, 404]);
    const channel = await createChannel(token, { kind: "slack", name: "Gone", url: box.url });
    const job: DeliveryJob = { ownerId: userId, channelId: channel.id, deliveryId: `msg_${"c".repeat(32)}`, message: firing() };
    expect((await consume(job, 6)).explicitAcks).toHaveLength(1);
    const redirect = await consume(job, 1);
    expect(redirect.explicitAcks).toHaveLength(1);
    expect(redirect.retryMessages).toEqual([]);
    const afterRedirect = (await call("GET", `/api/channels/${channel.id}`, { token })).body;
    expect(afterRedirect).toMatchObject({ status: "failing", failures: 2 });
    expect(afterRedirect.lastError).toMatch(/^HTTP 302: a redirect, not followed/);
    expect((await consume(job, 1)).retryMessages).toEqual([]);
    expect((await call("GET", `/api/channels/${channel.id}`, { token })).body).toMatchObject({
      failures: 3,
      lastError: "HTTP 404 Not Found",
    });
  });

  it("checks the URL again at delivery: a local address is refused (nothing sent) when the setting is off", async () => {
    const { token, userId } = await signIn("channels-recheck");
    const box = inbox();
    const channel = await createChannel(token, { kind: "webhook", name: "Local", url: box.url });
    const job: DeliveryJob = { ownerId: userId, channelId: channel.id, deliveryId: `msg_${"d".repeat(32)}`, message: firing() };
    const result = await consume(job, 1, { ALLOW_LOCAL_CHANNEL_URLS: undefined });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await box.requests()).toEqual([]);
    const shown = (await call("GET", `/api/channels/${channel.id}`, { token })).body;
    expect(shown).toMatchObject({ status: "failing", failures: 1 });
    expect(shown.lastError).toBe("refused: url must use https");
  });

  it("gives up on an attempt after 5 s without an answer, and retries it", async () => {
    const { token, userId } = await signIn("channels-timeout");
    const box = inbox();
    await box.plan([0]);
    const channel = await createChannel(token, { kind: "ntfy", name: "Slow", url: box.url });
    const job: DeliveryJob = { ownerId: userId, channelId: channel.id, deliveryId: `msg_${"f".repeat(32)}`, message: firing() };
    const result = await consume(job, 1);
    expect(result.retryMessages).toHaveLength(1);
    expect((await call("GET", `/api/channels/${channel.id}`, { token })).body).toMatchObject({
      status: "failing",
      lastError: "no answer within 5 s",
    });
  });

  it("a network error is retried and named without the URL", async () => {
    const { token, userId } = await signIn("channels-network");
    const channel = await createChannel(token, { kind: "discord", name: "Nobody", url: "http://127.0.0.1:9/s3cret-path" });
    const job: DeliveryJob = { ownerId: userId, channelId: channel.id, deliveryId: `msg_${"e".repeat(32)}`, message: firing() };
    const result = await consume(job, 1);
    expect(result.retryMessages).toHaveLength(1);
    const shown = (await call("GET", `/api/channels/${channel.id}`, { token })).body;
    expect(shown.status).toBe("failing");
    expect(shown.lastError).toMatch(/^network error|^no answer/);
    expect(shown.lastError).not.toContain("s3cret");
  });
});

describe("channels: quiet hours", () => {
  it("holds a message back until the person's quiet hours end (a delayed queue message), while an urgent one goes at once", async () => {
    const { token, userId } = await signIn("channels-quiet");
    const box = inbox();
    const channel = await createChannel(token, { kind: "ntfy", name: "Phone", url: box.url });
    const saved = await call("PUT", "/api/notification-settings", {
      token,
      body: { mutedKinds: [], quietFromHour: 22, quietToHour: 7, timezone: "Europe/London" },
    });
    expect(saved.status).toBe(200);
    const sent: { body: unknown; options?: QueueSendOptions }[] = [];
    // Only send is used by a hold; the held message is checked here rather than waited 8 hours for.
    const recordingQueue = {
      send: async (body: unknown, options?: QueueSendOptions) => {
        sent.push({ body, options });
      },
    } as unknown as Queue;
    const lateEvening = new Date("2026-12-03T23:10:00Z");
    const deliver = async (job: DeliveryJob) => {
      const batch = createMessageBatch("wattboard-deliveries", [
        { id: `q-${job.deliveryId}`, timestamp: lateEvening, attempts: 1, body: job },
      ]);
      await consumeDeliveryBatch(batch, { ...env, DELIVERY_QUEUE: recordingQueue }, () => lateEvening);
      return getQueueResult(batch, createExecutionContext());
    };

    const held: DeliveryJob = { ownerId: userId, channelId: channel.id, deliveryId: `msg_${"1".repeat(32)}`, message: firing() };
    expect((await deliver(held)).explicitAcks).toEqual([`q-${held.deliveryId}`]);
    // Queued again, the same delivery, for 07:00 in London: 7 h 50 min later.
    expect(sent).toEqual([{ body: held, options: { contentType: "json", delaySeconds: 7 * 3600 + 50 * 60 } }]);

    const urgent: DeliveryJob = { ...held, deliveryId: `msg_${"2".repeat(32)}`, message: firing(true) };
    expect((await deliver(urgent)).explicitAcks).toEqual([`q-${urgent.deliveryId}`]);
    expect(sent).toHaveLength(1);
    const received = await box.requests();
    expect(received.map((r) => r.headers.priority)).toEqual(["5"]);

    // Once quiet hours are off, the held message goes out when it comes back.
    await call("PUT", "/api/notification-settings", {
      token,
      body: { mutedKinds: [], quietFromHour: null, quietToHour: null, timezone: "Europe/London" },
    });
    await deliver(held);
    expect(sent).toHaveLength(1);
    expect((await box.requests()).map((r) => r.headers.priority)).toEqual(["5", "3"]);
  });
});

async function waitForChannel(token: string, id: string, done: (channel: any) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const channel = (await call("GET", `/api/channels/${id}`, { token })).body;
    if (done(channel) || Date.now() > deadline) return channel;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

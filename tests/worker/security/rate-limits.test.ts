import { describe, expect, it } from "vitest";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../../worker/rate-limits";
import { createMeter, hourlyReadings, randomClientIp, sign, signIn, uniqueEmail } from "../helpers";
import { type RawResult, rawFetch } from "./fixtures";

/**
 * Each limiter counts per fixed minute, so a test that must trip one sends more than twice the
 * limit (wrangler.jsonc): however the attempts straddle a minute boundary, one minute gets more
 * than the limit.
 */
const LIMITS = { signIn: 10, webhookPerMeter: 120, chatPerUser: 30 };

/** Sends until the first 429 (or `attempts` requests) and returns every answer. */
async function until429(attempts: number, send: (i: number) => Promise<RawResult>): Promise<RawResult[]> {
  const results: RawResult[] = [];
  for (let i = 0; i < attempts; i++) {
    const result = await send(i);
    results.push(result);
    if (result.status === 429) break;
  }
  return results;
}

function expectRateLimited(results: RawResult[], allowedStatus: number) {
  const last = results.at(-1)!;
  expect(last.status).toBe(429);
  expect(last.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
  expect(JSON.parse(last.text).error.code).toBe("rate_limited");
  expect(results.slice(0, -1).every((r) => r.status === allowedStatus)).toBe(true);
}

async function postSigned(meter: { id: string; webhook: { secret: string } }, body: string, signature?: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return rawFetch("POST", `/api/ingest/${meter.id}`, {
    headers: {
      "Content-Type": "application/json",
      "X-Wattboard-Timestamp": timestamp,
      "X-Wattboard-Signature": signature ?? (await sign(meter.webhook.secret, timestamp, body)),
    },
    body,
  });
}

describe("rate limits: 429 with Retry-After and the error envelope", () => {
  it("dev sign-in, per client address; another address still signs in", async () => {
    const ip = randomClientIp();
    const signInFrom = (address: string) =>
      rawFetch("POST", "/api/auth/dev", {
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
        body: JSON.stringify({ email: uniqueEmail("limited") }),
      });
    expectRateLimited(await until429(2 * LIMITS.signIn + 5, () => signInFrom(ip)), 200);
    expect((await signInFrom(randomClientIp())).status).toBe(200);
  });

  it("the webhook, per meter, counted only once the signature is right: forged posts cannot use up a meter's allowance", async () => {
    const { token } = await signIn("webhook-limit");
    const [busy, other] = await Promise.all([createMeter(token, { name: "Busy" }), createMeter(token, { name: "Other" })]);
    // Old readings, posted again and again: duplicates after the first, and never a model run.
    const body = JSON.stringify({ readings: hourlyReadings(1, Date.now() - 30 * 86_400_000) });
    for (let i = 0; i < 2 * LIMITS.webhookPerMeter + 5; i++)
      expect((await postSigned(other, body, `sha256=${"0".repeat(64)}`)).status).toBe(401);
    expect((await postSigned(other, body)).status).toBe(200);

    expectRateLimited(await until429(2 * LIMITS.webhookPerMeter + 5, () => postSigned(busy, body)), 200);
    expect((await postSigned(other, body)).status).toBe(200);
  });

  it("chat messages, per user; another user's chat is not affected", async () => {
    const [limited, bystander] = await Promise.all([signIn("chat-limit"), signIn("chat-bystander")]);
    const sessionOf = async (token: string) =>
      JSON.parse(
        (
          await rawFetch("POST", "/api/chat/sessions", {
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: "{}",
          })
        ).text,
      ).id as string;
    const say = (token: string, session: string) =>
      rawFetch("POST", `/api/chat/sessions/${session}/messages`, {
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ text: "/help" }),
      });
    const session = await sessionOf(limited.token);
    expectRateLimited(await until429(2 * LIMITS.chatPerUser + 5, () => say(limited.token, session)), 200);
    expect((await say(bystander.token, await sessionOf(bystander.token))).status).toBe(200);
    // Reading the transcript is not a chat turn.
    expect(
      (await rawFetch("GET", `/api/chat/sessions/${session}/messages`, { headers: { Authorization: `Bearer ${limited.token}` } })).status,
    ).toBe(200);
  });

  it("public share pages, per client address, with the envelope (the API is tested in shares.test.ts)", async () => {
    const ip = randomClientIp();
    const results = await until429(250, (i) =>
      rawFetch("GET", `/${i % 2 ? "s" : "embed"}/${"C".repeat(42)}${i % 10}`, { headers: { "CF-Connecting-IP": ip } }),
    );
    expectRateLimited(results, 404);
  });
});

import { describe, expect, it } from "vitest";
import { decryptChannelSecret, encryptChannelSecret } from "../../worker/alerts/channel-secrets";
import { newSigningSecret, signWebhook, verifyWebhook } from "../../worker/alerts/signing";

/**
 * The Standard Webhooks specification's published test vector, used by every reference library's
 * tests (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts "sign
 * function works", and the same values in the Go, Python, Ruby, PHP, Java and C# tests).
 */
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("Standard Webhooks signatures", () => {
  it("signs the specification's test vector to its published signature", async () => {
    expect(await signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
  });

  it("verifies the vector, among several signatures, and refuses a changed body, id, timestamp or key", async () => {
    const headers = { id: VECTOR.id, timestamp: String(VECTOR.timestamp), signature: VECTOR.signature };
    expect(await verifyWebhook(VECTOR.secret, headers, VECTOR.payload)).toBe(true);
    expect(await verifyWebhook(VECTOR.secret, { ...headers, signature: `v1,AAAA ${VECTOR.signature}` }, VECTOR.payload)).toBe(true);
    expect(await verifyWebhook(VECTOR.secret, headers, '{"test": 2432232315}')).toBe(false);
    expect(await verifyWebhook(VECTOR.secret, { ...headers, id: "msg_other" }, VECTOR.payload)).toBe(false);
    expect(await verifyWebhook(VECTOR.secret, { ...headers, timestamp: "1614265331" }, VECTOR.payload)).toBe(false);
    expect(await verifyWebhook(newSigningSecret(), headers, VECTOR.payload)).toBe(false);
    expect(
      await verifyWebhook(VECTOR.secret, { ...headers, signature: "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" }, VECTOR.payload),
    ).toBe(false);
  });

  it("makes secrets of 32 random bytes in the whsec_ form", () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice(6))).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });
});

describe("stored channel secrets", () => {
  it("open with the same master key and channel only", async () => {
    const sealed = await encryptChannelSecret("master", "channel-1", VECTOR.secret);
    expect(sealed).not.toContain("MfKQ9r8G");
    expect(await decryptChannelSecret("master", "channel-1", sealed)).toBe(VECTOR.secret);
    await expect(decryptChannelSecret("master", "channel-2", sealed)).rejects.toThrow(/cannot be decrypted/);
    await expect(decryptChannelSecret("rotated", "channel-1", sealed)).rejects.toThrow(/cannot be decrypted/);
  });
});

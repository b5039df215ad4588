import { describe, expect, it } from "vitest";
import { tokenCacheKey, type Verified, VerifiedTokenCache } from "../../worker/auth/verified-tokens";

const user = { id: "7f0c1d2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f", email: "cached@example.test" };

/** A clock the test moves, and a verifier that counts its calls. */
function setup(capacity = 10) {
  let now = 1_000_000;
  const clock = { advance: (ms: number) => (now += ms) };
  const cache = new VerifiedTokenCache(capacity, () => now);
  let verifications = 0;
  const verifier = (validForMs: number) => async (): Promise<Verified> => {
    verifications += 1;
    return { user, validUntilMs: now + validForMs };
  };
  return { cache, clock, verifier, verifications: () => verifications };
}

describe("verified token cache", () => {
  it("verifies a token once, then answers from the cache", async () => {
    const { cache, verifier, verifications } = setup();
    expect(await cache.userOf("a", verifier(60_000))).toEqual(user);
    expect(await cache.userOf("a", verifier(60_000))).toEqual(user);
    expect(verifications()).toBe(1);
  });

  it("verifies again once the entry reaches the token's expiry, and refuses when that verify fails", async () => {
    const { cache, clock, verifier, verifications } = setup();
    await cache.userOf("a", verifier(60_000));
    clock.advance(60_000);
    const expired = async (): Promise<Verified> => {
      throw new Error("expired");
    };
    await expect(cache.userOf("a", expired)).rejects.toThrow("expired");
    await expect(cache.userOf("a", expired)).rejects.toThrow("expired");
    expect(verifications()).toBe(1);
  });

  it("does not store a failed verification or an already expired one", async () => {
    const { cache, verifier, verifications } = setup();
    await expect(
      cache.userOf("bad", async () => {
        throw new Error("bad signature");
      }),
    ).rejects.toThrow();
    await cache.userOf("bad", verifier(60_000));
    await cache.userOf("stale", verifier(0));
    await cache.userOf("stale", verifier(0));
    expect(verifications()).toBe(3);
  });

  it("drops the least recently used entry when full", async () => {
    const { cache, verifier, verifications } = setup(2);
    await cache.userOf("a", verifier(60_000));
    await cache.userOf("b", verifier(60_000));
    await cache.userOf("a", verifier(60_000)); // a is now the most recent
    await cache.userOf("c", verifier(60_000)); // evicts b
    expect(verifications()).toBe(3);
    await cache.userOf("a", verifier(60_000));
    expect(verifications()).toBe(3);
    await cache.userOf("b", verifier(60_000));
    expect(verifications()).toBe(4);
  });

  it("keys on a digest of every part, so another signature or another key source misses", async () => {
    const key = await tokenCacheKey(["dev", "secret", "header.payload.signature"]);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain("payload");
    expect(await tokenCacheKey(["dev", "secret", "header.payload.signaturf"])).not.toBe(key);
    expect(await tokenCacheKey(["dev", "other", "header.payload.signature"])).not.toBe(key);
  });
});

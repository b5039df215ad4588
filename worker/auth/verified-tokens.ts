import type { AuthenticatedUser } from "../env";

/** What a successful verification yields: the user, and until when the answer may be reused. */
export type Verified = { user: AuthenticatedUser; validUntilMs: number };

/**
 * Users of access tokens this isolate has already verified, so a client's next requests skip the
 * signature check (an ES256 verify and claim checks per request otherwise). Keyed by a SHA-256 of
 * the whole token and the key source, so a token with another signature, or the same token under
 * other settings, never hits; the token itself is never kept. Only successes are stored, an entry
 * is dropped at its validUntilMs (never later than the token's exp), and the least recently used
 * entry goes first when full.
 */
export class VerifiedTokenCache {
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently used first.
  private readonly entries = new Map<string, Verified>();

  constructor(
    private readonly capacity: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The cached user for this key, or verify() (which throws on a bad token) when absent or stale. */
  async userOf(key: string, verify: () => Promise<Verified>): Promise<AuthenticatedUser> {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      if (cached.validUntilMs > this.nowMs()) {
        this.entries.set(key, cached);
        return cached.user;
      }
    }
    const verified = await verify();
    if (verified.validUntilMs > this.nowMs()) {
      this.entries.set(key, verified);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    return verified.user;
  }
}

const encoder = new TextEncoder();
/** Two hex digits per byte value: one lookup a byte (the key is made on every request). */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Hex SHA-256 of the parts joined by newlines (the token goes last, so it cannot shift the others). */
export async function tokenCacheKey(parts: string[]): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(parts.join("\n"))));
  let hex = "";
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

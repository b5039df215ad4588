import { base64url, createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { AuthenticatedUser, Env } from "../env";
import { unauthorized } from "../errors";
import { isUuid } from "../id-contract";
import { tokenCacheKey, type Verified, VerifiedTokenCache } from "./verified-tokens";

/** Supabase puts this audience on user access tokens; dev tokens copy it so both have one shape. */
export const TOKEN_AUDIENCE = "authenticated";
export const DEV_ISSUER = "wattboard-dev";
const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;
const CLOCK_TOLERANCE_SECONDS = 30;

export type AuthConfig =
  | { mode: "supabase"; issuer: string; jwksUrl: URL; legacySecret?: Uint8Array }
  | { mode: "dev"; secret: Uint8Array }
  | { mode: "unconfigured" };

const encoder = new TextEncoder();

// Per env object: a Worker's env is the same object for every request of an isolate.
const configs = new WeakMap<Env, AuthConfig>();

/** The sign-in settings of an env, read once per env object. */
export function authConfig(env: Env): AuthConfig {
  let config = configs.get(env);
  if (!config) {
    config = readAuthConfig(env);
    configs.set(env, config);
  }
  return config;
}

function readAuthConfig(env: Env): AuthConfig {
  if (env.SUPABASE_URL) {
    const base = env.SUPABASE_URL.replace(/\/+$/, "");
    return {
      mode: "supabase",
      issuer: `${base}/auth/v1`,
      jwksUrl: new URL(`${base}/auth/v1/.well-known/jwks.json`),
      legacySecret: env.SUPABASE_JWT_SECRET ? encoder.encode(env.SUPABASE_JWT_SECRET) : undefined,
    };
  }
  if (env.DEV_AUTH_SECRET) return { mode: "dev", secret: encoder.encode(env.DEV_AUTH_SECRET) };
  return { mode: "unconfigured" };
}

/** How long the fetched keys are trusted before a refetch; verified tokens are reused no longer, so a key dropped from the JWKS stops working within this window. */
const KEY_SET_MAX_AGE_MS = 10 * 60_000;
/** About 300 bytes an entry: a few MB at most of the isolate's 128 MB. */
const VERIFIED_TOKEN_CAPACITY = 10_000;

// One key set per isolate: jose caches the fetched keys and refetches on an unknown kid.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function remoteKeySet(url: URL) {
  let keySet = keySets.get(url.href);
  if (!keySet) {
    keySet = createRemoteJWKSet(url, { cooldownDuration: 30_000, cacheMaxAge: KEY_SET_MAX_AGE_MS });
    keySets.set(url.href, keySet);
  }
  return keySet;
}

// One per isolate: each token is verified once, then answered from here until it expires.
const verifiedTokens = new VerifiedTokenCache(VERIFIED_TOKEN_CAPACITY);

const keySources = new WeakMap<AuthConfig, string>();

/** The settings a verification depends on, one string per config: a token verified under one key source is not reused under another. */
function keySource(config: AuthConfig): string {
  let source = keySources.get(config);
  if (source === undefined) {
    source = keySourceParts(config).join("\n");
    keySources.set(config, source);
  }
  return source;
}

function keySourceParts(config: AuthConfig): string[] {
  switch (config.mode) {
    case "dev":
      return ["dev", base64url.encode(config.secret)];
    case "supabase":
      return ["supabase", config.issuer, config.jwksUrl.href, config.legacySecret ? base64url.encode(config.legacySecret) : ""];
    case "unconfigured":
      return ["unconfigured"];
  }
}

/**
 * Verifies an access token and returns its user; a token already verified in this isolate is
 * answered from the cache until its exp. The algorithm is pinned per key source, so an HS256
 * token can never be checked against a public key (alg confusion) and "none" never passes.
 */
export async function verifyAccessToken(config: AuthConfig, token: string): Promise<AuthenticatedUser> {
  return verifiedTokens.userOf(await tokenCacheKey([keySource(config), token]), () => verifyUncached(config, token));
}

async function verifyUncached(config: AuthConfig, token: string): Promise<Verified> {
  let payload: JWTPayload;
  try {
    payload = await verifyWithConfig(config, token);
  } catch {
    throw unauthorized("The access token is invalid or expired: sign in again");
  }
  if (typeof payload.sub !== "string" || !isUuid(payload.sub)) {
    throw unauthorized("The access token has no valid subject: sign in again");
  }
  // requiredClaims guarantees exp; jose has checked it is a number.
  const validUntilMs = Math.min((payload.exp as number) * 1000, Date.now() + KEY_SET_MAX_AGE_MS);
  return { user: { id: payload.sub.toLowerCase(), email: typeof payload.email === "string" ? payload.email : null }, validUntilMs };
}

async function verifyWithConfig(config: AuthConfig, token: string): Promise<JWTPayload> {
  const common = { audience: TOKEN_AUDIENCE, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ["sub", "exp"] };
  switch (config.mode) {
    case "dev":
      return (await jwtVerify(token, config.secret, { ...common, issuer: DEV_ISSUER, algorithms: ["HS256"] })).payload;
    case "supabase": {
      const { alg } = decodeProtectedHeader(token);
      if (alg === "HS256") {
        if (!config.legacySecret) throw new Error("HS256 tokens are not accepted without the legacy secret");
        return (await jwtVerify(token, config.legacySecret, { ...common, issuer: config.issuer, algorithms: ["HS256"] })).payload;
      }
      const keys = remoteKeySet(config.jwksUrl);
      return (await jwtVerify(token, keys, { ...common, issuer: config.issuer, algorithms: ["ES256", "RS256", "EdDSA"] })).payload;
    }
    case "unconfigured":
      throw new Error("no auth configured");
  }
}

/** Dev sign-in: the same email always maps to the same user id, so data survives sign-outs. */
export async function devUserId(email: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`wattboard-dev-user:${email}`)));
  digest[6] = (digest[6] & 0x0f) | 0x80; // version 8: a custom, name-based UUID
  digest[8] = (digest[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A token with the claims of a Supabase access token, signed with the local dev secret. */
export async function mintDevToken(secret: Uint8Array, user: { id: string; email: string }): Promise<{ token: string; expiresAt: number }> {
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + DEV_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ email: user.email, role: "authenticated" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(DEV_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(secret);
  return { token, expiresAt };
}

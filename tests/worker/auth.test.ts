import { base64url, importJWK, SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { type AuthConfig, authConfig, DEV_ISSUER, devUserId, TOKEN_AUDIENCE, verifyAccessToken } from "../../worker/auth/tokens";
import { TEST_DEV_AUTH_SECRET } from "../setup/test-secrets";
import { call, callWithEnv, signIn, uniqueEmail } from "./helpers";

const devSecret = new TextEncoder().encode(TEST_DEV_AUTH_SECRET);
const now = () => Math.floor(Date.now() / 1000);

async function devToken(claims: { sub?: string; aud?: string; iss?: string; exp?: number }, secret = devSecret) {
  const jwt = new SignJWT({ email: "someone@example.test", role: "authenticated" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt();
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  jwt.setIssuer(claims.iss ?? DEV_ISSUER).setAudience(claims.aud ?? TOKEN_AUDIENCE);
  jwt.setExpirationTime(claims.exp ?? now() + 600);
  return jwt.sign(secret);
}

/** A token with "alg": "none": header and payload, no signature. */
function unsignedToken(payload: Record<string, unknown>) {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}

describe("dev sign-in", () => {
  it("issues a token that the API accepts, for a stable per-email user id", async () => {
    const email = uniqueEmail();
    const first = await call("POST", "/api/auth/dev", { body: { email } });
    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe("bearer");
    expect(first.body.user).toEqual({ id: await devUserId(email), email });
    const me = await call("GET", "/api/me", { token: first.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: first.body.user.id, email });

    const again = await call("POST", "/api/auth/dev", { body: { email: email.toUpperCase() } });
    expect(again.body.user.id).toBe(first.body.user.id);
  });

  it("rejects an invalid email with 400 naming the field", async () => {
    const result = await call("POST", "/api/auth/dev", { body: { email: "not-an-email" } });
    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: "email" })]);
  });

  it("tells the web app it is in dev mode", async () => {
    const result = await call("GET", "/api/auth/config");
    expect(result.body).toEqual({ mode: "dev" });
  });

  it("does not exist when a Supabase project is configured", async () => {
    const result = await callWithEnv({ SUPABASE_URL: inject("supabaseUrl") }, "POST", "/api/auth/dev", { email: uniqueEmail() });
    expect(result.status).toBe(404);
    const setup = await callWithEnv({ SUPABASE_URL: inject("supabaseUrl"), SUPABASE_ANON_KEY: "anon" }, "GET", "/api/auth/config");
    expect(setup.body).toEqual({ mode: "supabase", supabaseUrl: inject("supabaseUrl"), anonKey: "anon" });
  });

  it("does not exist when nothing is configured (a deploy without auth cannot be signed into)", async () => {
    const result = await callWithEnv({ DEV_AUTH_SECRET: undefined }, "POST", "/api/auth/dev", { email: uniqueEmail() });
    expect(result.status).toBe(404);
  });
});

describe("rejected tokens get 401 with the error envelope", () => {
  const cases: [string, () => Promise<string | undefined>][] = [
    ["no token", async () => undefined],
    ["a malformed token", async () => "not.a.jwt"],
    ["an expired token", async () => devToken({ sub: crypto.randomUUID(), exp: now() - 3600 })],
    [
      "a token signed with another secret (forged)",
      async () => devToken({ sub: crypto.randomUUID() }, new TextEncoder().encode("some-other-secret-of-enough-length!!")),
    ],
    ["an alg:none token", async () => unsignedToken({ sub: crypto.randomUUID(), aud: TOKEN_AUDIENCE, iss: DEV_ISSUER, exp: now() + 600 })],
    ["a token for another audience", async () => devToken({ sub: crypto.randomUUID(), aud: "service_role" })],
    ["a token from another issuer", async () => devToken({ sub: crypto.randomUUID(), iss: "https://evil.example/auth/v1" })],
    ["a token without a subject", async () => devToken({})],
    ["a token whose subject is not a user id", async () => devToken({ sub: "admin" })],
  ];
  for (const [name, makeToken] of cases) {
    it(name, async () => {
      const result = await call("GET", "/api/tabs", { token: await makeToken() });
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe("unauthorized");
    });
  }

  it("refuses a tampered copy of a token that was accepted (and cached) before", async () => {
    const token = await devToken({ sub: crypto.randomUUID() });
    expect((await call("GET", "/api/me", { token })).status).toBe(200);
    expect((await call("GET", "/api/me", { token })).status).toBe(200);
    const [header, payload, signature] = token.split(".");
    // The first character carries six signature bits (the last one has padding bits).
    const otherSignature = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const forgedPayload = base64url.encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))), sub: crypto.randomUUID() }),
    );
    for (const tampered of [`${header}.${payload}.${otherSignature}`, `${header}.${forgedPayload}.${signature}`]) {
      const result = await call("GET", "/api/me", { token: tampered });
      expect(result.status).toBe(401);
    }
  });

  it("does not reuse a token accepted under one secret once another secret is configured", async () => {
    const token = await devToken({ sub: crypto.randomUUID() });
    expect((await call("GET", "/api/me", { token })).status).toBe(200);
    const rotated = { DEV_AUTH_SECRET: "a-rotated-dev-secret-of-enough-length!!" };
    const result = await callWithEnv(rotated, "GET", "/api/me", undefined, { Authorization: `Bearer ${token}` });
    expect(result.status).toBe(401);
  });

  it("accepts a well-formed token for a user it has never seen, and creates the user", async () => {
    const userId = crypto.randomUUID();
    const result = await call("GET", "/api/me", { token: await devToken({ sub: userId }) });
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(userId);
    const created = await call("POST", "/api/tabs", { token: await devToken({ sub: userId }), body: { title: "Works" } });
    expect(created.status).toBe(201);
  });
});

describe("Supabase access tokens", () => {
  const supabaseUrl = () => inject("supabaseUrl");
  const legacySecret = "legacy-supabase-jwt-secret-with-32-chars!";
  const config = (withLegacy: boolean): AuthConfig =>
    authConfig({ SUPABASE_URL: supabaseUrl(), SUPABASE_JWT_SECRET: withLegacy ? legacySecret : undefined } as never);

  async function supabaseToken(claims: { aud?: string; iss?: string; exp?: number; kid?: string } = {}) {
    const jwk = JSON.parse(inject("supabasePrivateJwk"));
    const key = await importJWK(jwk, "ES256");
    return new SignJWT({ email: "supa@example.test", role: "authenticated" })
      .setProtectedHeader({ alg: "ES256", kid: claims.kid ?? jwk.kid, typ: "JWT" })
      .setSubject("7f0c1d2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f")
      .setIssuer(claims.iss ?? `${supabaseUrl()}/auth/v1`)
      .setAudience(claims.aud ?? "authenticated")
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? now() + 600)
      .sign(key);
  }

  it("accepts an ES256 token verified through the project's JWKS", async () => {
    const user = await verifyAccessToken(config(false), await supabaseToken());
    expect(user).toEqual({ id: "7f0c1d2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f", email: "supa@example.test" });
  });

  it("accepts a legacy HS256 token when the legacy secret is configured", async () => {
    const token = await new SignJWT({ email: "legacy@example.test" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("11111111-2222-4333-8444-555555555555")
      .setIssuer(`${supabaseUrl()}/auth/v1`)
      .setAudience("authenticated")
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(legacySecret));
    expect((await verifyAccessToken(config(true), token)).id).toBe("11111111-2222-4333-8444-555555555555");
    await expect(verifyAccessToken(config(false), token)).rejects.toMatchObject({ status: 401 });
  });

  it("rejects expired, wrong-audience, wrong-issuer and unknown-key tokens", async () => {
    for (const claims of [{ exp: now() - 3600 }, { aud: "anon" }, { iss: "https://other.supabase.co/auth/v1" }, { kid: "unknown-key" }]) {
      await expect(verifyAccessToken(config(true), await supabaseToken(claims))).rejects.toMatchObject({ status: 401 });
    }
  });

  it("rejects HS/ES confusion: an HS256 token keyed with the public key", async () => {
    const publicJwk = inject("supabasePublicJwk");
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", kid: "test-key-1" })
      .setSubject("7f0c1d2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f")
      .setIssuer(`${supabaseUrl()}/auth/v1`)
      .setAudience("authenticated")
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(publicJwk));
    await expect(verifyAccessToken(config(true), token)).rejects.toMatchObject({ status: 401 });
    await expect(verifyAccessToken(config(false), token)).rejects.toMatchObject({ status: 401 });
  });

  it("rejects dev tokens once Supabase is configured", async () => {
    const { token } = await signIn();
    const result = await callWithEnv({ SUPABASE_URL: supabaseUrl() }, "GET", "/api/me");
    expect(result.status).toBe(401);
    await expect(verifyAccessToken(config(true), token)).rejects.toMatchObject({ status: 401 });
  });
});

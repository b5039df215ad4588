import { base64url, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { authConfig, DEV_ISSUER, TOKEN_AUDIENCE, verifyAccessToken } from "../../../worker/auth/tokens";
import { TEST_DEV_AUTH_SECRET } from "../../setup/test-secrets";
import { createMeter, hourlyReadings, sign, signIn } from "../helpers";
import { rawFetch } from "./fixtures";

/** Attacks on the token layer beyond auth.test.ts: every one answers 401 with the envelope. */
const now = () => Math.floor(Date.now() / 1000);
const devSecret = new TextEncoder().encode(TEST_DEV_AUTH_SECRET);

function devClaims(overrides: Record<string, unknown> = {}) {
  return {
    sub: crypto.randomUUID(),
    iss: DEV_ISSUER,
    aud: TOKEN_AUDIENCE,
    iat: now(),
    exp: now() + 600,
    email: "x@example.test",
    ...overrides,
  };
}

async function hs256(claims: Record<string, unknown>, key: Uint8Array = devSecret, header: Record<string, unknown> = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT", ...header }).sign(key);
}

async function expect401(token: string) {
  const result = await rawFetch("GET", "/api/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(result.status).toBe(401);
  expect(JSON.parse(result.text).error.code).toBe("unauthorized");
}

describe("JWT attacks on the dev (HS256) configuration", () => {
  const cases: [string, () => Promise<string>][] = [
    [
      "alg none with something in the signature part",
      async () => `${base64url.encode(JSON.stringify({ alg: "none" }))}.${base64url.encode(JSON.stringify(devClaims()))}.c2ln`,
    ],
    [
      "alg NONE in capitals",
      async () => `${base64url.encode(JSON.stringify({ alg: "NONE", typ: "JWT" }))}.${base64url.encode(JSON.stringify(devClaims()))}.`,
    ],
    [
      "HS512 with the right secret (the algorithm is pinned to HS256)",
      async () => new SignJWT(devClaims()).setProtectedHeader({ alg: "HS512" }).sign(devSecret),
    ],
    [
      "RS256 signed with an attacker's key, its public key in the header (jwk)",
      async () => {
        const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
        return new SignJWT(devClaims()).setProtectedHeader({ alg: "RS256", jwk: await exportJWK(publicKey) }).sign(privateKey);
      },
    ],
    [
      "HS256 keyed with a public key's PEM (HS/RS confusion)",
      async () => {
        const { publicKey } = await generateKeyPair("RS256", { extractable: true });
        return hs256(devClaims(), new TextEncoder().encode(await exportSPKI(publicKey)));
      },
    ],
    ["expired beyond the clock tolerance", async () => hs256(devClaims({ exp: now() - 120 }))],
    ["not valid yet (nbf in the future)", async () => hs256(devClaims({ nbf: now() + 3600 }))],
    ["no exp (a token that would never expire)", async () => hs256(devClaims({ exp: undefined }))],
    ["wrong issuer", async () => hs256(devClaims({ iss: "https://attacker.example/auth/v1" }))],
    ["wrong audience (service_role)", async () => hs256(devClaims({ aud: "service_role" }))],
    ["audience list without ours", async () => hs256(devClaims({ aud: ["anon", "service_role"] }))],
    ["missing sub", async () => hs256(devClaims({ sub: undefined }))],
    ["sub that is not a user id", async () => hs256(devClaims({ sub: "' OR 1=1 --" }))],
    ["numeric sub", async () => hs256(devClaims({ sub: 42 }))],
    [
      "tampered payload (another sub, original signature)",
      async () => {
        const [header, , signature] = (await hs256(devClaims())).split(".");
        return `${header}.${base64url.encode(JSON.stringify(devClaims()))}.${signature}`;
      },
    ],
    ["signature stripped", async () => `${(await hs256(devClaims())).split(".").slice(0, 2).join(".")}.`],
    [
      "a Supabase-issued ES256 token while in dev mode",
      async () => {
        const jwk = JSON.parse(inject("supabasePrivateJwk"));
        return new SignJWT(devClaims({ iss: `${inject("supabaseUrl")}/auth/v1` }))
          .setProtectedHeader({ alg: "ES256", kid: jwk.kid })
          .sign(await importJWK(jwk, "ES256"));
      },
    ],
  ];
  for (const [name, token] of cases) it(name, async () => expect401(await token()));

  it("a valid token still works (the cases above fail for their attack, not by accident)", async () => {
    const result = await rawFetch("GET", "/api/me", { headers: { Authorization: `Bearer ${await hs256(devClaims())}` } });
    expect(result.status).toBe(200);
  });
});

describe("JWT attacks on the Supabase (JWKS) configuration", () => {
  const issuer = () => `${inject("supabaseUrl")}/auth/v1`;
  const config = () => authConfig({ SUPABASE_URL: inject("supabaseUrl") } as never);
  const claims = () => devClaims({ iss: issuer(), aud: "authenticated" });
  const attackerKey = () => generateKeyPair("ES256", { extractable: true });
  const cases: [string, () => Promise<string>][] = [
    [
      "alg none",
      async () => `${base64url.encode(JSON.stringify({ alg: "none", kid: "test-key-1" }))}.${base64url.encode(JSON.stringify(claims()))}.`,
    ],
    [
      "HS256 with no legacy secret configured, keyed with the JWKS's public key",
      async () => hs256(claims(), new TextEncoder().encode(inject("supabasePublicJwk")), { kid: "test-key-1" }),
    ],
    [
      "an attacker's key with the project's kid",
      async () => new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: "test-key-1" }).sign((await attackerKey()).privateKey),
    ],
    [
      "an attacker's key embedded in the header (jwk)",
      async () => {
        const { privateKey, publicKey } = await attackerKey();
        return new SignJWT(claims()).setProtectedHeader({ alg: "ES256", jwk: await exportJWK(publicKey) }).sign(privateKey);
      },
    ],
    [
      "an attacker's key set named in the header (jku)",
      async () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: "ES256", kid: "evil", jku: "https://attacker.example/jwks.json" })
          .sign((await attackerKey()).privateKey),
    ],
    [
      "the right key, expired",
      async () => {
        const jwk = JSON.parse(inject("supabasePrivateJwk"));
        return new SignJWT(devClaims({ iss: issuer(), exp: now() - 120 }))
          .setProtectedHeader({ alg: "ES256", kid: jwk.kid })
          .sign(await importJWK(jwk, "ES256"));
      },
    ],
  ];
  for (const [name, token] of cases) {
    it(name, async () => expect(verifyAccessToken(config(), await token())).rejects.toMatchObject({ status: 401, code: "unauthorized" }));
  }

  it("the project's key with these claims is accepted (the cases above fail for their attack, not by accident)", async () => {
    const jwk = JSON.parse(inject("supabasePrivateJwk"));
    const valid = claims();
    const token = await new SignJWT(valid).setProtectedHeader({ alg: "ES256", kid: jwk.kid }).sign(await importJWK(jwk, "ES256"));
    expect((await verifyAccessToken(config(), token)).id).toBe(valid.sub);
  });
});

describe("webhook replay and signature malleability", () => {
  async function setUp() {
    const { token } = await signIn("malleable");
    const meter = await createMeter(token);
    // Old readings: nothing here makes the model run.
    const body = JSON.stringify({ readings: hourlyReadings(3, Date.now() - 30 * 86_400_000) });
    const stored = async () => {
      const series = await rawFetch(
        "GET",
        `/api/meters/${meter.id}/series?from=2020-01-01T00:00:00Z&to=${new Date().toISOString()}&bucket=1mo&points=5000`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      return JSON.parse(series.text).points.reduce((n: number, p: { count: number }) => n + p.count, 0) as number;
    };
    return { meter, body, stored };
  }
  const post = (meterId: string, timestamp: string, signature: string, body: string) =>
    rawFetch("POST", `/api/ingest/${meterId}`, {
      headers: { "Content-Type": "application/json", "X-Wattboard-Timestamp": timestamp, "X-Wattboard-Signature": signature },
      body,
    });

  it("a captured request replayed outside the 300 s window is refused, inside it stores nothing twice", async () => {
    const { meter, body, stored } = await setUp();
    const old = String(now() - 301);
    expect((await post(meter.id, old, await sign(meter.webhook.secret, old, body), body)).status).toBe(401);
    const fresh = String(now());
    const signature = await sign(meter.webhook.secret, fresh, body);
    expect(JSON.parse((await post(meter.id, fresh, signature, body)).text)).toEqual({ accepted: 3, duplicates: 0 });
    expect(JSON.parse((await post(meter.id, fresh, signature, body)).text)).toEqual({ accepted: 0, duplicates: 3 });
    expect(await stored()).toBe(3);
  });

  it("altered signatures, timestamps and bodies are all refused with the same 401, and store nothing", async () => {
    const { meter, body, stored } = await setUp();
    const ts = String(now());
    const good = await sign(meter.webhook.secret, ts, body);
    const hex = good.slice("sha256=".length);
    const otherMeter = await createMeter((await signIn("other-owner")).token);
    const attempts: [string, string, string][] = [
      ["sha256= with a truncated MAC", ts, `sha256=${hex.slice(0, 63)}`],
      ["half the MAC", ts, `sha256=${hex.slice(0, 32)}`],
      ["MAC with a space inside", ts, `sha256=${hex.slice(0, 32)} ${hex.slice(32)}`],
      ["two signatures", ts, `${good},${good}`],
      ["another scheme", ts, `sha1=${hex}`],
      ["MAC without the scheme", ts, hex],
      ["base64 instead of hex", ts, `sha256=${btoa(hex)}`],
      ["another meter's secret", ts, await sign(otherMeter.webhook.secret, ts, body)],
      ["timestamp changed after signing", String(Number(ts) + 1), good],
      ["timestamp with a leading zero", `0${ts}`, good],
      ["timestamp in milliseconds", `${ts}000`, await sign(meter.webhook.secret, `${ts}000`, body)],
      ["negative timestamp", `-${ts}`, await sign(meter.webhook.secret, `-${ts}`, body)],
    ];
    for (const [name, timestamp, signature] of attempts) {
      const result = await post(meter.id, timestamp, signature, body);
      expect(result.status, name).toBe(401);
      expect(JSON.parse(result.text).error.code, name).toBe("unauthorized");
    }
    const modified = [body.replace("1000", "9999"), `${body} `, ` ${body}`, body.replace("{", "{ ")];
    for (const changed of modified) expect((await post(meter.id, ts, good, changed)).status, changed).toBe(401);
    expect(await stored()).toBe(0);
  });

  it("the same MAC spelled differently (hex case, HTTP's optional whitespace) is the same signature: accepted once, never stored twice", async () => {
    const { meter, body, stored } = await setUp();
    const ts = String(now());
    const good = await sign(meter.webhook.secret, ts, body);
    expect((await post(meter.id, ts, `sha256=${good.slice(7).toUpperCase()}`, body)).status).toBe(200);
    expect(JSON.parse((await post(meter.id, ts, `SHA256=${good.slice(7)}`, body)).text)).toEqual({ accepted: 0, duplicates: 3 });
    expect(JSON.parse((await post(meter.id, ts, `\t${good} `, body)).text)).toEqual({ accepted: 0, duplicates: 3 });
    expect(await stored()).toBe(3);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import staticHeaders from "../../../web/public/_headers?raw";
import { type PopulatedUser, populatedUser, type RawResult, rawFetch } from "./fixtures";

/**
 * Security headers on every kind of answer (health.test.ts checks one API answer): the API and
 * the share page are never framed, only /embed/* may be; nothing is sniffed; HTTPS only.
 */
let owner: PopulatedUser;
beforeAll(async () => {
  owner = await populatedUser("headers");
});

function expectNeverFramed(result: RawResult) {
  expect(result.headers.get("X-Frame-Options")).toBe("DENY");
  expect(result.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
}

function expectHardened(result: RawResult) {
  expect(result.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(result.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d{8,}/);
  expect(result.headers.get("Content-Security-Policy")).toBeTruthy();
}

describe("security headers", () => {
  it("API answers, errors included: CSP default-src 'none', nosniff, HSTS, never framed", async () => {
    const auth = { Authorization: `Bearer ${owner.token}` };
    const answers = [
      await rawFetch("GET", "/api/tabs", { headers: auth }),
      await rawFetch("GET", `/api/tabs/${crypto.randomUUID()}`, { headers: auth }),
      await rawFetch("GET", "/api/tabs"),
      await rawFetch("POST", "/api/tabs", { headers: { ...auth, "Content-Type": "application/json" }, body: "{" }),
      await rawFetch("GET", "/api/no-such-route"),
      await rawFetch("GET", `/api/public/shares/${owner.chartShare.token}`),
      await rawFetch("POST", `/api/ingest/${owner.meter.id}`, { body: "{}" }),
    ];
    for (const result of answers) {
      expectHardened(result);
      expectNeverFramed(result);
      expect(result.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    }
  });

  it("the share page is never framed; the embed page may be framed by any site and nothing else", async () => {
    for (const token of [owner.chartShare.token, "D".repeat(43)]) {
      const page = await rawFetch("GET", `/s/${token}`);
      expectHardened(page);
      expectNeverFramed(page);
      const embed = await rawFetch("GET", `/embed/${token}`);
      expectHardened(embed);
      expect(embed.headers.get("X-Frame-Options")).toBeNull();
      expect(embed.headers.get("Content-Security-Policy")).toContain("frame-ancestors *");
      for (const result of [page, embed]) {
        const csp = result.headers.get("Content-Security-Policy")!;
        expect(csp).toContain("base-uri 'none'");
        expect(csp).toContain("form-action 'none'");
        // Inline scripts only by hash, never 'unsafe-inline'.
        expect(csp).toMatch(/script-src 'self' 'unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
        expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      }
    }
  });

  it("the SPA's static files are never framed (web/public/_headers)", () => {
    const rules = staticHeaders;
    const all = rules.split(/^\/\*\s*$/m)[1] ?? "";
    expect(all).toMatch(/X-Frame-Options: DENY/);
    expect(all).toMatch(/Content-Security-Policy: .*frame-ancestors 'none'/);
    expect(all).toMatch(/X-Content-Type-Options: nosniff/);
    expect(all).toMatch(/Strict-Transport-Security: max-age=\d{8,}/);
    // No rule anywhere lets a static path be framed: only the Worker's /embed/* answers may be.
    expect(rules).not.toMatch(/frame-ancestors (?!'none')/);
  });
});

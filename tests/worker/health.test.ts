import { describe, expect, it } from "vitest";
import { call, callWithEnv, signIn } from "./helpers";

describe("GET /api/health", () => {
  it("reports the database as reachable", async () => {
    const result = await call("GET", "/api/health");
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true, db: "ok" });
  });

  it("answers 503 with db down when Postgres is unreachable, not a crash", async () => {
    // Port 1 on loopback: the proxy accepts the WebSocket but nothing listens behind it.
    const result = await callWithEnv({ DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" }, "GET", "/api/health");
    expect(result.status).toBe(503);
    expect(result.body).toEqual({ ok: false, db: "down" });
  });

  it("answers 503 when no database is configured", async () => {
    const result = await callWithEnv({ DATABASE_URL: undefined }, "GET", "/api/health");
    expect(result.status).toBe(503);
    expect(result.body).toEqual({ ok: false, db: "down" });
  });
});

describe("API surface", () => {
  it("serves an OpenAPI document listing the routes", async () => {
    const result = await call("GET", "/api/openapi.json");
    expect(result.status).toBe(200);
    expect(result.body.openapi).toBe("3.1.0");
    expect(Object.keys(result.body.paths)).toEqual(
      expect.arrayContaining(["/api/tabs", "/api/tabs/{id}", "/api/charts", "/api/charts/{id}", "/api/health"]),
    );
    expect(result.body.components.schemas.Chart.properties.spec).toBeDefined();
  });

  it("answers unknown API routes with the error envelope, and only to signed-in callers", async () => {
    const anonymous = await call("GET", "/api/does-not-exist");
    expect(anonymous.status).toBe(401);
    const { token } = await signIn();
    const result = await call("GET", "/api/does-not-exist", { token });
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe("route_not_found");
  });
});

describe("security headers", () => {
  it("API answers are never framed or sniffed", async () => {
    const result = await call("GET", "/api/health");
    expect(result.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(result.headers.get("X-Frame-Options")).toBe("DENY");
    expect(result.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(result.headers.get("Strict-Transport-Security")).toContain("max-age=31536000");
  });
});

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { missingSettings } from "../../worker/env";
import { call, callWithEnv } from "./helpers";

describe("Worker settings are checked before any request", () => {
  it("a well-formed configuration serves requests", async () => {
    const result = await call("GET", "/api/health");
    expect(result.status).toBe(200);
  });

  it("a malformed setting answers 503 naming the setting, never its value", async () => {
    const result = await callWithEnv({ OPENCODE_CONTEXT_TOKENS: "plenty-secret-ish" }, "GET", "/api/health");
    expect(result.status).toBe(503);
    expect(result.body.error.code).toBe("misconfigured");
    expect(result.body.error.message).toContain("OPENCODE_CONTEXT_TOKENS must be a whole number");
    expect(result.body.error.message).not.toContain("plenty-secret-ish");
  });

  it("opencode without the tool secret is refused, since its tools could never call back", async () => {
    const result = await callWithEnv({ OPENCODE_URL: "http://127.0.0.1:4096", OPENCODE_TOOL_SECRET: undefined }, "GET", "/api/chat/tools");
    expect(result.status).toBe(503);
    expect(result.body.error.message).toContain("OPENCODE_TOOL_SECRET is required when OPENCODE_URL is set");
  });

  it("a database URL that is not Postgres is refused", async () => {
    const result = await callWithEnv({ DATABASE_URL: "mysql://root@127.0.0.1/test" }, "GET", "/api/health");
    expect(result.status).toBe(503);
    expect(result.body.error.message).toContain("DATABASE_URL must be a postgres:// connection string");
  });
});

describe("missingSettings", () => {
  it("says what stops working for each essential setting left out", () => {
    expect(missingSettings(env)).toEqual([]);
    const bare = { ...env, DATABASE_URL: undefined, WEBHOOK_SECRET_KEY: undefined, DEV_AUTH_SECRET: undefined, SUPABASE_URL: undefined };
    expect(missingSettings(bare)).toEqual([
      "DATABASE_URL is not set: every API call answers 503",
      "WEBHOOK_SECRET_KEY is not set: meters cannot be created or post readings",
      "neither SUPABASE_URL nor DEV_AUTH_SECRET is set: nobody can sign in",
    ]);
  });
});

/**
 * The demo seed checks every answer: a failed call names what it was making and the API's answer,
 * and leaves no half-seeded tab behind (a retry seeds again).
 */
import { describe, expect, it } from "vitest";
import { ensureDemoTab, seeded } from "../../scripts/demo/demo-feed";

const METERS = Object.fromEntries(
  ["sceaux", "kitchen", "laundry", "heater", "london-a", "london-b"].map((key) => [key, { id: `${key}-id`, secret: "s" }]),
);

/** A fake API that answers `failing` with 422 and records every call. */
function fakeApi(failing: (method: string, path: string, body: unknown) => boolean) {
  const calls: string[] = [];
  let next = 0;
  const api = async <T>(method: string, path: string, _token?: string, body?: unknown) => {
    calls.push(`${method} ${path}`);
    if (failing(method, path, body)) return { status: 422, body: { error: { message: "spec.meterIds: unknown meter" } } as T };
    if (method === "GET") return { status: 200, body: { tabs: [] } as T };
    return { status: method === "POST" ? 201 : 200, body: { id: `made-${next++}` } as T };
  };
  return { api, calls };
}

describe("the demo seed", () => {
  it("passes a 2xx answer through and names what failed otherwise", () => {
    expect(seeded("create the Home tab", { status: 201, body: { id: "t" } }).body).toEqual({ id: "t" });
    expect(() => seeded("create the Home tab", { status: 503, body: "Bad gateway" })).toThrow(
      'demo: could not create the Home tab: the API answered 503 "Bad gateway"',
    );
  });

  it("stops at a chart the API refuses, says which, and deletes the tabs it made", async () => {
    const { api, calls } = fakeApi(
      (method, path, body) => method === "POST" && path === "/api/charts" && (body as { title: string }).title === "Voltage",
    );
    await expect(ensureDemoTab(api, "token", { meters: METERS })).rejects.toThrow(
      /demo: could not add the chart “Voltage”: the API answered 422 .*unknown meter/,
    );
    expect(calls.filter((call) => call.startsWith("DELETE"))).toEqual(["DELETE /api/tabs/made-0", "DELETE /api/tabs/made-1"]);
  });

  it("seeds every chart when every call succeeds", async () => {
    const { api, calls } = fakeApi(() => false);
    await ensureDemoTab(api, "token", { meters: METERS });
    expect(calls.filter((call) => call === "POST /api/charts")).toHaveLength(8);
    expect(calls.some((call) => call.startsWith("DELETE"))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { call, chartSpec, ownChartSpec, signIn } from "./helpers";

async function tabFor(token: string, title = "Home") {
  return (await call("POST", "/api/tabs", { token, body: { title } })).body.id as string;
}

async function chartOn(token: string, tabId: string, overrides: Record<string, unknown> = {}) {
  const result = await call("POST", "/api/charts", {
    token,
    body: { tabId, title: "Power", spec: await ownChartSpec(token), ...overrides },
  });
  expect(result.status).toBe(201);
  return result.body;
}

describe("charts: happy path", () => {
  it("creates a chart with defaults filled in and reads it back", async () => {
    const { token } = await signIn();
    const tabId = await tabFor(token);
    const meterId = (await ownChartSpec(token)).meterIds[0];
    const created = await call("POST", "/api/charts", {
      token,
      body: {
        tabId,
        title: "House power",
        spec: { meterIds: [meterId], metric: "power_w", window: { kind: "relative", preset: "last_7d" } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tabId,
      title: "House power",
      source: "manual",
      provenance: null,
      spec: {
        meterIds: [meterId],
        metric: "power_w",
        aggregation: "avg",
        chartType: "line",
        bucket: "auto",
        window: { kind: "relative", preset: "last_7d" },
      },
      layout: { x: 0, y: 0, w: 12, h: 8 },
    });
    const read = await call("GET", `/api/charts/${created.body.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it("puts a new chart where there is room, at full width below the others, unless a layout is given", async () => {
    const { token } = await signIn();
    const tabId = await tabFor(token);
    expect((await chartOn(token, tabId)).layout).toEqual({ x: 0, y: 0, w: 12, h: 8 });
    expect((await chartOn(token, tabId)).layout).toEqual({ x: 0, y: 8, w: 12, h: 8 });
    // A half-width chart at the bottom leaves its right half free: the next chart fills it.
    await chartOn(token, tabId, { layout: { x: 0, y: 16, w: 5, h: 8 } });
    expect((await chartOn(token, tabId)).layout).toEqual({ x: 5, y: 16, w: 7, h: 8 });
    expect((await chartOn(token, tabId)).layout).toEqual({ x: 0, y: 24, w: 12, h: 8 });
  });

  it("accepts every chart type and an absolute window with a bucket", async () => {
    const { token } = await signIn();
    const tabId = await tabFor(token);
    for (const chartType of ["line", "area", "bar", "stacked", "heatmap"]) {
      const chart = await chartOn(token, tabId, {
        spec: await ownChartSpec(token, {
          chartType,
          aggregation: "max",
          bucket: "1h",
          window: { kind: "absolute", from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00+01:00" },
        }),
      });
      expect(chart.spec.chartType).toBe(chartType);
    }
  });

  it("updates title, spec and layout", async () => {
    const { token } = await signIn();
    const tabId = await tabFor(token);
    const chart = await chartOn(token, tabId);
    const spec = await ownChartSpec(token, { metric: "voltage_v", chartType: "area", window: { kind: "relative", preset: "this_month" } });
    const result = await call("PATCH", `/api/charts/${chart.id}`, {
      token,
      body: { title: "Voltage", spec, layout: { x: 6, y: 0, w: 6, h: 4 } },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      title: "Voltage",
      spec: { metric: "voltage_v", chartType: "area" },
      layout: { x: 6, y: 0, w: 6, h: 4 },
    });
    expect((await call("GET", `/api/charts/${chart.id}`, { token })).body.title).toBe("Voltage");
  });

  it("keeps a chart's forecast overlay in its spec, so every browser draws it", async () => {
    const { token } = await signIn();
    const tabId = await tabFor(token);
    const chart = await chartOn(token, tabId);
    const spec = { ...chart.spec, forecast: true };
    expect((await call("PATCH", `/api/charts/${chart.id}`, { token, body: { spec } })).status).toBe(200);
    expect((await call("GET", `/api/charts/${chart.id}`, { token })).body.spec.forecast).toBe(true);
  });

  it("moves a chart to another tab, below that tab's charts", async () => {
    const { token } = await signIn();
    const from = await tabFor(token, "From");
    const to = await tabFor(token, "To");
    await chartOn(token, to, { layout: { x: 0, y: 0, w: 12, h: 3 } });
    const chart = await chartOn(token, from);
    const moved = await call("PATCH", `/api/charts/${chart.id}`, { token, body: { tabId: to } });
    expect(moved.status).toBe(200);
    expect(moved.body.tabId).toBe(to);
    expect(moved.body.layout.y).toBe(3);
    expect((await call("GET", `/api/tabs/${from}`, { token })).body.charts).toEqual([]);
    expect((await call("GET", `/api/tabs/${to}`, { token })).body.charts).toHaveLength(2);
  });

  it("deletes a chart", async () => {
    const { token } = await signIn();
    const chart = await chartOn(token, await tabFor(token));
    expect((await call("DELETE", `/api/charts/${chart.id}`, { token })).body).toEqual({ deleted: true });
    expect((await call("GET", `/api/charts/${chart.id}`, { token })).status).toBe(404);
    expect((await call("DELETE", `/api/charts/${chart.id}`, { token })).status).toBe(404);
  });
});

describe("charts: an invalid spec gets 400 naming the field", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["no meters", chartSpec({ meterIds: [] }), "spec.meterIds"],
    ["a meter id that is not a UUID", chartSpec({ meterIds: ["meter-1"] }), "spec.meterIds.0"],
    ["an unknown metric", chartSpec({ metric: "watts" }), "spec.metric"],
    ["an unknown chart type", chartSpec({ chartType: "pie" }), "spec.chartType"],
    ["an unknown aggregation", chartSpec({ aggregation: "median" }), "spec.aggregation"],
    ["an unknown relative window", chartSpec({ window: { kind: "relative", preset: "last_decade" } }), "spec.window.preset"],
    [
      "an absolute window that ends before it starts",
      chartSpec({ window: { kind: "absolute", from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } }),
      "spec.window.to",
    ],
    [
      "a window timestamp without a zone",
      chartSpec({ window: { kind: "absolute", from: "2026-01-01 00:00", to: "2026-01-02T00:00:00Z" } }),
      "spec.window.from",
    ],
    ["a heatmap of two meters", chartSpec({ chartType: "heatmap", meterIds: [crypto.randomUUID(), crypto.randomUUID()] }), "spec.meterIds"],
    ["stacked voltages", chartSpec({ chartType: "stacked", metric: "voltage_v" }), "spec.metric"],
    ["an unknown bucket", chartSpec({ bucket: "2h" }), "spec.bucket"],
    ["a forecast over two meters", chartSpec({ forecast: true, meterIds: [crypto.randomUUID(), crypto.randomUUID()] }), "spec.forecast"],
    ["a forecast over voltage", chartSpec({ forecast: true, metric: "voltage_v" }), "spec.forecast"],
    ["an unknown spec field", chartSpec({ colour: "red" }), "spec"],
  ];
  for (const [name, spec, path] of cases) {
    it(name, async () => {
      const { token } = await signIn();
      const tabId = await tabFor(token);
      const result = await call("POST", "/api/charts", { token, body: { tabId, title: "Bad", spec } });
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe("invalid_request");
      expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      expect((await call("GET", `/api/tabs/${tabId}`, { token })).body.charts).toEqual([]);
    });
  }

  it("a layout wider than the grid", async () => {
    const { token } = await signIn();
    const chart = await chartOn(token, await tabFor(token));
    const result = await call("PATCH", `/api/charts/${chart.id}`, { token, body: { layout: { x: 8, y: 0, w: 6, h: 4 } } });
    expect(result.status).toBe(400);
    expect(result.body.error.details.map((d: { path: string }) => d.path)).toContain("layout.w");
    expect((await call("GET", `/api/charts/${chart.id}`, { token })).body.layout).toEqual(chart.layout);
  });

  it("an update with nothing to change", async () => {
    const { token } = await signIn();
    const chart = await chartOn(token, await tabFor(token));
    expect((await call("PATCH", `/api/charts/${chart.id}`, { token, body: {} })).status).toBe(400);
  });

  it("a chart on a tab that does not exist", async () => {
    const { token } = await signIn();
    const result = await call("POST", "/api/charts", { token, body: { tabId: crypto.randomUUID(), title: "x", spec: chartSpec() } });
    expect(result.status).toBe(404);
    expect(result.body.error.message).toBe("Tab not found");
  });
});

describe("charts: another user's chart or tab is indistinguishable from a missing one", () => {
  it("answers 404 on read, update and delete, and changes nothing", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const chart = await chartOn(owner.token, await tabFor(owner.token));
    const intruderTab = await tabFor(intruder.token);
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { title: "Hijacked" }],
      ["PATCH", { tabId: intruderTab }],
      ["DELETE", undefined],
    ] as const) {
      const result = await call(method, `/api/charts/${chart.id}`, { token: intruder.token, body });
      expect(result.status).toBe(404);
      expect(result.body).toEqual({ error: { code: "not_found", message: "Chart not found" } });
    }
    expect(await call("GET", `/api/charts/${chart.id}`, { token: owner.token })).toMatchObject({ status: 200, body: chart });
  });

  it("cannot create a chart on another user's tab", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const ownerTab = await tabFor(owner.token);
    const result = await call("POST", "/api/charts", {
      token: intruder.token,
      body: { tabId: ownerTab, title: "Sneaky", spec: chartSpec() },
    });
    expect(result.status).toBe(404);
    expect(result.body.error.message).toBe("Tab not found");
    expect((await call("GET", `/api/tabs/${ownerTab}`, { token: owner.token })).body.charts).toEqual([]);
  });

  it("cannot point a chart at another user's meter", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const ownerMeter = (await ownChartSpec(owner.token)).meterIds[0];
    const tabId = await tabFor(intruder.token);
    const created = await call("POST", "/api/charts", {
      token: intruder.token,
      body: { tabId, title: "Peek", spec: chartSpec({ meterIds: [ownerMeter] }) },
    });
    expect(created.status).toBe(404);
    expect(created.body.error.message).toBe("Meter not found");
    const chart = await chartOn(intruder.token, tabId);
    const updated = await call("PATCH", `/api/charts/${chart.id}`, {
      token: intruder.token,
      body: { spec: chartSpec({ meterIds: [ownerMeter] }) },
    });
    expect(updated.status).toBe(404);
    expect((await call("GET", `/api/charts/${chart.id}`, { token: intruder.token })).body.spec).toEqual(chart.spec);
  });

  it("cannot move an own chart onto another user's tab", async () => {
    const owner = await signIn("owner");
    const intruder = await signIn("intruder");
    const ownerTab = await tabFor(owner.token);
    const chart = await chartOn(intruder.token, await tabFor(intruder.token));
    const result = await call("PATCH", `/api/charts/${chart.id}`, { token: intruder.token, body: { tabId: ownerTab } });
    expect(result.status).toBe(404);
    expect(result.body.error.message).toBe("Tab not found");
    expect((await call("GET", `/api/charts/${chart.id}`, { token: intruder.token })).body.tabId).toBe(chart.tabId);
    expect((await call("GET", `/api/tabs/${ownerTab}`, { token: owner.token })).body.charts).toEqual([]);
  });
});

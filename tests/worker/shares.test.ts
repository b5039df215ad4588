import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, callWithEnv, ownChartSpec, signIn } from "./helpers";

async function dashboard() {
  const user = await signIn();
  const tab = (await call("POST", "/api/tabs", { token: user.token, body: { title: "Shop floor" } })).body.id as string;
  const spec = await ownChartSpec(user.token);
  const chart = (await call("POST", "/api/charts", { token: user.token, body: { tabId: tab, title: "Compressor power", spec } })).body;
  return { ...user, tab, chart };
}

const share = (token: string, body: Record<string, unknown>) => call("POST", "/api/shares", { token, body });
const view = (shareToken: string, query = "") => call("GET", `/api/public/shares/${shareToken}${query}`);

describe("shares: links", () => {
  it("share a chart: an unguessable link that anyone can open, with the chart and its data only", async () => {
    const { token, chart } = await dashboard();
    const created = await share(token, { kind: "chart", id: chart.id });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.url).toBe(`http://wattboard.test/s/${created.body.token}`);
    expect(created.body.embedUrl).toBe(`http://wattboard.test/embed/${created.body.token}`);
    const opened = await view(created.body.token);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({
      kind: "chart",
      title: "Compressor power",
      viewerMayChangeRange: false,
      charts: [{ title: "Compressor power", unit: "W" }],
    });
    const text = JSON.stringify(opened.body);
    expect(text).not.toContain(chart.spec.meterIds[0]);
    expect(text).not.toContain(chart.tabId);
  });

  it("sharing again returns the live link; renewing replaces it (the old one dies); the list counts views", async () => {
    const { token, chart } = await dashboard();
    const first = (await share(token, { kind: "chart", id: chart.id })).body;
    expect((await share(token, { kind: "chart", id: chart.id })).body.token).toBe(first.token);
    const renewed = (await share(token, { kind: "chart", id: chart.id, renew: true })).body;
    expect(renewed.token).not.toBe(first.token);
    expect((await view(first.token)).status).toBe(404);
    await view(renewed.token);
    const list = (await call("GET", "/api/shares", { token })).body.shares;
    expect(list.map((s: { token: string }) => s.token)).toEqual([renewed.token]);
    expect(list[0].viewCount).toBe(1);
  });

  it("looking up a target's live link makes none: null before sharing, the link after", async () => {
    const { token, chart } = await dashboard();
    const lookup = () => call("GET", `/api/shares/live?kind=chart&id=${chart.id}`, { token });
    expect(await lookup()).toMatchObject({ status: 200, body: { share: null } });
    expect((await call("GET", "/api/shares", { token })).body.shares).toEqual([]);
    const created = (await share(token, { kind: "chart", id: chart.id })).body;
    expect((await lookup()).body.share).toEqual(created);
    expect((await call("GET", "/api/shares/live?kind=chart&id=not-a-uuid", { token })).status).toBe(400);
  });

  it("concurrent shares of one target give one link", async () => {
    const { token, chart } = await dashboard();
    const [one, two] = await Promise.all([share(token, { kind: "chart", id: chart.id }), share(token, { kind: "chart", id: chart.id })]);
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(two.body.token).toBe(one.body.token);
    expect((await call("GET", "/api/shares", { token })).body.shares.map((s: { token: string }) => s.token)).toEqual([one.body.token]);
  });

  it("revoking and sharing again gives a new link", async () => {
    const { token, chart } = await dashboard();
    const first = (await share(token, { kind: "chart", id: chart.id })).body.token;
    expect((await call("DELETE", `/api/shares/${first}`, { token })).status).toBe(200);
    const again = (await share(token, { kind: "chart", id: chart.id })).body.token;
    expect(again).not.toBe(first);
    expect((await view(again)).status).toBe(200);
  });

  it("a tab share shows the charts now on the tab; a chart moved away disappears", async () => {
    const { token, tab, chart } = await dashboard();
    const link = (await share(token, { kind: "tab", id: tab })).body.token;
    expect((await view(link)).body.charts.map((c: { title: string }) => c.title)).toEqual(["Compressor power"]);
    const other = (await call("POST", "/api/tabs", { token, body: { title: "Private" } })).body.id;
    await call("PATCH", `/api/charts/${chart.id}`, { token, body: { tabId: other } });
    // A new link (the first response may be cached at the edge for a few seconds).
    const fresh = (await share(token, { kind: "tab", id: tab, renew: true })).body.token;
    expect((await view(fresh)).body).toMatchObject({ kind: "tab", title: "Shop floor", charts: [] });
  });

  it("viewers may change the range only when allowed", async () => {
    const { token, chart } = await dashboard();
    const locked = (await share(token, { kind: "chart", id: chart.id })).body.token;
    const range = "?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
    expect((await view(locked, range)).body.charts[0].series[0].from).not.toBe("2026-01-01T00:00:00.000Z");
    const open = (await share(token, { kind: "chart", id: chart.id, renew: true, viewerMayChangeRange: true })).body.token;
    expect((await view(open, range)).body.charts[0].series[0].from).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("shares: dead links", () => {
  it("revoked: 404 at once", async () => {
    const { token, chart } = await dashboard();
    const link = (await share(token, { kind: "chart", id: chart.id })).body.token;
    expect((await view(link)).status).toBe(200);
    expect((await call("DELETE", `/api/shares/${link}`, { token })).status).toBe(200);
    expect((await view(link)).status).toBe(404);
    expect((await call("DELETE", `/api/shares/${link}`, { token })).status).toBe(404);
  });

  it("expired: 404", async () => {
    const { token, chart } = await dashboard();
    const created = await share(token, { kind: "chart", id: chart.id, expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect(created.status).toBe(201);
    const link = created.body.token;
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await view(link)).status).toBe(404);
    expect((await call("GET", `/api/shares/live?kind=chart&id=${chart.id}`, { token })).body.share).toBeNull();
    const replacement = (await share(token, { kind: "chart", id: chart.id })).body.token;
    expect(replacement).not.toBe(link);
    expect((await view(replacement)).status).toBe(200);
    expect((await share(token, { kind: "chart", id: chart.id, expiresAt: "2020-01-01T00:00:00Z" })).status).toBe(400);
  });

  it("deleting the chart or the tab kills their links", async () => {
    const { token, tab, chart } = await dashboard();
    const chartShare = await share(token, { kind: "chart", id: chart.id });
    const tabShare = await share(token, { kind: "tab", id: tab });
    expect([chartShare.status, tabShare.status]).toEqual([201, 201]);
    const [chartLink, tabLink] = [chartShare.body.token, tabShare.body.token];
    expect((await call("DELETE", `/api/tabs/${tab}`, { token })).status).toBe(200);
    expect((await view(chartLink)).status).toBe(404);
    expect((await view(tabLink)).status).toBe(404);
  });

  it("unknown and malformed tokens look the same", async () => {
    const unknown = await view("A".repeat(43));
    const malformed = await view("not-a-token");
    expect(unknown.status).toBe(404);
    expect(malformed.body).toEqual(unknown.body);
  });
});

describe("shares: security", () => {
  it("another user's chart or tab cannot be shared, and their links cannot be revoked", async () => {
    const owner = await dashboard();
    const intruder = await signIn("intruder");
    expect((await share(intruder.token, { kind: "chart", id: owner.chart.id })).status).toBe(404);
    expect((await share(intruder.token, { kind: "tab", id: owner.tab })).status).toBe(404);
    expect((await call("GET", `/api/shares/live?kind=chart&id=${owner.chart.id}`, { token: intruder.token })).status).toBe(404);
    const link = (await share(owner.token, { kind: "chart", id: owner.chart.id })).body.token;
    expect((await call("DELETE", `/api/shares/${link}`, { token: intruder.token })).status).toBe(404);
    expect((await call("GET", "/api/shares", { token: intruder.token })).body.shares).toEqual([]);
    expect((await view(link)).status).toBe(200);
  });

  it("a brute-force attempt from one address hits the rate limit", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const statuses: number[] = [];
    // The limiter counts per fixed minute (120 each): 250 attempts exceed it even when they straddle
    // a minute boundary.
    for (let i = 0; i < 250; i++) {
      const response = await call("GET", `/api/public/shares/${"B".repeat(42)}${i % 10}`, { headers: { "CF-Connecting-IP": ip } });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get("Retry-After")).toBe("60");
        break;
      }
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
  });
});

describe("shares: unfurls and embeds", () => {
  it("a server-drawn SVG preview with the title, and oEmbed pointing at the embed page", async () => {
    const { token, chart } = await dashboard();
    const link = (await share(token, { kind: "chart", id: chart.id })).body;
    const preview = await (exports as { default: Fetcher }).default.fetch(
      `http://wattboard.test/api/public/shares/${link.token}/preview.svg`,
    );
    expect(preview.status).toBe(200);
    expect(preview.headers.get("Content-Type")).toContain("image/svg+xml");
    expect(await preview.text()).toContain("Compressor power");

    const oembed = await call("GET", `/api/public/oembed?url=${encodeURIComponent(link.url)}`);
    expect(oembed.status).toBe(200);
    expect(oembed.body).toMatchObject({
      type: "rich",
      version: "1.0",
      title: "Compressor power",
      thumbnail_url: `http://wattboard.test/api/public/shares/${link.token}/preview.svg`,
    });
    expect(oembed.body.html).toContain(`src="http://wattboard.test/embed/${link.token}"`);

    await call("DELETE", `/api/shares/${link.token}`, { token });
    expect((await call("GET", `/api/public/oembed?url=${encodeURIComponent(link.url)}`)).status).toBe(404);
    expect((await call("GET", "/api/public/oembed?url=https://example.com/elsewhere")).status).toBe(404);
  });
});

describe("shares: the edge cache", () => {
  it("a second read is served from the cache with the same body and the API's headers", async () => {
    const { token, chart } = await dashboard();
    const link = (await share(token, { kind: "chart", id: chart.id })).body.token;
    const first = await view(link);
    const second = await view(link);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});

describe("shares: tokens stay out of the logs", () => {
  it("an error on a public read or page logs the route without the token", async () => {
    const token = "Z".repeat(43);
    for (const [path, redacted] of [
      [`/api/public/shares/${token}`, "/api/public/shares/<token>"],
      [`/s/${token}`, "/s/<token>"],
      [`/embed/${token}`, "/embed/<token>"],
    ]) {
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      try {
        const result = await callWithEnv({ DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" }, "GET", path);
        expect(result.status).toBe(503);
        const logged = errors.mock.calls.flat().join(" ");
        expect(logged).toContain(redacted);
        expect(logged).not.toContain(token);
      } finally {
        errors.mockRestore();
      }
    }
  });
});

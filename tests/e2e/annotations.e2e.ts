/**
 * Notes on a chart: a click on the chart opens "Add a note here", the note is drawn at that time
 * (a dotted line with its label), and a link shared with notes shows it to a visitor.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, postSignedReadings, stackApi, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const api = <T>(method: string, path: string, token: string | null, body?: unknown) => stackApi<T>(stack, method, path, token, body);

type Note = { text: string; kind: string; startsAt: string; endsAt: string | null; meterName: string };

describe("notes on a chart", () => {
  it("a click on the chart adds a note there, drawn on the chart and, when chosen, on the shared link", async () => {
    const email = `notes-${Date.now()}@wattboard.local`;
    const { access_token: token } = await api<{ access_token: string }>("POST", "/api/auth/dev", null, { email });
    const meter = await api<{ id: string; webhook: { secret: string } }>("POST", "/api/meters", token, { name: "Flat", timezone: "UTC" });
    // Half-hourly readings over the last day, with an evening bump.
    const now = Date.now();
    const readings = Array.from({ length: 48 }, (_, i) => {
      const ts = new Date(now - (47 - i) * 30 * 60_000);
      return { ts: ts.toISOString(), power_w: 400 + (ts.getUTCHours() >= 17 && ts.getUTCHours() < 21 ? 1800 : 0) };
    });
    expect(await postSignedReadings(stack, meter, readings)).toBe(200);
    const tab = await api<{ id: string }>("POST", "/api/tabs", token, { title: "Home" });
    await api("POST", "/api/charts", token, {
      tabId: tab.id,
      title: "Flat power",
      spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_24h" } },
    });

    // Away this morning (from the API), drawn as a shaded band.
    await api("POST", "/api/annotations", token, {
      meterId: meter.id,
      kind: "away",
      text: "Away",
      startsAt: new Date(now - 20 * 3_600_000).toISOString(),
      endsAt: new Date(now - 14 * 3_600_000).toISOString(),
    });

    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await chartsDrawn(page);
    const plot = page.getByTestId("plot").first();
    await expect.poll(() => plot.getAttribute("data-notes")).toBe("1");
    await plot.getByText("⌂ Away").waitFor();

    // Hover a point in the middle of the chart, then click it.
    const area = (await plot.locator(".nsewdrag").first().boundingBox())!;
    const x = area.x + area.width * 0.6;
    const y = area.y + area.height * 0.5;
    await page.mouse.move(x, y);
    await page.mouse.click(x, y);
    const popover = page.getByRole("form", { name: "Add a note here" });
    await popover.waitFor();
    await popover.getByRole("textbox", { name: "Note" }).fill("Heat pump installed");
    await screenshot(page, "annotations-popover");
    await popover.getByRole("button", { name: "Add note" }).click();
    await popover.waitFor({ state: "detached" });

    await expect.poll(() => plot.getAttribute("data-notes")).toBe("2");
    await plot.getByText("✎ Heat pump installed").waitFor();
    // The band and the note's dotted line are among the plot's shapes.
    expect(await plot.locator(".shapelayer path, .layer-below .shapelayer path").count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, "annotations-drawn");

    const { annotations } = await api<{ annotations: Note[] }>("GET", `/api/annotations?meterId=${meter.id}`, token);
    expect(annotations).toMatchObject([{ kind: "away" }, { text: "Heat pump installed", kind: "note", endsAt: null, meterName: "Flat" }]);
    // At the time clicked: within the chart's window.
    const at = Date.parse(annotations[1].startsAt);
    expect(at).toBeGreaterThan(now - 24 * 3_600_000);
    expect(at).toBeLessThanOrEqual(now + 60_000);

    // A link shows notes only when the owner ticks the option in the share dialog (a new link).
    await page.getByRole("button", { name: "Actions for Flat power" }).click();
    await page.getByRole("menuitem", { name: "Share" }).click();
    await page.getByRole("button", { name: "Create link" }).click();
    const link = page.getByLabel("Share link");
    await expect.poll(() => link.inputValue()).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
    const plainUrl = await link.inputValue();
    // A click makes the new link; the box shows ticked once it exists.
    await page.getByLabel(/Show the notes on the charts/).click();
    await expect.poll(() => page.getByLabel(/Show the notes on the charts/).isChecked()).toBe(true);
    await expect.poll(() => link.inputValue()).not.toBe(plainUrl);
    await screenshot(page, "annotations-share-dialog");
    const share = { url: await link.inputValue() };
    const opened = await api<{ charts: { annotations?: Note[] }[] }>("GET", `/api/public/shares/${share.url.split("/s/")[1]}`, null);
    expect(opened.charts[0].annotations).toHaveLength(2);
    const visitor = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    const shared = await visitor.newPage();
    await shared.goto(share.url);
    await shared.locator(".public-plot .main-svg").first().waitFor();
    await shared.getByText("✎ Heat pump installed").waitFor();
    await screenshot(shared, "annotations-shared");
    await visitor.close();
  });
});

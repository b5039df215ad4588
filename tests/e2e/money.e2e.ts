/**
 * What energy costs, as a person finds it: the demo's money row, a summary card and a cost
 * breakdown added to a tab through the builder, cost over time against last week with the
 * untracked rest, the same in the dark theme and on a phone, and on a public share page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, darkPhoneLike, launchChromium, screenshot } from "./browser";
import { type E2eStack, postSignedReadings, stackApi, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack(), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const card = (title: string, on = page) => on.getByRole("article", { name: title, exact: true });
/** The Sceaux house pays a French time-of-use tariff in euros (scripts/demo/demo-feed.ts). */
const EUROS = /€\s?\d|\d\s?€/;
const DEVICES = ["Kitchen", "Laundry", "Water heater & AC", "Untracked"];

/** Moves (or with Shift, resizes) a card by grid cells from its drag handle, each step saved. */
async function nudge(title: string, key: string, times: number) {
  const handle = card(title).getByRole("button", { name: /^Move / });
  for (let i = 0; i < times; i++) {
    const saved = page.waitForResponse((r) => r.url().includes("/api/charts/") && r.request().method() === "PATCH" && r.ok());
    await handle.press(key);
    await saved;
  }
}

async function openBuilder() {
  await page.getByRole("button", { name: "+ Add chart", exact: true }).click();
  return page.getByRole("dialog", { name: "New chart" });
}

describe("what energy costs", () => {
  it("shows the demo household's money on its first dashboard", async () => {
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await page.getByRole("tab", { name: "Home", selected: true }).waitFor();
    const summary = card("What the house costs");
    await summary.getByRole("region", { name: "This month", exact: true }).waitFor();
    expect(await summary.textContent()).toMatch(EUROS);
    await chartsDrawn(page, 4);
    const breakdown = await card("Where the money goes").textContent();
    for (const device of DEVICES) expect(breakdown).toContain(device);
    await screenshot(page, "money-home-desktop");
  });

  it("adds a summary card to a tab through the builder", async () => {
    await page.getByRole("button", { name: "New tab", exact: true }).click();
    await page.getByLabel("New tab title").fill("Money");
    await page.getByLabel("New tab title").press("Enter");
    await page.getByRole("tab", { name: "Money", selected: true }).waitFor();

    const dialog = await openBuilder();
    // The first site is picked; a summary is about cost unless energy is asked for.
    await dialog.getByLabel("Summary cards").check();
    await expect.poll(() => dialog.getByLabel("Metric").inputValue()).toBe("cost");
    const preview = dialog.getByRole("region", { name: "Preview" });
    for (const period of ["Today", "This week", "This month"]) await preview.getByRole("region", { name: period, exact: true }).waitFor();
    expect(await preview.textContent()).toMatch(EUROS);
    await screenshot(page, "money-builder-summary");
    await dialog.getByRole("button", { name: "Add to tab" }).click();

    const summary = card("Sceaux house: cost summary");
    await summary.getByRole("region", { name: "Today", exact: true }).waitFor();
    const text = (await summary.textContent())!;
    expect(text).toMatch(EUROS);
    expect(text).toMatch(/vs yesterday/);
    expect(text).toMatch(/kWh/);
  });

  it("adds a cost breakdown by device, as bars and as a Sankey", async () => {
    let dialog = await openBuilder();
    await dialog.getByLabel("Breakdown by device").check();
    await dialog.getByLabel("This month", { exact: true }).check();
    await chartsDrawn(page, 1);
    const preview = dialog.getByRole("region", { name: "Preview" });
    await expect.poll(() => preview.textContent()).toContain("Untracked");
    await screenshot(page, "money-builder-breakdown");
    await dialog.getByRole("button", { name: "Add to tab" }).click();
    const bars = card("Sceaux house: cost by device");
    await bars.getByTestId("plot").locator(".main-svg").first().waitFor();
    await expect.poll(() => bars.textContent()).toContain("Untracked");
    const text = (await bars.textContent())!;
    expect(text).toMatch(EUROS);
    for (const device of DEVICES) expect(text).toContain(device);

    dialog = await openBuilder();
    await dialog.getByLabel("Breakdown by device").check();
    await dialog.getByLabel("Sankey (site → devices)").check();
    // The year, not the week: just after midnight on a Monday in Paris (the house's zone) the week
    // has no use yet, and every device would rightly show nothing.
    await dialog.getByLabel("This year", { exact: true }).check();
    await dialog.getByLabel("Title").fill("This year's money, device by device");
    await dialog.getByRole("button", { name: "Add to tab" }).click();
    const sankey = card("This year's money, device by device");
    await sankey.locator(".sankey").first().waitFor();
    const flows = (await sankey.textContent())!;
    for (const device of DEVICES) expect(flows).toContain(device);
    expect(flows).toMatch(EUROS);
  });

  it("draws cost over time against the week before, with the untracked rest", async () => {
    const dialog = await openBuilder();
    await dialog.getByLabel("Metric").selectOption("cost");
    await dialog.getByLabel("Bar", { exact: true }).check();
    await dialog.getByLabel("Last 7 days").check();
    await dialog.getByLabel("Compare with").selectOption("previous_period");
    await dialog.getByLabel("Show untracked use").check();
    await dialog.getByLabel("Resolution").selectOption("1d");
    await dialog.getByRole("button", { name: "Add to tab" }).click();
    const chart = card("Sceaux house: cost vs previous period");
    // Each series and its dashed week before, the change in the legend.
    await chart.locator(".legendtext", { hasText: /^Sceaux house · previous period \(now [▲▼±]/ }).waitFor();
    await chart
      .locator(".legendtext", { hasText: /untracked/i })
      .first()
      .waitFor();
    await chart.locator(".ytitle", { hasText: "Cost (€)" }).waitFor();
    // New charts come at full width; two columns, by keyboard: the summary and the bars at half
    // width side by side, the cost over time across the width.
    await nudge("Sceaux house: cost summary", "Shift+ArrowLeft", 6);
    await nudge("Sceaux house: cost by device", "Shift+ArrowLeft", 6);
    await nudge("Sceaux house: cost by device", "ArrowRight", 6);
    const summary = (await card("Sceaux house: cost summary").boundingBox())!;
    await expect.poll(async () => (await card("Sceaux house: cost by device").boundingBox())!.y).toBeLessThan(summary.y + 5);
    // The layout is the tab's: it is there after a reload (which also draws each chart at its new size once).
    await page.reload();
    await card("Sceaux house: cost summary").getByRole("region", { name: "Today", exact: true }).waitFor();
    const bars = (await card("Sceaux house: cost by device").boundingBox())!;
    expect(bars.x).toBeGreaterThan(summary.x + summary.width - 1);
    await chartsDrawn(page, 3);
    await screenshot(page, "money-tab-light");
  });

  it("reads well in the dark theme and on a phone", async () => {
    const dark = await browser.newContext({ viewport: DESKTOP, colorScheme: "dark", storageState: await context.storageState() });
    const darkPage = await dark.newPage();
    await darkPage.goto(stack.baseUrl);
    await darkPage.getByRole("tab", { name: "Money", selected: true }).waitFor();
    await card("Sceaux house: cost summary", darkPage).getByRole("region", { name: "Today", exact: true }).waitFor();
    await chartsDrawn(darkPage, 3);
    await screenshot(darkPage, "money-tab-dark");
    await dark.close();

    const phone = await darkPhoneLike(browser, context, stack.baseUrl);
    const small = await phone.newPage();
    await small.goto(stack.baseUrl);
    await card("Sceaux house: cost summary", small).getByRole("region", { name: "Today", exact: true }).waitFor();
    await chartsDrawn(small, 3);
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(small, "money-tab-phone-dark");
    await phone.close();
  });

  it("shows the summary and the breakdown on the tab's public page", async () => {
    const signIn = await fetch(`${stack.baseUrl}/api/auth/dev`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "demo@wattboard.local" }),
    });
    const token = ((await signIn.json()) as { access_token: string }).access_token;
    const tabs = (await (await fetch(`${stack.baseUrl}/api/tabs`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      tabs: { id: string; title: string }[];
    };
    const money = tabs.tabs.find((t) => t.title === "Money")!;
    const shared = await fetch(`${stack.baseUrl}/api/shares`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "tab", id: money.id }),
    });
    expect(shared.status).toBe(201);
    const { url } = (await shared.json()) as { url: string };

    const viewer = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    const publicPage = await viewer.newPage();
    await publicPage.goto(url);
    await publicPage.getByRole("heading", { name: "Money" }).waitFor();
    await publicPage.getByRole("region", { name: "This month", exact: true }).first().waitFor();
    await publicPage.locator(".sankey").first().waitFor();
    const text = (await publicPage.textContent("main"))!;
    expect(text).toMatch(EUROS);
    for (const device of DEVICES) expect(text).toContain(device);
    await screenshot(publicPage, "money-share-page");
    await viewer.close();
  });

  it("prices a device by its site's tariff in euros, and says 'no tariff set' with a link where there is none", async () => {
    const { access_token: token } = await stackApi<{ access_token: string }>(stack, "POST", "/api/auth/dev", null, {
      email: "demo@wattboard.local",
    });
    const { meters } = await stackApi<{ meters: { id: string; name: string }[] }>(stack, "GET", "/api/meters", token);
    const kitchen = meters.find((m) => m.name === "Kitchen")!;
    const workshop = await stackApi<{ id: string; webhook: { secret: string } }>(stack, "POST", "/api/meters", token, {
      name: "Workshop",
      timezone: "Europe/Paris",
    });
    const now = Date.now();
    const readings = Array.from({ length: 7 }, (_, i) => ({ ts: new Date(now - (6 - i) * 10 * 60_000).toISOString(), power_w: 800 }));
    expect(await postSignedReadings(stack, workshop, readings)).toBe(200);
    const tab = await stackApi<{ id: string }>(stack, "POST", "/api/tabs", token, { title: "Prices" });
    const summaryOf = (meterId: string, title: string, y: number) =>
      stackApi(stack, "POST", "/api/charts", token, {
        tabId: tab.id,
        title,
        spec: { meterIds: [meterId], metric: "cost", chartType: "summary", window: { kind: "relative", preset: "this_month" } },
        layout: { x: 0, y, w: 12, h: 5 },
      });
    await summaryOf(kitchen.id, "Kitchen: cost", 0);
    await summaryOf(workshop.id, "Workshop: cost", 5);

    await page.goto(stack.baseUrl);
    await page.getByRole("tab", { name: "Prices" }).click();
    const kitchenCard = card("Kitchen: cost");
    await kitchenCard.getByRole("region", { name: "This month", exact: true }).waitFor();
    // The Kitchen has no tariff of its own: it pays the Sceaux house's, in euros, never a default in pounds.
    expect(await kitchenCard.textContent()).toMatch(EUROS);
    expect(await kitchenCard.textContent()).not.toContain("£");
    const workshopCard = card("Workshop: cost");
    await workshopCard.getByRole("region", { name: "Today", exact: true }).waitFor();
    const text = (await workshopCard.textContent())!;
    expect(text).toContain("No cost: no tariff set");
    expect(text).not.toMatch(/£|€/);
    await screenshot(page, "money-no-tariff");

    await workshopCard.getByRole("link", { name: "Set a tariff" }).first().click();
    await page.getByRole("link", { name: "Meters", exact: true }).and(page.locator("[aria-current=page]")).waitFor();
    const form = page.locator("tr.meter-details").getByRole("group", { name: "Tariff" });
    await form.waitFor();
    await page.getByRole("region", { name: "Forecast and plan for Workshop" }).waitFor();
    await screenshot(page, "money-set-tariff");
  });
});

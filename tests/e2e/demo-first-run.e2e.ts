/**
 * The demo at first sign-in, as a newcomer sees it in their first minute: the money on the first
 * tab; the London tab with the London house's forecast, likely range and plan (dynamic 2013
 * tariff, battery, a car to charge); a notification from a real run on the replayed data that
 * quotes what the person said in a chat session, and that session; the plan's savings on the
 * meter page. No console errors along the way.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CHAT } from "../../scripts/demo/demo-feed";
import { chartsDrawn, DESKTOP, launchChromium, SCREENSHOTS, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** What the browser console reports as an error, and uncaught exceptions. */
const consoleErrors: string[] = [];
/** When the demo button was clicked: the quoting notification must be there within a minute of it. */
let signedInAt = 0;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ freshDemo: true }), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(error.message));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const METER = "London house on ToU (LCL MAC000048)";
const card = (title: string) => page.getByRole("article", { name: title, exact: true });
const chat = () => page.getByRole("complementary", { name: "Chat" });

describe("the demo's first minute", () => {
  it("signs in with one click onto the money of the first tab", async () => {
    await page.goto(stack.baseUrl);
    signedInAt = Date.now();
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await page.getByRole("tab", { name: "Home", selected: true }).waitFor();
    const summary = card("What the house costs");
    await summary.getByRole("region", { name: "This month", exact: true }).waitFor();
    expect(await summary.textContent()).toMatch(/€\s?\d|\d\s?€/);
    await chartsDrawn(page, 4);
    expect(await card("Where the money goes").textContent()).toContain("Untracked");
  });

  it("shows the London house's forecast, its likely range and the plan on the London tab", async () => {
    await page.getByRole("tab", { name: "London" }).click();
    const forecast = card("London house on ToU: power, forecast and plan");
    for (const series of ["Likely range (8 in 10)", "Forecast", "Plan (grid)"])
      await forecast.locator(".legendtext", { hasText: series }).first().waitFor();
    await chartsDrawn(page, 3);
    expect(await forecast.textContent()).toContain("Forecast & plan: latest model run");
    await screenshot(page, "demo-first-run-london-tab");
    await page.getByRole("tab", { name: "Home" }).click();
  });

  it("has a notification from a real run that quotes the chat, within the first minute", async () => {
    await page.getByRole("button", { name: /^Notifications/ }).click();
    const inbox = page.getByRole("region", { name: "Notifications" });
    const peak = inbox.getByRole("listitem").filter({ hasText: `${METER}: peak above your limit` });
    await peak.waitFor({ timeout: Math.max(1_000, signedInAt + 60_000 - Date.now()) });
    const text = (await peak.textContent())!;
    // The run's own numbers, then the person's words and the session they were said in.
    expect(text).toMatch(/The next 24 hours peak at \d+\.\d kW around .+, above your 3 kW limit\./);
    expect(text).toContain(`in "${DEMO_CHAT.title}", you said: "${DEMO_CHAT.statement}"`);
    expect(text).toContain(`from your chat "${DEMO_CHAT.title}"`);
    await screenshot(page, "demo-first-run-notification");
    await page.getByRole("button", { name: /^Notifications/ }).click();
  });

  it("has the chat session in which the person set the limit", async () => {
    await page.getByRole("button", { name: "Chat", exact: true }).click();
    await chat().waitFor();
    const sessions = chat().getByLabel("Chat session");
    await sessions.selectOption({ label: DEMO_CHAT.title });
    await chat().getByTestId("chat-user").filter({ hasText: DEMO_CHAT.statement }).waitFor();
    // The Optimizer set the limit the notification holds the runs to.
    await chat().getByTestId("chat-assistant").filter({ hasText: /3 kW/ }).waitFor();
    await screenshot(page, "demo-first-run-chat");
    await page.getByRole("button", { name: "Chat", exact: true }).click();
  });

  it("plans the London house's battery and car against the 2013 dynamic prices: forecast, likely range, savings", async () => {
    await page.getByRole("link", { name: "Meters" }).click();
    const row = page.locator("tr[data-meter-id]").filter({ hasText: METER });
    await row.getByRole("button", { name: "Tariff & forecast" }).click();
    const panel = page.getByRole("region", { name: `Forecast and plan for ${METER}` });
    // The newest run is the queue's, from the replayed readings, with the settings the demo saved.
    await panel.getByText(/\(automatic, model v\d+\)/).waitFor();
    const chart = panel.getByTestId("run-chart");
    await chart.locator(".main-svg").first().waitFor();
    for (const series of ["Likely range (8 in 10)", "Forecast use", "Planned from grid", "Price"])
      await chart.locator(".legendtext", { hasText: series }).waitFor();
    const saves = Number(/Saves(-?\d+\.\d\d) GBP/.exec((await panel.locator(".figures").first().textContent())!)?.[1]);
    expect(saves).toBeGreaterThan(0);
    expect(await panel.locator(".findings").textContent()).toMatch(/above your 3 kW limit/);
    await page.locator("tr.meter-details").screenshot({ path: `${SCREENSHOTS}demo-first-run-plan.png` });
  });

  it("logged no console errors", () => {
    expect(consoleErrors).toEqual([]);
  });
});

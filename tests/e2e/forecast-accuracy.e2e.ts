/**
 * A forecast a household can trust, as the demo shows it: the London house's meter page draws the
 * forecast with its likely range, how good the forecasts have been (two weeks of replayed runs
 * scored against what then happened, next to the persistence baselines) and what the battery
 * plans saved for real against what they promised.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, launchChromium, SCREENSHOTS, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

// The demo replays two weeks of past forecasts for its three sites before it serves.
beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack(), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The London house pays the trial's dynamic tariff in pounds and has a home battery (scripts/demo/demo-feed.ts). */
const METER = "London house on ToU (LCL MAC000048)";

describe("forecast accuracy on the meter page", () => {
  it("shows the forecast's likely range, its accuracy by lead time against the baselines, and realised savings", async () => {
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await page.getByRole("tab", { name: "Home", selected: true }).waitFor();
    await page.getByRole("link", { name: "Meters" }).click();
    const row = page.locator("tr[data-meter-id]").filter({ hasText: METER });
    await row.getByRole("button", { name: "Tariff & forecast" }).click();

    const panel = page.getByRole("region", { name: `Forecast and plan for ${METER}` });
    // The newest run is the queue's, from the replayed readings; a person may also run it now.
    await panel.getByRole("button", { name: "Run forecast now" }).click();
    await panel.getByText(/\(on request, model v\d+\)/).waitFor();
    // "Highest demand" is the forecast's; the plan's grid draw (the car's charging included) is its own figure.
    const figure = async (label: string) => (await panel.locator(".figures div").filter({ hasText: label }).locator("dd").textContent())!;
    const demand = await figure("Highest forecast demand");
    expect(await figure("Highest grid draw with the plan")).toMatch(/^\d+\.\d kW$/);
    expect(await panel.locator(".explanation").textContent()).toMatch(
      new RegExp(`highest demand around \\d\\d:00 \\(${demand.replace(".", "\\.")}\\)`),
    );
    const chart = panel.getByTestId("run-chart");
    await chart.locator(".main-svg").first().waitFor();
    await chart.locator(".legendtext", { hasText: "Likely range (8 in 10)" }).waitFor();

    const accuracy = panel.getByRole("region", { name: "Forecast accuracy" });
    const table = accuracy.getByRole("table");
    await table.waitFor();
    await page.locator("tr.meter-details").screenshot({ path: `${SCREENSHOTS}forecast-accuracy-meter.png` });
    await screenshot(page, "forecast-accuracy-page");
    const rows = await table.getByRole("row").allTextContents();
    expect(rows[0]).toMatch(/Our forecast.*Past week's average.*Last hour repeated/);
    expect(rows.slice(1).map((text) => text.replace(/ · .*? h/, ""))).toEqual([
      expect.stringMatching(/^Next hour(\d+ %){3}$/),
      expect.stringMatching(/^6 hours ahead(\d+ %){3}$/),
      expect.stringMatching(/^A day ahead(\d+ %){3}$/),
    ]);
    // Two weeks of forecasts, one every 6 hours: about 56 scored at each lead.
    for (const text of rows.slice(1)) expect(Number(/ · (\d+) h/.exec(text)?.[1])).toBeGreaterThanOrEqual(50);
    const text = (await accuracy.textContent())!;
    expect(text).toMatch(/\d+ hours in 10 fell inside the shaded likely range/);
    expect(text).toMatch(/Battery plans promised-?£\d/);
    expect(text).toMatch(/Saved for real-?£\d/);
  });
});

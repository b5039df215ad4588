/**
 * Connecting a real home from the meter page: a write token read off the page, the page's own
 * line-protocol curl snippet run in a shell, and a CSV dropped on the page, previewed, imported with
 * a progress bar, and drawn on the meter's chart.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { darkPhoneLike, launchChromium, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let meterId = "";

const HOUR = 3_600_000;
/** Three days of hourly kWh ending this hour, and one bad row (line 5) the import reports and skips. */
function recentCsv(): string {
  const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const rows = Array.from({ length: 72 }, (_, i) => {
    const ts = new Date(end - (71 - i) * HOUR).toISOString().replace(".000Z", "Z");
    return `${ts},${(0.3 + 0.25 * Math.sin(i / 4)).toFixed(3)}`;
  });
  rows.splice(3, 0, "yesterday,0.5");
  return `timestamp,value\n${rows.join("\n")}\n`;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const row = () => page.locator(`tr[data-meter-id="${meterId}"]`);
const historyPlot = () => page.getByTestId("history-chart").getByTestId("plot");

describe("connecting a home from the meter page", () => {
  it("creates a site meter and opens its connect & import panel", async () => {
    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(`connect-${Date.now()}@wattboard.local`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Meters" }).click();
    await page.getByRole("form", { name: "Add a meter" }).getByLabel("Name").fill("Flat");
    await page.getByRole("form", { name: "Add a meter" }).getByLabel("Time zone").fill("Europe/London");
    await page.getByRole("button", { name: "Create meter" }).click();
    const curl = await page.getByTestId("curl-example").textContent();
    meterId = /\/api\/ingest\/([0-9a-f-]{36})/.exec(curl!)![1];
    await page.getByRole("button", { name: "Done" }).click();
    await row().getByRole("button", { name: "Connect & import" }).click();
    await page.getByRole("region", { name: "Connect Flat" }).waitFor();
  });

  it("creates a write token shown once, and the page's line-protocol snippet writes a reading with it", async () => {
    const connect = page.getByRole("region", { name: "Connect Flat" });
    await connect.getByLabel("Token name").fill("Telegraf in the garage");
    await connect.getByRole("button", { name: "Create write token" }).click();
    const token = (await connect.getByTestId("write-token").textContent())!;
    expect(token).toMatch(/^wbt_[A-Za-z0-9_-]{43}$/);
    await connect.getByText("you will not see it again").waitFor();

    await connect.getByRole("tab", { name: "curl, line protocol" }).click();
    const snippet = (await connect.getByTestId("snippet-curl-line-protocol").textContent())!;
    expect(snippet).toContain(`Authorization: Token ${token}`);
    expect(snippet).toContain(`${stack.baseUrl}/api/v2/write?`);
    // Asynchronously: the server under test runs in this process.
    const { stdout } = await promisify(execFile)("bash", ["-c", snippet], { encoding: "utf8", timeout: 15_000 });
    expect(stdout.trim()).toBe("204");

    await connect.getByText(/First write received/).waitFor({ timeout: 15_000 });
    await row()
      .getByText(/Receiving/)
      .waitFor();
    await expect.poll(() => historyPlot().getAttribute("data-points"), { timeout: 15_000 }).toBe("1");
    await connect.getByRole("table", { name: "Write tokens" }).getByText("Telegraf in the garage").waitFor();

    await connect.getByRole("tab", { name: "Home Assistant" }).click();
    expect(await connect.getByTestId("snippet-home-assistant").textContent()).toContain(`token: ${token}`);
    await screenshot(page, "meter-connect");
  });

  it("drops a CSV, previews it, imports it with a progress bar, and the chart shows the history", async () => {
    const panel = page.getByRole("region", { name: "Import history into Flat" });
    const csv = recentCsv();
    const transfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], "flat-last-3-days.csv", { type: "text/csv" }));
      return data;
    }, csv);
    await panel.getByTestId("csv-drop").dispatchEvent("drop", { dataTransfer: transfer });

    const preview = panel.getByRole("region", { name: "Import preview" });
    await preview.getByText("Generic timestamp,value").waitFor();
    await expect.poll(() => preview.getByRole("button", { name: "Import" }).isDisabled()).toBe(true);
    await preview.getByRole("combobox").selectOption("kwh_per_interval");
    await preview.getByText(/× 1000 → energy_wh/).waitFor();
    await preview.getByText("Line 5:", { exact: false }).waitFor();
    await screenshot(page, "meter-import-preview");

    const upload = page.waitForRequest((r) => r.url().includes(`/api/meters/${meterId}/imports?`) && r.method() === "POST");
    await preview.getByRole("button", { name: "Import" }).click();
    expect((await upload).headers()["content-type"]).toBe("text/csv");

    const result = panel.getByRole("status", { name: "Import result" });
    await result.getByText(/✓ Imported: 72 readings stored, 0 already there, 1 row with errors/).waitFor({ timeout: 30_000 });
    await expect.poll(() => panel.getByTestId("import-progress").getAttribute("data-status")).toBe("done");
    await result.getByText(/Line 5:/).waitFor();
    // The chart moves to the imported period: 72 hourly readings (the curl one is later, outside it or in its last bucket).
    await expect.poll(async () => Number(await historyPlot().getAttribute("data-points")), { timeout: 20_000 }).toBeGreaterThanOrEqual(12);
    await historyPlot().locator(".main-svg").first().waitFor();
    await panel.getByRole("table", { name: "Recent imports" }).getByText("done").waitFor();
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, "meter-import");
  });

  it("fits a phone in the dark theme", async () => {
    const phone = await darkPhoneLike(browser, context, stack.baseUrl);
    const small = await phone.newPage();
    await small.goto(stack.baseUrl);
    await small.getByRole("link", { name: "Meters" }).click();
    await small.locator(`tr[data-meter-id="${meterId}"]`).getByRole("button", { name: "Connect & import" }).click();
    await small.getByTestId("history-chart").locator(".main-svg").first().waitFor({ timeout: 20_000 });
    await screenshot(small, "meter-connect-phone-dark");
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });
});

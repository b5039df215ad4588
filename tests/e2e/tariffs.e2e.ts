/**
 * The Tariffs page: a price file refused with its bad line shown, the same file fixed and
 * uploaded, its prices drawn, and a meter made to pay it from the meter's tariff editor.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Two days of Agile half hours (UK wall clock, pence) in the download's layout; `skip` leaves a row out (a gap). */
function agileCsv(skip?: number): string {
  const rows: string[] = [];
  for (let i = 0; i < 96; i++) {
    if (i === skip) continue;
    const at = (n: number) => {
      const t = new Date(Date.UTC(2024, 0, 10) + n * 30 * 60_000);
      const two = (v: number) => String(v).padStart(2, "0");
      return `${two(t.getUTCDate())}/${two(t.getUTCMonth() + 1)}/${t.getUTCFullYear()} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
    };
    const hour = (i / 2) % 24;
    const pence = 12 + 8 * Math.sin(((hour - 6) / 24) * 2 * Math.PI) + (hour >= 16 && hour < 19 ? 15 : 0);
    rows.push(`${at(i)},${at(i + 1)},${pence.toFixed(2)},${(pence / 2).toFixed(2)}`);
  }
  return `Period from,Period to,Agile Import price (p/kWh),Agile Export price (p/kWh)\n${rows.join("\n")}\n`;
}

const nav = (name: string) => page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name });
const file = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the Tariffs page", () => {
  it("refuses a file with a gap and shows the line; the fixed file is listed and its prices drawn", async () => {
    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(`tariffs-${Date.now()}@wattboard.local`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await nav("Tariffs").click();
    await page.getByText("No tariffs yet").waitFor();

    // Row 11 (the 10th half hour) left out: line 11 of the file is the one after the gap.
    await page.getByLabel("Price file (CSV)").setInputFiles(file("agile-london.csv", agileCsv(9)));
    await page.getByLabel("Name").fill("Agile London");
    await page.getByRole("button", { name: "Upload" }).click();
    const problem = page.getByTestId("tariff-error");
    await problem.getByText(/^Line 11: a gap: no price from 2024-01-10T04:30Z to 2024-01-10T05:00Z/).waitFor();
    expect(await problem.locator("pre").textContent()).toMatch(/^11: 10\/01\/2024 05:00,10\/01\/2024 05:30,/);
    await screenshot(page, "tariffs-refused-line");

    await page.getByLabel("Price file (CSV)").setInputFiles(file("agile-london.csv", agileCsv()));
    await page.getByLabel("Standing charge per day (optional)").fill("0.4712");
    await page.getByRole("button", { name: "Upload" }).click();
    const row = page.locator("tr[data-tariff-id]").filter({ hasText: "Agile London" });
    await row.getByText("96 × 30 min").waitFor();
    await row.getByText("0.4712 GBP/day").waitFor();
    await row.getByRole("button", { name: "Prices" }).click();
    await page.waitForFunction(() => {
      const plot = document.querySelector<HTMLElement>('[data-testid="tariff-chart"]');
      return plot?.dataset.points === "96" && plot.querySelector(".main-svg");
    });
  });

  it("a meter pays it from its tariff editor, and the page names the meter", async () => {
    await nav("Meters").click();
    await page.getByRole("form", { name: "Add a meter" }).getByLabel("Name").fill("Flat");
    await page.getByRole("form", { name: "Add a meter" }).getByLabel("Time zone").fill("Europe/London");
    await page.getByRole("button", { name: "Create meter" }).click();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Tariff & forecast" }).click();
    const settings = page.locator("form.energy-settings");
    await settings.getByLabel("Kind").selectOption("imported");
    await settings.getByRole("combobox", { name: /^Tariff/ }).selectOption({ label: "Agile London (GBP, 30-minute prices)" });
    await settings.getByRole("button", { name: "Save tariff & assets" }).click();
    await page.getByText("Saved. The next run plans with these.").waitFor();

    await nav("Tariffs").click();
    const row = page.locator("tr[data-tariff-id]").filter({ hasText: "Agile London" });
    await row.getByRole("cell", { name: "Flat" }).waitFor();
    await row.getByRole("button", { name: "Prices" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="tariff-chart"] .main-svg'));
    await screenshot(page, "tariffs-page");

    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText(/"Agile London" is the tariff of "Flat": give it another tariff first/).waitFor();
  });
});

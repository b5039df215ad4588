/**
 * Quiet hours and a weekly report from the meters page: the schedule set there, the Cron Trigger fired at the
 * report's hour, the notification's link opening the report, and the report printed: on screen,
 * with the print stylesheet (no app chrome, white even in the dark theme) and as an A4 PDF.
 */
import { writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOTS, screenshot } from "./browser";
import { type E2eStack, postSignedReadings, stackApi, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const HOUR = 3_600_000;
const QUARTER = HOUR / 4;
/** Two weeks before Monday 30 November 2026 (London is on UTC then). */
const FROM = Date.parse("2026-11-16T00:00:00Z");
const TO = Date.parse("2026-11-30T00:00:00Z");

/** A household's day: a night base, a morning and an evening peak, a little noise (seeded). */
function householdWatts(t: number, scale: number, seed: number): number {
  const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
  const morning = Math.exp(-((hour - 7.5) ** 2) / 2) * 1200;
  const evening = Math.exp(-((hour - 19) ** 2) / 3) * 2200;
  const noise = (Math.sin(t / 7_777_777 + seed) + 1) * 150;
  const laterWeek = t >= Date.parse("2026-11-23T00:00:00Z") ? 1.12 : 1;
  return Math.round((300 + morning + evening + noise) * scale * laterWeek);
}

const api = (token: string, method: string, path: string, body?: unknown) => stackApi<any>(stack, method, path, token, body);

async function postReadings(meter: { id: string; webhook: { secret: string } }, readings: unknown[]) {
  expect(await postSignedReadings(stack, meter, readings)).toBe(200);
}

function quarterHours(scale: number, seed: number) {
  const readings = [];
  for (let t = FROM; t < TO; t += QUARTER) readings.push({ ts: new Date(t).toISOString(), power_w: householdWatts(t, scale, seed) });
  return readings;
}

describe("reports", () => {
  it("sets a weekly schedule, receives the report as a notification, opens it and prints it", async () => {
    const email = `reports-${Date.now()}@wattboard.local`;
    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    const signIn = await fetch(`${stack.baseUrl}/api/auth/dev`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email }),
    });
    const token = ((await signIn.json()) as { access_token: string }).access_token;

    // A house in London on a time-of-use tariff with a battery, and two device meters under it.
    const site = await api(token, "POST", "/api/meters", { name: "Maple Road house", timezone: "Europe/London" });
    await api(token, "PATCH", `/api/meters/${site.id}`, {
      tariff: {
        kind: "tou",
        defaultPrice: 0.28,
        currency: "GBP",
        standingChargePerDay: 0.52,
        periods: [{ from: "00:30", to: "04:30", price: 0.09 }],
      },
      assets: { battery: { capacityKwh: 5, powerKw: 2.5, roundTripEfficiency: 0.9 } },
    });
    const heatPump = await api(token, "POST", "/api/meters", {
      name: "Heat pump",
      timezone: "Europe/London",
      kind: "device",
      parentId: site.id,
    });
    const kitchen = await api(token, "POST", "/api/meters", {
      name: "Kitchen",
      timezone: "Europe/London",
      kind: "device",
      parentId: site.id,
    });
    await postReadings(site, quarterHours(1, 1));
    await postReadings(heatPump, quarterHours(0.38, 2));
    await postReadings(kitchen, quarterHours(0.17, 3));
    // The runs of the report's week as they were issued (every 6 hours), for its forecast and savings.
    for (let t = Date.parse("2026-11-22T06:00:00Z"); t <= TO; t += 6 * HOUR)
      await api(token, "POST", `/api/meters/${site.id}/runs/replays`, { asOf: new Date(t).toISOString() });

    // The schedule, from the meters page: weekly, Mondays at 08:00.
    await page.getByRole("link", { name: "Meters" }).click();
    const reports = page.getByRole("region", { name: "Reports" });
    const form = reports.locator(`form[data-meter-id="${site.id}"]`);
    await form.getByLabel("Weekly, on").check();
    await form.getByLabel("Weekday").selectOption("1");
    await form.getByLabel("Weekly report's hour").selectOption("8");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByText("Saved.").waitFor();
    expect(await api(token, "GET", `/api/meters/${site.id}/report-schedule`)).toEqual({ weekly: { weekday: 1, hour: 8 }, monthly: null });
    // Quiet hours, beside the channels: 22:00 to 07:00 in London.
    const quiet = page.getByRole("region", { name: "Quiet hours" });
    await quiet.getByRole("checkbox", { name: "Quiet hours" }).check();
    await quiet.getByLabel("Quiet from").selectOption("22");
    await quiet.getByLabel("Quiet until").selectOption("7");
    await quiet.getByLabel("Time zone").fill("Europe/London");
    await quiet.getByRole("button", { name: "Save quiet hours" }).click();
    await quiet.getByText("Saved: quiet from 22:00 to 07:00.").waitFor();
    expect(await api(token, "GET", "/api/notification-settings")).toMatchObject({
      quietFromHour: 22,
      quietToHour: 7,
      timezone: "Europe/London",
    });
    await screenshot(page, "reports-schedule");

    // The Cron Trigger at 08:00 that Monday, twice: one report. (`vite preview` sends
    // /cdn-cgi/handler/* to its asset router unless told the Worker's name, which the Vite
    // plugin does only in dev.)
    for (let i = 0; i < 2; i++) {
      const fired = await fetch(
        `${stack.baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${Date.parse("2026-11-30T08:00:00Z")}`,
        { headers: { "MF-Route-Override": "wattboard" } },
      );
      expect(fired.status, await fired.text()).toBe(200);
    }
    const [report, ...more] = (await api(token, "GET", "/api/reports")).reports;
    expect(more).toEqual([]);

    // The notification arrives on the open page and links to the report.
    await page.getByRole("button", { name: /Notifications, 1 unread/ }).click();
    await page.getByText("Maple Road house: your weekly report").waitFor();
    await page.getByRole("link", { name: "Open the report" }).click();
    await page.getByTestId("report").waitFor();
    expect(new URL(page.url()).pathname).toBe(`/reports/${report.id}`);
    const text = (await page.getByTestId("report").textContent())!;
    expect(text).toContain("23 Nov 2026 – 29 Nov 2026");
    expect(text).toContain("Heat pump cost most");
    expect(text).toContain("Forecast: the next 24 hours");
    expect(text).toContain("The week ahead: an estimate from history");
    expect(text).toContain("The battery plans saved");
    expect(text).toContain("No alert fired in this period.");
    await screenshot(page, "report-page-dark");

    // Printed: no app chrome, white paper even in the dark theme.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".topbar").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Print or save as PDF" }).isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
    await page.setViewportSize({ width: 794, height: 1123 });
    await screenshot(page, "report-print-media");
    writeFileSync(`${SCREENSHOTS}report.pdf`, await page.pdf({ format: "A4", preferCSSPageSize: true }));
    await page.emulateMedia({ media: "screen" });
  });
});

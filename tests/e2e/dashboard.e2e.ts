/**
 * The everyday paths through the app in a real browser, in order, on one stack: the demo user's
 * meters and dashboards, a tab and charts built by hand, zoom, rearranging, a new meter posting
 * with the shown curl command, a live reading arriving on its chart, the meter's tariff form and
 * plan chart, and no console errors along the way.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhookBody } from "../../worker/meters/webhook-secrets";
import { chartsDrawn, DESKTOP, darkPhoneLike, launchChromium, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const webhook = { url: "", secret: "", meterId: "" };
/** What the browser console reports as an error, and uncaught exceptions, on the desktop page. */
const consoleErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack(), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const card = (title: string) => page.getByRole("article", { name: title, exact: true });
const seriesResponse = (match: (url: URL) => boolean) =>
  page.waitForResponse((r) => r.url().includes("/api/series?") && r.ok() && match(new URL(r.url())), { timeout: 15_000 });

/**
 * The left and right edges of the chart's "Planned from grid" step line's corners and of its bars, in
 * pixels, read from the drawn SVG: what a person sees line up or not.
 */
function planChartEdges(chart: HTMLElement) {
  const plot = chart as HTMLElement & { _fullData: { name: string; uid: string }[] };
  const xsOf = (path: string) => {
    const xs: number[] = [];
    for (const [, command, args] of path.matchAll(/([MLHV])([^MLHVZ]*)/g)) {
      const numbers = args.split(/[ ,]+/).filter(Boolean).map(Number);
      if (command === "H") xs.push(numbers[0]);
      if (command === "M" || command === "L") xs.push(numbers[0]);
    }
    return xs;
  };
  const stepsOf = (name: string) => {
    const uid = plot._fullData.find((trace) => trace.name === name)!.uid;
    return xsOf(chart.querySelector(`.trace${uid} path.js-line`)!.getAttribute("d")!);
  };
  const ticks = [...chart.querySelectorAll(".y2tick text")].map((text) => text.textContent ?? "");
  return { plan: stepsOf("Planned from grid"), forecast: stepsOf("Forecast use"), priceTicks: ticks };
}

describe("the dashboard people use every day", () => {
  it("fits the sign-in card's content at 1280x800", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(stack.baseUrl);
    const card = page.locator("form.sign-in");
    await card.getByRole("button", { name: /Use the demo account/ }).waitFor();
    const edges = await card.evaluate((form) => {
      const box = form.getBoundingClientRect();
      const rights = [...form.querySelectorAll("*")].map((element) => element.getBoundingClientRect().right);
      return { cardRight: box.right, contentRight: Math.max(...rights), scrollWidth: form.scrollWidth, clientWidth: form.clientWidth };
    });
    await screenshot(page, "sign-in-1280x800");
    expect(edges.contentRight).toBeLessThanOrEqual(edges.cardRight);
    expect(edges.scrollWidth).toBeLessThanOrEqual(edges.clientWidth);
    await page.setViewportSize(DESKTOP);
  });

  it("tells a new user what to do first", async () => {
    await page.getByLabel("Email").fill(`new-${Date.now()}@wattboard.local`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Build your first dashboard" }).waitFor();
    await page.getByRole("button", { name: "adding a meter" }).waitFor();
    await screenshot(page, "new-user-empty");
    await page.getByRole("button", { name: "Sign out" }).click();
  });

  it("signs in with the demo account in one click and shows its live dashboard", async () => {
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await expect.poll(() => page.getByRole("tab", { name: "Home" }).isVisible()).toBe(true);
    await chartsDrawn(page, 3);
    await screenshot(page, "dashboard-desktop");
  });

  it("creates a tab and opens it on an empty state that says what to do", async () => {
    await page.getByRole("button", { name: "New tab", exact: true }).click();
    await page.getByLabel("New tab title").fill("Energy check");
    await page.getByLabel("New tab title").press("Enter");
    await page.getByRole("tab", { name: "Energy check", selected: true }).waitFor();
    await page.getByText("“Energy check” has no charts yet").waitFor();
  });

  it("builds a chart by hand with a live preview", async () => {
    await page.getByRole("button", { name: "Add your first chart" }).click();
    const dialog = page.getByRole("dialog", { name: "New chart" });
    await dialog.getByLabel("Sceaux house").check();
    await dialog.getByLabel("Kitchen").check();
    await dialog.getByLabel("Laundry").check();
    await dialog.getByLabel("Sceaux house").uncheck();
    await dialog.getByLabel("Stacked (meters add up)").check();
    const preview = seriesResponse((url) => url.searchParams.get("window") === "last_7d");
    await dialog.getByLabel("Last 7 days").check();
    await preview;
    await chartsDrawn(page, 1);
    // A heatmap shows one meter: the builder says so in words instead of failing on save.
    await dialog.getByLabel("Heatmap (hour × day)").check();
    await dialog.getByText("Meters: a heatmap shows exactly one meter.").waitFor();
    await dialog.getByLabel("Stacked (meters add up)").check();
    await screenshot(page, "builder-desktop");
    await dialog.getByRole("button", { name: "Add to tab" }).click();
    await card("Kitchen & Laundry: power").waitFor();
    await chartsDrawn(page, 1);
  });

  it("changes a chart's window", async () => {
    const saved = page.waitForResponse((r) => r.url().includes("/api/charts/") && r.request().method() === "PATCH" && r.ok());
    const refetched = seriesResponse((url) => url.searchParams.get("window") === "last_24h");
    await card("Kitchen & Laundry: power")
      .getByLabel(/Time window of/)
      .selectOption("last_24h");
    expect((await (await saved).json()).spec.window).toEqual({ kind: "relative", preset: "last_24h" });
    await refetched;
  });

  it("zooms into a finer series and double-clicks back to the window", async () => {
    const plot = card("Kitchen & Laundry: power").getByTestId("plot");
    await chartsDrawn(page, 1);
    const box = (await plot.locator(".nsewdrag").boundingBox())!;
    const zoomed = seriesResponse((url) => url.searchParams.has("from") && url.searchParams.has("to"));
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    const zoom = new URL((await zoomed).url());
    const hours = (Date.parse(zoom.searchParams.get("to")!) - Date.parse(zoom.searchParams.get("from")!)) / 3_600_000;
    expect(hours).toBeGreaterThan(1);
    expect(hours).toBeLessThan(4);
    await card("Kitchen & Laundry: power")
      .getByText(/Zoomed ·/)
      .waitFor();

    // Back to the chart's window, judged by what the person sees. Under a loaded CI machine Plotly
    // can miss a double-click while it redraws, so the gesture is repeated (at most three times).
    const zoomedLabel = card("Kitchen & Laundry: power").getByText(/Zoomed ·/);
    for (let attempt = 0; attempt < 3 && (await zoomedLabel.count()) > 0; attempt++) {
      await plot.locator(".nsewdrag").dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
      await zoomedLabel.waitFor({ state: "detached", timeout: 5_000 }).catch(() => {});
    }
    expect(await zoomedLabel.count()).toBe(0);
  });

  it("resizes and rearranges charts by drag, a new chart fills the room left, and the layout is saved with the tab", async () => {
    const patched = () => page.waitForResponse((r) => r.url().includes("/api/charts/") && r.request().method() === "PATCH" && r.ok());
    // The first chart came at full width: its corner drags it to half.
    const full = (await card("Kitchen & Laundry: power").boundingBox())!;
    const corner = (await page
      .locator(".react-grid-item", { has: card("Kitchen & Laundry: power") })
      .locator(".react-resizable-handle-se")
      .boundingBox())!;
    let saved = patched();
    await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
    await page.mouse.down();
    await page.mouse.move(full.x + full.width / 2, corner.y + corner.height / 2, { steps: 20 });
    await page.mouse.up();
    await saved;

    await page.getByRole("button", { name: "+ Add chart" }).click();
    const dialog = page.getByRole("dialog", { name: "New chart" });
    await dialog.getByLabel("Metric").selectOption("voltage_v");
    await dialog.getByRole("button", { name: "Add to tab" }).click();
    const voltage = card("Sceaux house: voltage");
    await voltage.waitFor();
    // It goes where there is room: beside the half-width chart, not under it.
    const first = (await card("Kitchen & Laundry: power").boundingBox())!;
    const beside = (await voltage.boundingBox())!;
    expect(Math.abs(beside.y - first.y)).toBeLessThan(5);
    expect(beside.x).toBeGreaterThan(first.x + first.width - 1);

    // Dragged by its handle under the first chart.
    const handle = (await voltage.getByRole("button", { name: /^Move / }).boundingBox())!;
    saved = patched();
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(first.x + 40, first.y + first.height + 40, { steps: 20 });
    await page.mouse.up();
    await saved;

    await page.reload();
    await chartsDrawn(page, 2);
    // The last opened tab is the one that comes back.
    await page.getByRole("tab", { name: "Energy check", selected: true }).waitFor();
    const moved = (await card("Sceaux house: voltage").boundingBox())!;
    const stayed = (await card("Kitchen & Laundry: power").boundingBox())!;
    expect(moved.y).toBeGreaterThan(stayed.y + stayed.height - 1);
    expect(Math.abs(moved.x - stayed.x)).toBeLessThan(5);
    await screenshot(page, "tab-built-by-hand");
  });

  it("creates a meter, shows its webhook, and the shown curl command posts to it", async () => {
    await page.getByRole("link", { name: "Meters" }).click();
    await page.getByRole("form", { name: "Add a meter" }).getByLabel("Name").fill("Garage");
    await page.getByRole("form", { name: "Add a meter" }).getByLabel("Time zone").fill("Europe/Paris");
    await page.getByRole("button", { name: "Create meter" }).click();
    const credentials = page.getByRole("region", { name: "Webhook credentials" });
    const curl = await credentials.getByTestId("curl-example").textContent();
    webhook.secret = (await credentials.getByTestId("webhook-secret").textContent())!;
    webhook.url = /curl -sS -X POST '([^']+)'/.exec(curl!)![1];
    webhook.meterId = webhook.url.split("/").pop()!;
    await page.locator(`tr[data-meter-id="${webhook.meterId}"]`).getByText("No readings yet").waitFor();
    await screenshot(page, "meters-desktop");

    // Asynchronously: the server under test runs in this process.
    const { stdout } = await promisify(execFile)("bash", ["-c", curl!], { encoding: "utf8", timeout: 15_000 });
    expect(JSON.parse(stdout)).toEqual({ accepted: 1, duplicates: 0 });
    // The page watches for the first reading while the credentials are shown.
    await credentials.getByText(/First reading received/).waitFor({ timeout: 15_000 });
    await page
      .locator(`tr[data-meter-id="${webhook.meterId}"]`)
      .getByText(/Receiving/)
      .waitFor();
  });

  it("sees a live reading arrive on the meter's chart", async () => {
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("button", { name: "+ Add chart" }).click();
    const dialog = page.getByRole("dialog", { name: "New chart" });
    await dialog.getByLabel("Sceaux house").uncheck();
    await dialog.getByLabel("Garage").check();
    await dialog.getByLabel("Last hour").check();
    await dialog.getByRole("button", { name: "Add to tab" }).click();
    const plot = card("Garage: power").getByTestId("plot");
    await expect.poll(() => plot.getAttribute("data-points"), { timeout: 15_000 }).toBe("1");

    // Half an hour back: the meter's reading interval becomes that half hour, so power is drawn in
    // 30-minute buckets (never finer than the readings), and the two readings, a half hour and the
    // seconds since the curl post apart, fall in two of them: the chart gains a point.
    const body = JSON.stringify({ readings: [{ ts: new Date(Date.now() - 30 * 60_000).toISOString(), power_w: 2500 }] });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Wattboard-Timestamp": timestamp,
        "X-Wattboard-Signature": await signWebhookBody(webhook.secret, timestamp, new TextEncoder().encode(body)),
      },
      body,
    });
    expect(response.status).toBe(200);
    await expect.poll(() => plot.getAttribute("data-points"), { timeout: 20_000 }).toBe("2");
  });

  it("deletes a tab and takes it back with undo", async () => {
    await page.getByRole("button", { name: "Tab actions for Energy check" }).click();
    await page.getByRole("menuitem", { name: "Delete tab" }).click();
    await page.getByRole("tab", { name: "Energy check" }).waitFor({ state: "detached" });
    await page.getByRole("status").getByRole("button", { name: "Undo" }).click();
    await page.getByRole("tab", { name: "Energy check", selected: true }).waitFor();
    await card("Garage: power").waitFor();
  });

  it("fits a phone and a dark theme", async () => {
    const phone = await darkPhoneLike(browser, context, stack.baseUrl);
    const small = await phone.newPage();
    await small.goto(stack.baseUrl);
    await chartsDrawn(small, 3);
    await screenshot(small, "dashboard-phone-dark");
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await small.getByRole("button", { name: "+ Add chart" }).click();
    await chartsDrawn(small, 4);
    await screenshot(small, "builder-phone-dark");
    await small.getByRole("button", { name: "Close" }).click();
    await small.getByRole("link", { name: "Meters" }).click();
    await small
      .getByRole("row", { name: /Sceaux house/ })
      .first()
      .getByRole("button", { name: "Tariff & forecast" })
      .click();
    await small.getByRole("button", { name: "Run forecast now" }).click();
    await small.getByTestId("run-chart").locator(".main-svg").first().waitFor({ timeout: 20_000 });
    await screenshot(small, "meters-phone-dark");
    await phone.close();
  });

  it("sets a peak limit, runs the forecast, and opens the notification it raises", async () => {
    await page.getByRole("link", { name: "Meters" }).click();
    await page
      .getByRole("row", { name: /^Sceaux house/ })
      .getByRole("button", { name: "Tariff & forecast" })
      .click();
    const save = page.getByRole("button", { name: "Save tariff & assets" });
    const unsavedNote = page.getByText(/^Unsaved changes/);
    expect(await save.isDisabled()).toBe(true);
    await page.getByLabel(/Peak limit/).fill("0.5");
    await unsavedNote.waitFor();
    expect(await save.isEnabled()).toBe(true);
    await screenshot(page, "meter-settings-unsaved");
    await save.click();
    await page.getByText("Saved. The next run plans with these.").waitFor();
    expect(await unsavedNote.count()).toBe(0);
    expect(await save.isDisabled()).toBe(true);

    // The battery box flipped and taken back with Reset: the saved settings, nothing unsaved.
    const battery = page.getByLabel("Home battery");
    const hasBattery = await battery.isChecked();
    await battery.setChecked(!hasBattery);
    await unsavedNote.waitFor();
    await page.getByRole("button", { name: "Reset" }).click();
    await unsavedNote.waitFor({ state: "detached" });
    expect(await battery.isChecked()).toBe(hasBattery);
    expect(await page.getByLabel(/Peak limit/).inputValue()).toBe("0.5");

    await page.getByText("A run plans with the saved tariff & assets.").waitFor();
    await page.getByRole("button", { name: "Run forecast now" }).click();
    await page
      .getByText(/above your 0.5 kW limit/)
      .first()
      .waitFor({ timeout: 20_000 });
    const chart = page.getByTestId("run-chart");
    await chart.locator(".scatterlayer .trace path.js-line").first().waitFor();
    await screenshot(page, "meter-forecast-desktop");

    // The plan's steps change on the hour edges of the forecast's steps, from the first hour's start to the last hour's end.
    const { plan, forecast } = await chart.evaluate(planChartEdges);
    expect(forecast.length).toBeGreaterThanOrEqual(24);
    for (const x of plan) expect(Math.min(...forecast.map((edge) => Math.abs(edge - x)))).toBeLessThan(1.5);
    expect(Math.abs(plan[0] - forecast[0])).toBeLessThan(1.5);
    expect(Math.abs(plan[plan.length - 1] - forecast[forecast.length - 1])).toBeLessThan(1.5);

    // A flat price, which Plotly would centre its axis on, down to negative ticks.
    await page.locator("form.energy-settings").getByLabel("Kind").selectOption("flat");
    await save.click();
    await page.getByText("Saved. The next run plans with these.").waitFor();
    const flatRun = page.waitForResponse((r) => r.url().endsWith("/runs") && r.request().method() === "POST" && r.ok(), {
      timeout: 20_000,
    });
    await page.getByRole("button", { name: "Run forecast now" }).click();
    await flatRun;
    // The chart has drawn the flat price when its price trace holds one value.
    const pricesDrawn = () =>
      chart.evaluate(
        (plot) => new Set((plot as HTMLElement & { data: { name: string; y: number[] }[] }).data.find((t) => t.name === "Price")!.y).size,
      );
    await expect.poll(pricesDrawn, { timeout: 10_000 }).toBe(1);
    const { priceTicks } = await chart.evaluate(planChartEdges);
    expect(priceTicks.length).toBeGreaterThan(1);
    for (const tick of priceTicks) expect(tick).not.toMatch(/^[-−]/);

    const bell = page.getByRole("button", { name: /^Notifications, \d+ unread$/ });
    await bell.click();
    const inbox = page.getByRole("region", { name: "Notifications" });
    const notification = inbox.locator("li.unread", { hasText: "0.5 kW" }).first();
    await notification.getByRole("button").first().click();
    await inbox.locator("li.read", { hasText: "0.5 kW" }).first().waitFor();
    await screenshot(page, "notification-opened");
    await page.keyboard.press("Escape");
  });

  it("draws the latest forecast and plan over a meter's power", async () => {
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("tab", { name: "Home" }).click();
    const power = card("Sceaux house: power");
    await power.getByRole("button", { name: /^Actions for/ }).click();
    const run = page.waitForResponse((r) => r.url().includes("/runs/latest") && r.ok());
    await page.getByRole("menuitem", { name: "Show forecast & plan" }).click();
    await run;
    await power.locator(".legendtext", { hasText: "Forecast" }).waitFor();
    await screenshot(page, "forecast-overlay");
  });

  it("logged no console errors on the dashboard and the meter page", () => {
    expect(consoleErrors).toEqual([]);
  });
});

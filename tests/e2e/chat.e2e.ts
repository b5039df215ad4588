/**
 * The chat in a real browser: a chart made by a slash command appears on the picked tab, linked
 * back to its message, with the tool call in the conversation and the workspace; then the
 * Optimizer (which asks before it creates charts) asks, the person approves, the chart appears.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, darkPhoneLike, launchChromium, PHONE, screenshot, signedInLike } from "./browser";
import { type E2eStack, stackApi, startE2eStack } from "./stack";

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

const card = (title: string) => page.getByRole("article", { name: title, exact: true });
const chat = () => page.getByRole("complementary", { name: "Chat" });

describe("the chat builds the dashboard", () => {
  it("signs in as the demo user and opens the chat on a new tab", async () => {
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await page.getByRole("tab", { name: "Home" }).waitFor();
    await page.getByRole("button", { name: "New tab", exact: true }).click();
    await page.getByLabel("New tab title").fill("Asked in chat");
    await page.getByLabel("New tab title").press("Enter");
    await page.getByRole("tab", { name: "Asked in chat", selected: true }).waitFor();

    await page.getByRole("button", { name: "Chat", exact: true }).click();
    await chat().waitFor();
    // The chat opens on the demo's own session (the Optimizer set the London house's peak limit):
    // this conversation is a new one, with the Analyst.
    await chat().getByLabel("Chat session").selectOption({ label: "Planning the London house" });
    await chat().getByRole("button", { name: "New session" }).click();
    // The agent is picked for the new session once it exists (on a loaded machine the pick could land on the one it replaces).
    await expect
      .poll(() =>
        chat()
          .getByLabel("Chat session")
          .evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      )
      .toBe("New chat");
    await chat().getByLabel("Agent").selectOption("analyst");
    // The tab picker follows the dashboard's open tab.
    await expect
      .poll(() =>
        chat()
          .getByLabel("Tab for new charts")
          .evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      )
      .toBe("Asked in chat");
    await expect.poll(() => chat().getByLabel("Agent").inputValue()).toBe("analyst");
  });

  it("completes commands as they are typed", async () => {
    const input = chat().getByRole("combobox", { name: "Message" });
    await input.fill("/ch");
    await chat()
      .getByRole("listbox", { name: "Commands" })
      .getByRole("option", { name: /\/chart/ })
      .waitFor();
    await input.press("Tab");
    await expect.poll(() => input.inputValue()).toBe("/chart ");
    await input.pressSequentially("pow");
    await chat().getByRole("option", { name: /power/ }).first().waitFor();
    await input.fill("");
  });

  it('"/chart power Sceaux house last 7d as line" makes the chart on the tab, linked to the message', async () => {
    const input = chat().getByRole("combobox", { name: "Message" });
    await input.fill("/chart power Sceaux house last 7d as line");
    await input.press("Enter");
    // The question shows at once, then the tool call and the answer.
    await chat().getByTestId("chat-user").filter({ hasText: "/chart power Sceaux house last 7d as line" }).waitFor();
    const answer = chat().getByTestId("chat-assistant").filter({ hasText: "Created chart" });
    await answer.waitFor();
    const call = chat().getByTestId("chat-tool-call").first();
    await expect.poll(() => call.textContent()).toContain("Create a chart");
    expect(await call.textContent()).toContain("allowed");
    await page.getByTestId("chat-toast").filter({ hasText: "Chart created" }).first().waitFor();

    // The chart appears on the open tab without a reload, marked as made by the chat.
    const chart = card("Sceaux house: power, last 7 days");
    await chart.waitFor();
    await chartsDrawn(page, 1);
    expect(await chart.textContent()).toContain("From chat session");

    // The message links to the chart; the workspace shows the call's input and result.
    await call.getByRole("button", { name: /Open chart “Sceaux house: power, last 7 days” on Asked in chat/ }).click();
    await expect.poll(() => chart.evaluate((el) => el.classList.contains("chat-linked"))).toBe(true);
    await call.getByRole("button", { name: /Create a chart/ }).click();
    const entry = chat().getByRole("region", { name: "Workspace" }).getByTestId("workspace-call").first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('"chartType": "line"');
    expect(await entry.textContent()).toContain('"title": "Sceaux house: power, last 7 days"');
    await screenshot(page, "chat-desktop");
    await chat().getByRole("button", { name: "Close workspace" }).click();
  });

  it("the Optimizer asks before it creates a chart; approved, the chart appears", async () => {
    await chat().getByLabel("Agent").selectOption("optimizer");
    await page.getByTestId("chat-toast").filter({ hasText: "Optimizer answers now" }).waitFor();
    const input = chat().getByRole("combobox", { name: "Message" });
    await input.fill("/chart voltage Sceaux house last 24h");
    await expect.poll(() => chat().locator(".chat-hint").textContent()).toContain("Optimizer asks first");
    await input.press("Enter");

    const request = chat().getByTestId("permission-card");
    await request.waitFor();
    expect(await request.textContent()).toContain("Optimizer wants to create a chart");
    expect(await request.textContent()).toMatch(/\d+ s left/);
    await chat().getByRole("status", { name: "Waiting for your answer" }).waitFor();
    await screenshot(page, "chat-permission-desktop");
    await request.getByRole("button", { name: "Approve once" }).click();

    await request.waitFor({ state: "detached" });
    await card("Sceaux house: voltage, last 24 h").waitFor();
    await chartsDrawn(page, 2);
    const calls = chat().getByTestId("chat-tool-call");
    await expect.poll(() => calls.count()).toBe(2);
    expect(await calls.nth(1).textContent()).toContain("approved once");
    await chat().getByTestId("chat-assistant").filter({ hasText: "Created chart" }).nth(1).waitFor();
  });

  it("puts the chat's charts at full width, one below the other, not in a narrow column", async () => {
    const grid = (await page.locator(".chart-grid").boundingBox())!;
    const [power, voltage] = await Promise.all(
      ["Sceaux house: power, last 7 days", "Sceaux house: voltage, last 24 h"].map(async (title) => (await card(title).boundingBox())!),
    );
    for (const box of [power, voltage]) {
      expect(box.x).toBeCloseTo(grid.x, 0);
      expect(box.width).toBeCloseTo(grid.width, 0);
    }
    expect(voltage.y).toBeGreaterThanOrEqual(power.y + power.height);
  });

  it("with the drawer open the dashboard reflows: a one-line top bar, no overlapping cards, no cut titles", async () => {
    // Two half-width charts side by side, with long titles beside the wide chip of an absolute window.
    const { access_token: token } = await stackApi<{ access_token: string }>(stack, "POST", "/api/auth/dev", null, {
      email: "demo@wattboard.local",
    });
    const { tabs } = await stackApi<{ tabs: { id: string; title: string }[] }>(stack, "GET", "/api/tabs", token);
    const { meters } = await stackApi<{ meters: { id: string; name: string }[] }>(stack, "GET", "/api/meters", token);
    const sceaux = meters.find((m) => m.name === "Sceaux house")!;
    const day = 24 * 3_600_000;
    for (const [x, days, title] of [
      [0, 1, "Sceaux house: energy, yesterday"],
      [6, 2, "Sceaux house: energy, the day before yesterday"],
    ] as const) {
      const to = Math.floor(Date.now() / day) * day - (days - 1) * day;
      await stackApi(stack, "POST", "/api/charts", token, {
        tabId: tabs.find((t) => t.title === "Asked in chat")!.id,
        title,
        spec: {
          meterIds: [sceaux.id],
          metric: "energy_wh",
          chartType: "line",
          window: { kind: "absolute", from: new Date(to - day).toISOString(), to: new Date(to).toISOString() },
        },
        layout: { x, y: 100, w: 6, h: 8 },
      });
    }
    for (const [name, options] of [
      ["chat-drawer-1280-light", { viewport: { width: 1280, height: 800 }, colorScheme: "light" }],
      ["chat-drawer-1360-dark", { viewport: DESKTOP, colorScheme: "dark" }],
    ] as const) {
      const wide = await signedInLike(browser, context, stack.baseUrl, options);
      const other = await wide.newPage();
      await other.goto(stack.baseUrl);
      await other.getByRole("complementary", { name: "Chat" }).waitFor();
      for (const [tab, oneOfItsCharts] of [
        ["Home", "What the house costs"],
        ["Asked in chat", "Sceaux house: energy, the day before yesterday"],
      ]) {
        await other.getByRole("tab", { name: tab }).click();
        // The tab's own charts (it loads after the click), drawn.
        await other.getByRole("article", { name: oneOfItsCharts, exact: true }).waitFor();
        await chartsDrawn(other, 4);
        const found = await other.evaluate(() => {
          // The top bar's items sit on one line: their vertical extents all overlap the first's.
          const items = [...document.querySelectorAll<HTMLElement>(".topbar > *")]
            .map((el) => el.getBoundingClientRect())
            .filter((r) => r.width > 0 && r.height > 0);
          const oneLine = items.every((r) => r.top < items[0].bottom && r.bottom > items[0].top);
          const cards = [...document.querySelectorAll<HTMLElement>(".chart-card")].map((el) => el.getBoundingClientRect());
          const overlapping = cards.flatMap((a, i) =>
            cards
              .slice(i + 1)
              .filter((b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
              .map(() => i),
          );
          const cut = [...document.querySelectorAll<HTMLElement>(".chart-card h3")]
            .filter((h) => h.scrollWidth > h.clientWidth || h.scrollHeight > h.clientHeight)
            .map((h) => h.textContent);
          return { oneLine, cards: cards.length, overlapping, cut };
        });
        await screenshot(other, `${name}-${tab.replaceAll(" ", "-").toLowerCase()}`);
        expect(found, `${name} ${tab}`).toMatchObject({ oneLine: true, overlapping: [], cut: [] });
        expect(found.cards).toBeGreaterThanOrEqual(2);
        // Reflowed under 1000 px, the charts have no drag handle, and the hint says why instead of offering the drag.
        expect(await other.locator(".chart-drag").count(), `${name} ${tab}`).toBe(0);
        const hint = other.locator(".tab-toolbar .hint");
        expect(await hint.textContent()).toMatch(/^Charts are rearranged to fit this width, so moving and resizing are off/);
        expect(await hint.textContent()).not.toContain("Drag a chart");
      }
      // The chat closed, the grid is wide enough for its saved layout: the handles and the drag hint come back.
      await other.getByRole("complementary", { name: "Chat" }).getByRole("button", { name: "Close chat" }).click();
      await other.locator(".chart-drag").first().waitFor();
      await other.locator(".tab-toolbar .hint").getByText("Drag a chart by ⠿ to move it").waitFor();
      await wide.close();
    }
  });

  it("keeps the session: rename it, and it is there after a reload", async () => {
    await chat().getByRole("button", { name: "Session actions" }).click();
    await page.getByRole("menuitem", { name: "Rename" }).click();
    await chat().getByLabel("Session title").fill("Charts by chat");
    await chat().getByLabel("Session title").press("Enter");
    await page.reload();
    await chat().waitFor();
    await expect
      .poll(() =>
        chat()
          .getByLabel("Chat session")
          .evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      )
      .toBe("Charts by chat");
    await expect.poll(() => chat().getByTestId("chat-tool-call").count()).toBe(2);
  });

  it("fits a phone, full screen, in the dark theme", async () => {
    const phone = await darkPhoneLike(browser, context, stack.baseUrl);
    const small = await phone.newPage();
    await small.goto(stack.baseUrl);
    const panel = small.getByRole("complementary", { name: "Chat" });
    await panel.getByTestId("chat-assistant").first().waitFor();
    const box = (await panel.boundingBox())!;
    expect(box.width).toBe(PHONE.width);
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await panel.getByRole("combobox", { name: "Message" }).fill("/");
    await panel.getByRole("listbox", { name: "Commands" }).waitFor();
    await small.screenshot({ path: `${new URL("./screenshots/", import.meta.url).pathname}chat-phone-dark.png` });
    await panel.getByRole("combobox", { name: "Message" }).fill("");
    await panel.getByRole("button", { name: /^Workspace/ }).click();
    await panel.getByRole("region", { name: "Workspace" }).getByTestId("workspace-call").first().waitFor();
    await small.screenshot({ path: `${new URL("./screenshots/", import.meta.url).pathname}chat-workspace-phone-dark.png` });
    // On a phone the workspace takes the screen; closing it comes back to the conversation.
    await panel.getByRole("button", { name: "Close workspace" }).click();
    await panel.getByRole("button", { name: "Close chat" }).click();
    await small.getByRole("article", { name: "Sceaux house: voltage, last 24 h", exact: true }).waitFor();
    await phone.close();
  });
});

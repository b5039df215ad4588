/**
 * An alert rule asked for in the chat (offline engine): readings posted to the webhook cross it,
 * the notification in the bell says what the person asked and when, and the rule is silenced
 * from the notification itself.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot } from "./browser";
import { type E2eStack, postSignedReadings, stackApi, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light", timezoneId: "UTC" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const api = <T>(method: string, path: string, token: string | null, body?: unknown) => stackApi<T>(stack, method, path, token, body);

const chat = () => page.getByRole("complementary", { name: "Chat" });
const ASKED = "tell me if the garage draws over 2 kW for more than 10 minutes";

describe("an alert rule made from the chat", () => {
  it("is asked for in words, fires on posted readings with the conversation's words, and is silenced from the notification", async () => {
    const email = `chat-rules-${Date.now()}@wattboard.local`;
    const { access_token: token } = await api<{ access_token: string }>("POST", "/api/auth/dev", null, { email });
    const meter = await api<{ id: string; webhook: { secret: string } }>("POST", "/api/meters", token, { name: "Garage", timezone: "UTC" });
    // A write the chat asks before making: approved in the chat below.
    await api("PUT", "/api/chat/settings", token, { rules: { create_alert_rule: "ask" }, askTimeoutSeconds: 120 });

    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Chat", exact: true }).click();
    await chat().waitFor();
    const input = chat().getByRole("combobox", { name: "Message" });
    await input.fill(ASKED);
    await input.press("Enter");
    const request = chat().getByTestId("permission-card");
    await request.waitFor();
    await request.getByRole("button", { name: "Approve once" }).click();
    await chat().getByTestId("chat-assistant").filter({ hasText: "Made the alert rule" }).waitFor();
    await screenshot(page, "alert-rule-from-chat");

    const listed = await api<{ rules: { id: string; kind: string; value: number; for: string }[] }>(
      "GET",
      `/api/alert-rules?meterId=${meter.id}`,
      token,
    );
    expect(listed.rules).toMatchObject([{ kind: "threshold", value: 2000, for: "PT10M" }]);
    const ruleId = listed.rules[0].id;

    // 2.4 kW for the last 12 minutes, one reading a minute.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 12 * 60_000;
    expect(
      await postSignedReadings(
        stack,
        meter,
        Array.from({ length: 13 }, (_, i) => ({ ts: new Date(start + i * 60_000).toISOString(), power_w: 2400 })),
      ),
    ).toBe(200);
    await expect
      .poll(async () => (await api<{ state: string }>("GET", `/api/alert-rules/${ruleId}`, token)).state, { timeout: 30_000 })
      .toBe("firing");

    // The notification arrives over the socket: the bell counts it without a reload.
    await page.getByRole("button", { name: /^Notifications, \d+ unread$/ }).click();
    const inbox = page.getByRole("region", { name: "Notifications" });
    const since = new Date(start).toISOString().slice(11, 16);
    const notification = inbox.getByRole("listitem").filter({ hasText: "you asked to be told when Garage passes 2 kW" });
    await notification.waitFor();
    expect(await notification.textContent()).toContain(`it has been at 2.40 kW since ${since}.`);
    expect(await notification.textContent()).toContain("from your chat");
    await screenshot(page, "alert-notification-from-chat");

    await notification.getByRole("button", { name: "Silence 1 h" }).click();
    await notification.getByText(/^Silenced until/).waitFor();
    await screenshot(page, "alert-notification-silenced");
    const silenced = await api<{ silencedUntil: string | null }>("GET", `/api/alert-rules/${ruleId}`, token);
    expect(Date.parse(silenced.silencedUntil!)).toBeGreaterThan(Date.now() + 55 * 60_000);
  });
});

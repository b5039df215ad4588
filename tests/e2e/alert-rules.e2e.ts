/**
 * Alert rules from the meters page: a rule made in the panel, readings posted to the webhook that
 * cross it, the rule shown firing with its history and a notification in the inbox, then silenced.
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
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const api = <T>(method: string, path: string, token: string | null, body?: unknown) => stackApi<T>(stack, method, path, token, body);

const rules = () => page.getByRole("region", { name: "Alert rules" });

describe("alert rules on the meters page", () => {
  it("makes a rule, sees it fire on posted readings, reads its history and silences it", async () => {
    const email = `rules-${Date.now()}@wattboard.local`;
    const { access_token: token } = await api<{ access_token: string }>("POST", "/api/auth/dev", null, { email });
    const meter = await api<{ id: string; webhook: { secret: string } }>("POST", "/api/meters", token, { name: "Garage", timezone: "UTC" });

    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Meters" }).click();
    await rules().getByText("No rules yet").waitFor();
    await rules().getByLabel("When").selectOption("threshold");
    await rules().getByLabel("Value (kW)").fill("2");
    await rules().getByLabel(/^For /).selectOption("PT5M");
    await rules().getByLabel("Headline").fill("Garage over 2 kW");
    await rules().getByRole("button", { name: "Add rule" }).click();
    const row = rules().locator("tr", { hasText: "Garage over 2 kW" });
    await row.getByTestId("rule-state").getByText("OK").waitFor();

    // 2.4 kW for the last 8 minutes, one reading a minute.
    expect(
      await postSignedReadings(
        stack,
        meter,
        Array.from({ length: 9 }, (_, i) => ({ ts: new Date(Date.now() - (8 - i) * 60_000).toISOString(), power_w: 2400 })),
      ),
    ).toBe(200);

    await expect
      .poll(
        async () => {
          const listed = await api<{ rules: { state: string }[] }>("GET", `/api/alert-rules?meterId=${meter.id}`, token);
          return listed.rules[0]?.state;
        },
        { timeout: 30_000 },
      )
      .toBe("firing");
    await page.reload();
    await row.getByTestId("rule-state").getByText("Firing").waitFor();
    await row.getByRole("button", { name: "History" }).click();
    const history = rules().getByTestId("rule-history");
    await history.getByText("Firing").waitFor();
    await history.getByText("Pending").waitFor();
    await screenshot(page, "alert-rule-history");

    const bell = page.getByRole("button", { name: /^Notifications, \d+ unread$/ });
    await bell.click();
    await page.getByRole("region", { name: "Notifications" }).getByText("Firing: Garage over 2 kW").waitFor();
    await page.keyboard.press("Escape");

    await row.getByRole("button", { name: "Silence 1 h" }).click();
    await row.getByText(/silenced until/).waitFor();
    const silenced = await api<{ rules: { silencedUntil: string | null }[] }>("GET", `/api/alert-rules?meterId=${meter.id}`, token);
    expect(Date.parse(silenced.rules[0].silencedUntil!)).toBeGreaterThan(Date.now() + 55 * 60_000);

    // The bell reads the silence from the rule after a reload: no button to silence it again.
    await page.reload();
    await page.getByRole("button", { name: /^Notifications/ }).click();
    const inbox = page.getByRole("region", { name: "Notifications" });
    const told = inbox.locator("li", { hasText: "Firing: Garage over 2 kW" });
    await told.getByText(/Silenced until/).waitFor();
    expect(await told.getByRole("button", { name: "Silence 1 h" }).count()).toBe(0);
    await screenshot(page, "alert-bell-silenced");
    await page.keyboard.press("Escape");

    // Edit the condition: the form opens filled with it, and the list shows the new one.
    await row.getByRole("button", { name: "Edit" }).click();
    const form = rules().getByRole("form", { name: "Edit the rule" });
    expect(await form.getByLabel("Value (kW)").inputValue()).toBe("2");
    await form.getByLabel("Value (kW)").fill("3");
    await form.getByRole("button", { name: "Save rule" }).click();
    await row.getByTestId("rule-condition").getByText("Power above 3.00 kW for 5 minutes").waitFor();
    await rules().getByRole("form", { name: "Add a rule" }).waitFor();
    const edited = await api<{ rules: { value: number; name: string }[] }>("GET", `/api/alert-rules?meterId=${meter.id}`, token);
    expect(edited.rules[0]).toMatchObject({ value: 3000, name: "Garage over 2 kW" });

    // A budget of 0 is refused by the API: the form says which field.
    await api("POST", "/api/alert-rules", token, { meterId: meter.id, kind: "budget", period: "month", value: 40, name: "Garage budget" });
    await page.reload();
    const budget = rules().locator("tr", { hasText: "Garage budget" });
    await budget.getByRole("button", { name: "Edit" }).click();
    await form.getByLabel("Value (money)").fill("0");
    await form.getByRole("button", { name: "Save rule" }).click();
    await form.getByRole("alert").getByText(/value/).waitFor();
    await screenshot(page, "alert-rule-edit-refused");
  });
});

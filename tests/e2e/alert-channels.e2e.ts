/**
 * Alert channels from the meters page: a signed webhook added with its secret shown once, a test
 * sent and received (signature checked by the receiver), and a channel whose server answers 500
 * shown failing with its last error.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../worker/alerts/signing";
import { launchChromium, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** A receiver on 127.0.0.1: /ok answers 200, /broken 500; it keeps what arrived. */
const received: { path: string; headers: Record<string, string>; body: string }[] = [];
const receiver = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  received.push({
    path: request.url ?? "",
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
    body: Buffer.concat(chunks).toString("utf8"),
  });
  response.writeHead(request.url?.startsWith("/broken") ? 500 : 200).end();
});
let receiverUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

const channels = () => page.getByRole("region", { name: "Alert channels" });
const rowOf = (name: string) => channels().locator("tr", { hasText: name });

async function addChannel(service: string, title: string, url: string) {
  await channels().getByLabel("Service").selectOption(service);
  await channels().getByLabel("Title").fill(title);
  await channels().getByLabel("URL").fill(url);
  await channels().getByRole("button", { name: "Add channel" }).click();
  await rowOf(title).waitFor();
}

describe("alert channels on the meters page", () => {
  it("adds a signed webhook, shows its secret once, and a test reaches the receiver signed", async () => {
    await page.goto(stack.baseUrl);
    await page.getByLabel("Email").fill(`channels-${Date.now()}@wattboard.local`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Meters" }).click();
    await channels().getByText("No channels yet").waitFor();

    await addChannel("webhook", "My server", `${receiverUrl}/ok/hook`);
    const secret = (await channels().getByTestId("channel-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, "alert-channel-secret");
    await channels().getByRole("button", { name: "Done" }).click();
    await expect(channels().getByTestId("channel-secret").count()).resolves.toBe(0);

    await rowOf("My server").getByRole("button", { name: "Send a test" }).click();
    await rowOf("My server")
      .getByText(/Test delivered/)
      .waitFor();
    const delivery = received.find((r) => r.path === "/ok/hook")!;
    expect(JSON.parse(delivery.body).type).toBe("test");
    const headers = {
      id: delivery.headers["webhook-id"],
      timestamp: delivery.headers["webhook-timestamp"],
      signature: delivery.headers["webhook-signature"],
    };
    expect(await verifyWebhook(secret, headers, delivery.body)).toBe(true);
  });

  it("shows a channel whose server answers 500 as failing, with its last error", async () => {
    await addChannel("ntfy", "Broken phone", `${receiverUrl}/broken/topic`);
    await rowOf("Broken phone").getByRole("button", { name: "Send a test" }).click();
    await rowOf("Broken phone")
      .getByText(/Test failed: HTTP 500/)
      .waitFor();
    await rowOf("Broken phone").getByText("Failing").waitFor();
    expect(received.find((r) => r.path === "/broken/topic")?.headers.title).toBe("Wattboard test");
    await screenshot(page, "alert-channels");
  });
});

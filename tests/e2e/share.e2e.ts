/**
 * A shared link opened with no account, embedded in another origin's page, and gone once revoked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let otherOrigin: Server;
let otherOriginUrl = "";
let share = { token: "", url: "", embedUrl: "" };
let accessToken = "";

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
};

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack(), launchChromium()]);
  const signIn = await fetch(`${stack.baseUrl}/api/auth/dev`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "demo@wattboard.local" }),
  });
  accessToken = ((await signIn.json()) as { access_token: string }).access_token;
  // Another origin (another port on loopback) with a page that embeds the chart.
  otherOrigin = createServer((_request, response) => {
    response
      .writeHead(200, { "Content-Type": "text/html" })
      .end(
        `<!doctype html><h1>Someone else's page</h1><iframe id="embed" src="${share.embedUrl}?theme=light" width="900" height="420"></iframe><iframe id="page" src="${share.url}" width="300" height="120"></iframe>`,
      );
  });
  await new Promise<void>((resolve) => otherOrigin.listen(0, "127.0.0.1", resolve));
  otherOriginUrl = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (otherOrigin ? otherOrigin.close(resolve) : resolve(undefined)));
  await stack?.stop();
});

describe("a shared chart", () => {
  it("opening and closing the share dialog makes no link; Create link makes one, listed on the Shared page one click away", async () => {
    const { tabs } = (await api("GET", "/api/tabs")).body;
    const home = (await api("GET", `/api/tabs/${tabs[0].id}`)).body;
    const chart = home.charts[0];
    const linksOfChart = async () =>
      (await api("GET", "/api/shares")).body.shares.filter((s: { targetId: string }) => s.targetId === chart.id);
    expect(await linksOfChart()).toEqual([]);

    const owner = await browser.newContext({ viewport: DESKTOP });
    const ownerPage = await owner.newPage();
    await ownerPage.goto(stack.baseUrl);
    await ownerPage.getByRole("button", { name: /Use the demo account/ }).click();
    const openDialog = async () => {
      await ownerPage.getByRole("button", { name: `Actions for ${chart.title}` }).click();
      await ownerPage.getByRole("menuitem", { name: "Share" }).click();
    };
    await openDialog();
    const createLink = ownerPage.getByRole("button", { name: "Create link" });
    await createLink.waitFor();
    await screenshot(ownerPage, "share-dialog-no-link");
    await ownerPage.getByRole("button", { name: "Close" }).click();
    await createLink.waitFor({ state: "detached" });
    expect(await linksOfChart()).toEqual([]);
    expect((await api("GET", `/api/shares/live?kind=chart&id=${chart.id}`)).body).toEqual({ share: null });

    await openDialog();
    await createLink.click();
    const link = ownerPage.getByLabel("Share link");
    await expect.poll(() => link.inputValue()).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
    await screenshot(ownerPage, "share-dialog");
    const url = await link.inputValue();
    const links = await linksOfChart();
    expect(links).toHaveLength(1);
    share = links[0];
    expect(share).toMatchObject({ kind: "chart", targetId: chart.id, url });

    await ownerPage.getByRole("link", { name: "All shared links" }).click();
    await ownerPage.getByRole("row", { name: new RegExp(share.token) }).waitFor();
    await owner.close();
  });

  it("concurrent creates for one tab give one link", async () => {
    const { tabs } = (await api("GET", "/api/tabs")).body;
    const [one, two] = await Promise.all([
      api("POST", "/api/shares", { kind: "tab", id: tabs[0].id }),
      api("POST", "/api/shares", { kind: "tab", id: tabs[0].id }),
    ]);
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(two.body.token).toBe(one.body.token);
    expect((await api("DELETE", `/api/shares/${one.body.token}`)).status).toBe(200);
  });

  it("opens in a fresh browser with no account, with link-preview tags", async () => {
    const { tabs } = (await api("GET", "/api/tabs")).body;
    const chart = (await api("GET", `/api/tabs/${tabs[0].id}`)).body.charts[0];

    const html = await (await fetch(share.url)).text();
    expect(html).toContain(`<meta property="og:title" content="${chart.title}">`);
    expect(html).toContain(`/api/public/shares/${share.token}/preview.svg`);
    const preview = await fetch(`${stack.baseUrl}/api/public/shares/${share.token}/preview.svg`);
    expect(preview.headers.get("Content-Type")).toContain("image/svg+xml");

    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(share.url);
    await page.getByRole("heading", { name: chart.title }).waitFor();
    await page.locator(".public-plot .main-svg").first().waitFor();
    await expect.poll(() => context.cookies()).toEqual([]);
    // The page's heading is the chart's title: its figure does not say it again.
    expect(await page.locator("h1, h2, h3, figcaption").filter({ hasText: chart.title }).count()).toBe(1);
    // The value axis starts at 0, as on the dashboard (power, not voltage).
    expect(chart.spec.metric).toBe("power_w");
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (document.querySelector(".public-plot") as unknown as { _fullLayout: { yaxis: { range: number[] } } })._fullLayout.yaxis
              .range[0],
        ),
      )
      .toBe(0);
    await screenshot(page, "share-page");
    await context.close();
  });

  it("embeds in another origin's page, while the share page itself refuses to be framed", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(otherOriginUrl);
    const embed = page.frameLocator("#embed");
    await embed.locator(".public-plot .main-svg").first().waitFor();
    await screenshot(page, "embed-other-origin");
    // The window's load waits for both frames; a refused frame is left on the browser's error page.
    await page.waitForLoadState("load");
    const framedPage = await (await page.locator("#page").elementHandle())!.contentFrame();
    expect(framedPage).not.toBeNull();
    expect(framedPage!.url()).not.toContain("/s/");
    expect(await framedPage!.locator(".public-plot").count()).toBe(0);
    await context.close();
  });

  it("is listed on the Shared page, and is gone within seconds of revoking it there", async () => {
    const owner = await browser.newContext({ viewport: DESKTOP });
    const ownerPage = await owner.newPage();
    await ownerPage.goto(stack.baseUrl);
    await ownerPage.getByRole("button", { name: /Use the demo account/ }).click();
    await ownerPage.getByRole("link", { name: "Shared" }).click();
    const row = ownerPage.getByRole("row", { name: new RegExp(share.token) });
    await row.waitFor();
    expect(await row.textContent()).toContain("Chart “");
    await screenshot(ownerPage, "shared-page");
    ownerPage.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.waitFor({ state: "detached" });
    await owner.close();

    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(share.url);
    await page.getByText("This shared link is no longer available").waitFor();
    expect((await fetch(`${stack.baseUrl}/api/public/shares/${share.token}`)).status).toBe(404);
    await context.close();
  });
});

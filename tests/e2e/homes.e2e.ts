/**
 * A home shared by two people in two browsers: the owner invites, the second person accepts as an
 * editor, both see the same tab, a change by one appears for the other without a reload (a tab's
 * title, a note drawn on a chart), and a viewer sees the home without its edit controls.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, postSignedReadings, stackApi, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.stop();
});

async function signInAs(email: string) {
  return stackApi<{ access_token: string }>(stack, "POST", "/api/auth/dev", null, { email });
}

/** A browser of its own, signed in through the sign-in form, at `path`. */
async function personAt(email: string, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}${path}`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  return page;
}

describe("a home shared by its members", () => {
  it("owner invites, an editor joins, both see the tab, changes and notes show live, a viewer cannot edit", async () => {
    const owner = await signInAs("owner@flat3.test");
    const home = await stackApi<{ id: string }>(stack, "POST", "/api/homes", owner.access_token, { name: "Flat 3" });
    const tab = await stackApi<{ id: string }>(stack, "POST", `/api/tabs?home=${home.id}`, owner.access_token, { title: "Together" });
    // The home's meter with a day of half-hourly readings, on a chart of the shared tab.
    const meter = await stackApi<{ id: string; webhook: { secret: string } }>(
      stack,
      "POST",
      `/api/meters?home=${home.id}`,
      owner.access_token,
      { name: "Flat 3 supply", timezone: "UTC" },
    );
    const now = Date.now();
    const readings = Array.from({ length: 48 }, (_, i) => ({
      ts: new Date(now - (47 - i) * 30 * 60_000).toISOString(),
      power_w: 400 + (i % 8) * 50,
    }));
    expect(await postSignedReadings(stack, meter, readings)).toBe(200);
    await stackApi(stack, "POST", `/api/charts?home=${home.id}`, owner.access_token, {
      tabId: tab.id,
      title: "Flat power",
      spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_24h" } },
    });

    // The owner makes an invite link on the Home page.
    const ownerPage = await personAt("owner@flat3.test", `/home?home=${home.id}`);
    await ownerPage.getByRole("heading", { name: "Members of Flat 3" }).waitFor();
    await ownerPage.getByLabel("Invite as").selectOption("editor");
    await ownerPage.getByRole("button", { name: "Create invite link" }).click();
    const link = ownerPage.getByLabel("Invite link");
    await expect.poll(() => link.inputValue()).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await screenshot(ownerPage, "homes-invite-link");
    const inviteUrl = await link.inputValue();

    // The second person opens it, signs in and joins as an editor.
    const editorPage = await personAt("editor@flat3.test", new URL(inviteUrl).pathname);
    await editorPage.getByRole("button", { name: "Join the home" }).click();
    await editorPage.getByRole("tab", { name: "Together" }).waitFor();
    expect(new URL(editorPage.url()).searchParams.get("home")).toBe(home.id);
    await chartsDrawn(editorPage);
    await editorPage.getByRole("button", { name: "+ Add chart" }).waitFor();
    await screenshot(editorPage, "homes-editor-joined");

    // Both see the same tab; the editor renames it and the owner's open dashboard follows.
    await ownerPage.goto(`${stack.baseUrl}/?home=${home.id}`);
    await ownerPage.getByRole("tab", { name: "Together" }).waitFor();
    await editorPage.getByRole("tab", { name: "Together" }).dblclick();
    await editorPage.getByLabel("Rename Together").fill("Together, renamed");
    await editorPage.getByLabel("Rename Together").press("Enter");
    await ownerPage.getByRole("tab", { name: "Together, renamed" }).waitFor();
    await screenshot(ownerPage, "homes-owner-sees-editor-change");
    await screenshot(editorPage, "homes-editor-after-change");

    // The editor adds a note by clicking the shared chart; the owner's open chart draws it without a reload.
    await chartsDrawn(ownerPage);
    const editorPlot = editorPage.getByTestId("plot").first();
    const area = (await editorPlot.locator(".nsewdrag").first().boundingBox())!;
    await editorPage.mouse.move(area.x + area.width * 0.6, area.y + area.height * 0.5);
    await editorPage.mouse.click(area.x + area.width * 0.6, area.y + area.height * 0.5);
    const popover = editorPage.getByRole("form", { name: "Add a note here" });
    await popover.getByRole("textbox", { name: "Note" }).fill("Boiler serviced");
    await popover.getByRole("button", { name: "Add note" }).click();
    await popover.waitFor({ state: "detached" });
    const ownerPlot = ownerPage.getByTestId("plot").first();
    await expect.poll(() => ownerPlot.getAttribute("data-notes")).toBe("1");
    await ownerPlot.getByText("✎ Boiler serviced").waitFor();
    await screenshot(ownerPage, "homes-owner-sees-editor-note");

    // A viewer sees the home, its chart and its note, without the controls that would change it, and is told why.
    const viewer = await signInAs("viewer@flat3.test");
    const invite = await stackApi<{ token: string }>(stack, "POST", `/api/homes/${home.id}/invites`, owner.access_token, {
      role: "viewer",
    });
    await stackApi(stack, "POST", `/api/invites/${invite.token}/accept`, viewer.access_token);
    const viewerPage = await personAt("viewer@flat3.test", `/?home=${home.id}`);
    await viewerPage.getByTestId("viewer-note").filter({ hasText: "viewer in Flat 3" }).filter({ hasText: "owner@flat3.test" }).waitFor();
    await chartsDrawn(viewerPage);
    const viewerPlot = viewerPage.getByTestId("plot").first();
    await expect.poll(() => viewerPlot.getAttribute("data-notes")).toBe("1");
    await viewerPage.getByRole("tab", { name: "Together, renamed" }).waitFor();
    for (const control of ["+ Add chart", "New tab", /^Move Flat power/]) {
      expect(await viewerPage.getByRole("button", { name: control }).count()).toBe(0);
    }
    // A click on the chart opens no note form; the chart's and the tab's menus keep only what reads.
    const viewerArea = (await viewerPlot.locator(".nsewdrag").first().boundingBox())!;
    await viewerPage.mouse.click(viewerArea.x + viewerArea.width * 0.3, viewerArea.y + viewerArea.height * 0.5);
    await viewerPage.getByRole("button", { name: "Actions for Flat power" }).click();
    await viewerPage.getByRole("menuitem", { name: "Export CSV" }).waitFor();
    const chartMenu = await viewerPage.getByRole("menuitem").allTextContents();
    expect(chartMenu.some((item) => /Edit|Duplicate|Share|Delete/.test(item))).toBe(false);
    expect(await viewerPage.getByRole("form", { name: "Add a note here" }).count()).toBe(0);
    await viewerPage.keyboard.press("Escape");
    await viewerPage.getByRole("button", { name: "Tab actions for Together, renamed" }).click();
    await viewerPage.getByRole("menuitem", { name: "Export tab as PNG" }).waitFor();
    const tabMenu = await viewerPage.getByRole("menuitem").allTextContents();
    expect(tabMenu.some((item) => /Rename|Share|Delete/.test(item))).toBe(false);
    await viewerPage.keyboard.press("Escape");
    await screenshot(viewerPage, "homes-viewer-read-only");
    // The server refuses a viewer's change all the same, naming the role it needs.
    await expect(stackApi(stack, "PATCH", `/api/tabs/${tab.id}`, viewer.access_token, { title: "Mine now" })).rejects.toThrow(
      /403.*editor/,
    );

    // The owner's Home page lists the three members and the audit log.
    await ownerPage.goto(`${stack.baseUrl}/home?home=${home.id}`);
    await ownerPage
      .getByRole("region", { name: "Members" })
      .getByRole("row", { name: /viewer@flat3\.test viewer/ })
      .waitFor();
    await ownerPage.getByRole("region", { name: "Audit log" }).getByRole("cell", { name: "tab.update" }).first().waitFor();
    await screenshot(ownerPage, "homes-members-and-audit");
  });
});

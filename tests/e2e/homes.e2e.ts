/**
 * A home shared by two people in two browsers: the owner invites, the second person accepts as an
 * editor, both see the same tab, a change by one appears for the other without a reload, and a
 * viewer cannot edit.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, stackApi, startE2eStack } from "./stack";

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
  it("owner invites, an editor joins, both see the tab, a change shows live, a viewer cannot edit", async () => {
    const owner = await signInAs("owner@flat3.test");
    const home = await stackApi<{ id: string }>(stack, "POST", "/api/homes", owner.access_token, { name: "Flat 3" });
    await stackApi(stack, "POST", `/api/tabs?home=${home.id}`, owner.access_token, { title: "Together" });

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
    await editorPage.getByRole("heading", { name: "“Together” has no charts yet" }).waitFor();
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

    // A viewer reads the home but cannot change it: the change is refused naming the role it needs.
    const viewer = await signInAs("viewer@flat3.test");
    const invite = await stackApi<{ token: string }>(stack, "POST", `/api/homes/${home.id}/invites`, owner.access_token, {
      role: "viewer",
    });
    await stackApi(stack, "POST", `/api/invites/${invite.token}/accept`, viewer.access_token);
    const viewerPage = await personAt("viewer@flat3.test", `/?home=${home.id}`);
    await viewerPage.getByRole("tab", { name: "Together, renamed" }).dblclick();
    await viewerPage.getByLabel("Rename Together, renamed").fill("Mine now");
    await viewerPage.getByLabel("Rename Together, renamed").press("Enter");
    await viewerPage.getByRole("alert").filter({ hasText: "needs the editor role" }).waitFor();
    await viewerPage.getByRole("tab", { name: "Together, renamed" }).waitFor();
    await screenshot(viewerPage, "homes-viewer-refused");
    const tabs = await stackApi<{ tabs: { title: string }[] }>(stack, "GET", `/api/tabs?home=${home.id}`, owner.access_token);
    expect(tabs.tabs.map((t) => t.title)).toEqual(["Together, renamed"]);

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

/**
 * A conversation of six turns with the offline engine (the engine of every fresh install), in a
 * real browser on the demo account: a question answered with a number, the chart it offers, a
 * follow-up that changes the period, a statement that sets a limit, an ambiguous meter answered by
 * clicking a choice, and a share of what the conversation was about.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

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

const chat = () => page.getByRole("complementary", { name: "Chat" });
const answers = () => chat().getByTestId("chat-assistant");
const choices = () => chat().getByTestId("chat-choices");

const WAIT = { timeout: 20_000 };

/** Sends a message; `answered` resolves with the answer it gets (the next answer of the session). */
async function send(text: string): Promise<{ answered: () => Promise<string> }> {
  const before = await answers().count();
  const input = chat().getByRole("combobox", { name: "Message" });
  await input.fill(text);
  await input.press("Enter");
  return {
    answered: async () => {
      await expect.poll(() => answers().count(), WAIT).toBeGreaterThan(before);
      return (await answers().last().textContent()) ?? "";
    },
  };
}

const selectedSessionTitle = () =>
  chat()
    .getByLabel("Chat session")
    .evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent);

const ask = async (text: string) => (await send(text)).answered();

/** Clicks one of the latest answer's choices and waits for the answer it gets. */
async function choose(label: string | RegExp): Promise<string> {
  const before = await answers().count();
  await choices().getByRole("button", { name: label }).click();
  await expect.poll(() => answers().count(), WAIT).toBeGreaterThan(before);
  return (await answers().last().textContent()) ?? "";
}

/** Approves the permission the chat asks for (the Analyst asks before it changes settings or shares). */
async function approve(words: string) {
  const request = chat().getByTestId("permission-card");
  await request.waitFor();
  expect(await request.textContent()).toContain(words);
  await request.getByRole("button", { name: "Approve once" }).click();
  await request.waitFor({ state: "detached" });
}

describe("a six-turn conversation with the offline engine", () => {
  it("opens the chat on a new tab of the demo account", async () => {
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await page.getByRole("tab", { name: "Home" }).waitFor();
    await page.getByRole("button", { name: "New tab", exact: true }).click();
    await page.getByLabel("New tab title").fill("Talked about");
    await page.getByLabel("New tab title").press("Enter");
    await page.getByRole("tab", { name: "Talked about", selected: true }).waitFor();
    await page.getByRole("button", { name: "Chat", exact: true }).click();
    await chat().waitFor();
    // The chat opens on the demo's own session (the Optimizer set the London house's peak limit):
    // this conversation is a new one, with the Analyst.
    await chat().getByLabel("Chat session").selectOption({ label: "Planning the London house" });
    await chat().getByRole("button", { name: "New session" }).click();
    // The agent is picked for the new session, once it exists (not for the one it replaces).
    await expect.poll(() => selectedSessionTitle(), WAIT).toBe("New chat");
    await chat().getByLabel("Agent").selectOption("analyst");
    await expect.poll(() => answers().count(), WAIT).toBe(0);
  });

  it("1. a question gets a number with its unit and period, and offers the chart", async () => {
    const text = await ask("how much energy did the sceaux house use yesterday?");
    expect(text).toMatch(/Sceaux house used [\d.,]+ kWh yesterday/);
    // The session made with "+" is named from its first message.
    await expect.poll(() => selectedSessionTitle(), WAIT).toBe("how much energy did the sceaux house use yester…");
    await choices().getByRole("button", { name: "Add this as a chart" }).waitFor();
  });

  it("2. the offered chart is added to the tab on screen", async () => {
    const text = await choose("Add this as a chart");
    expect(text).toContain("Created chart");
    await expect.poll(() => page.getByRole("article").count(), WAIT).toBe(1);
    await chartsDrawn(page, 1);
    expect(await page.getByRole("article").first().textContent()).toContain("Sceaux house");
  });

  it("3. a follow-up changes the period of what was last shown and keeps its meter and metric", async () => {
    const text = await ask("and the day before?");
    expect(text).toMatch(/Created chart "Sceaux house: energy, [^"]+"/);
    await expect.poll(() => page.getByRole("article").count(), WAIT).toBe(2);
    await chartsDrawn(page, 2);
    const titles = await page.getByRole("article").evaluateAll((cards) => cards.map((c) => c.getAttribute("aria-label")));
    expect(new Set(titles).size).toBe(2);
  });

  it("4. a statement sets the limit it states", async () => {
    const turn = await send("I want to keep the peak of the kitchen under 2 kW");
    await approve("peak limit 2 kW");
    expect(await turn.answered()).toContain("Peak limit of Kitchen set to 2 kW");
  });

  it("5. an ambiguous meter is a question with choices; clicking one answers it", async () => {
    const question = await ask("what did the london one cost last month?");
    expect(question).toMatch(/Which/i);
    const offered = choices().getByRole("button");
    await expect.poll(() => offered.count(), WAIT).toBeGreaterThanOrEqual(2);
    const labels = await offered.allTextContents();
    expect(labels.some((l) => l.includes("London flat"))).toBe(true);
    expect(labels.some((l) => l.includes("London house"))).toBe(true);
    await screenshot(page, "chat-conversation-choices");
    const text = await choose(/London flat/);
    expect(text).toMatch(/London flat \(LCL MAC000002\) cost £[\d.,]+ last month/);
  });

  it("6. “share it” shares the chart the conversation made, after asking", async () => {
    const turn = await send("share that chart");
    await approve("share");
    expect(await turn.answered()).toMatch(/Anyone with this link can see "Sceaux house[^"]*": http\S+\/s\/[\w-]+/);
    await screenshot(page, "chat-conversation-desktop");
  });

  it("7. a message typed while the chat waits for a permission answer is queued and sent after the answer", async () => {
    const limit = await send("I want to keep the peak of the kitchen under 3 kW");
    await chat().getByTestId("permission-card").waitFor();
    const input = chat().getByRole("combobox", { name: "Message" });
    expect(await input.getAttribute("placeholder")).toContain("sent after the answer");
    await input.fill("how much energy did the kitchen use yesterday?");
    await input.press("Enter");
    const queued = chat().getByRole("list", { name: "Queued messages" });
    expect(await queued.textContent()).toContain("how much energy did the kitchen use yesterday?");
    expect(await input.inputValue()).toBe("");
    await screenshot(page, "chat-queued-during-permission");
    await approve("peak limit 3 kW");
    expect(await limit.answered()).toContain("Peak limit of Kitchen set to 3 kW");
    await queued.waitFor({ state: "detached" });
    // The queued question was sent as the next turn and answered after the permission's turn.
    await expect.poll(() => answers().last().textContent(), WAIT).toMatch(/Kitchen used [\d.,]+ k?Wh yesterday/);
    const questions = await chat().getByTestId("chat-user").locator(".chat-text").allTextContents();
    expect(questions.slice(-2)).toEqual([
      "I want to keep the peak of the kitchen under 3 kW",
      "how much energy did the kitchen use yesterday?",
    ]);
  });

  it("8. a long conversation is compressed: a marker where earlier messages were summarized opens to what the chat remembers", async () => {
    const note = chat().getByTestId("chat-summary");
    const context = "We keep the thermostat at 20 degrees in the day and lower it at night, and the heat pump runs in the mornings. ";
    let sent = 0;
    while ((await note.count()) === 0 && sent < 18) {
      sent++;
      expect(await ask(`${sent}. ${context.repeat(5)}How much energy did the kitchen use yesterday?`)).toMatch(/Kitchen used/);
    }
    // The offline engine's budget is passed within 18 long messages, as a model's would be.
    expect(await note.count()).toBe(1);
    const before = await note.evaluate((marker) => {
      const all = [...(marker.parentElement?.children ?? [])];
      return all.slice(0, all.indexOf(marker)).filter((el) => el.getAttribute("data-testid") === "chat-user").length;
    });
    // The person still has every message: the summary sits between the older turns and the recent ones.
    expect(before).toBeGreaterThan(0);
    await note.getByText("Earlier messages summarized").click();
    const text = (await note.locator(".chat-text").textContent())!;
    expect(text).toMatch(/^Earlier conversation summarized \(\d+ messages\)/);
    expect(text).toContain("Goal: how much energy did the sceaux house use yesterday?");
    expect(text).toMatch(/Charts made:\n- Sceaux house/);
    await note.scrollIntoViewIfNeeded();
    await screenshot(page, "chat-compressed-offline");
  });
});

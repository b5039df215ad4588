import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";

export const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));

/** Debian's chromium, as CI installs it (see .ci/run). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const DESKTOP = { width: 1360, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A new context signed in as `signedIn` is (its localStorage copied before any page loads). */
export async function signedInLike(
  browser: Browser,
  signedIn: BrowserContext,
  baseUrl: string,
  options: BrowserContextOptions,
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const storage = await signedIn.storageState();
  await context.addInitScript(
    (items) => {
      for (const { name, value } of items) localStorage.setItem(name, value);
    },
    storage.origins.find((o) => baseUrl.startsWith(o.origin))?.localStorage ?? [],
  );
  context.setDefaultTimeout(15_000);
  return context;
}

/** A phone in the dark theme, signed in as `signedIn` is. */
export function darkPhoneLike(browser: Browser, signedIn: BrowserContext, baseUrl: string): Promise<BrowserContext> {
  return signedInLike(browser, signedIn, baseUrl, { viewport: PHONE, colorScheme: "dark", isMobile: true, hasTouch: true });
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Resolves when every chart on the page has drawn its data. */
export async function chartsDrawn(page: Page, atLeast = 1) {
  await page.waitForFunction(
    (n) => {
      const plots = [...document.querySelectorAll<HTMLElement>('[data-testid="plot"]')];
      return plots.length >= n && plots.every((p) => p.dataset.points !== undefined && p.querySelector(".main-svg"));
    },
    atLeast,
    { timeout: 20_000 },
  );
}

import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

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

/**
 * A chart exported as a person sees it, in the dark theme where a transparent picture is unreadable:
 * the PNG has the theme's opaque background and a caption band (title, meters, window) above the
 * plot; the CSV's numbers are rounded (no float noise such as 358.59999999999997). And a chart of
 * hourly readings is drawn in hours.
 */
import { readFile, writeFile } from "node:fs/promises";
import { strFromU8, unzipSync } from "fflate";
import type { Browser, BrowserContext, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, launchChromium, SCREENSHOTS, screenshot } from "./browser";
import { type E2eStack, startE2eStack } from "./stack";

let stack: E2eStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let title = "";

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack(), launchChromium()]);
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: "dark", acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Picks an item of a menu (the chart's unless named) and answers with the file it downloads. */
async function exported(item: string, menu = `Actions for ${title}`): Promise<{ download: Download; bytes: Buffer }> {
  await page.getByRole("button", { name: menu }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: item }).click()]);
  return { download, bytes: await readFile((await download.path())!) };
}

/** A PNG's size and the colours of its pixels that matter here, read in the page. */
function readPicture(bytes: Buffer) {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"), { width: image.width, height: image.height });
    const context2d = canvas.getContext("2d")!;
    context2d.drawImage(image, 0, 0);
    const all = context2d.getImageData(0, 0, image.width, image.height).data;
    let transparent = 0;
    for (let i = 3; i < all.length; i += 4) if (all[i] < 255) transparent++;
    // The title's band: the top 112 pixels (56 CSS pixels at scale 2) over the page's background.
    let titleInk = 0;
    for (let y = 0; y < 112; y++) for (let x = 0; x < Math.min(image.width, 600); x++) if (all[(y * image.width + x) * 4] > 150) titleInk++;
    const css = getComputedStyle(document.documentElement);
    return {
      width: image.width,
      height: image.height,
      corner: [...all.slice(0, 4)],
      transparent,
      titleInk,
      background: css.getPropertyValue("--bg").trim(),
    };
  }, bytes.toString("base64"));
}

describe("exports of a chart on the demo account", () => {
  it("signs in to the demo's drawn charts", async () => {
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: /Use the demo account/ }).click();
    await page.getByRole("tab", { name: "Home" }).waitFor();
    await chartsDrawn(page, 3);
    // The first chart drawn with Plotly (not stat cards).
    title = await page
      .locator("article.chart-card", { has: page.locator(".plot .main-svg") })
      .first()
      .evaluate((card) => card.getAttribute("aria-label")!);
    await screenshot(page, "exports-dashboard-dark");
  });

  it("draws hourly readings in hourly buckets, not in mostly empty finer ones", async () => {
    // The demo's Sceaux house posts a reading an hour; the chart's 24 hours are 24 or 25 buckets.
    const plot = page.getByRole("article", { name: "Sceaux house: power", exact: true }).getByTestId("plot");
    expect(await plot.getAttribute("data-bucket")).toBe("1h");
    expect(Number(await plot.getAttribute("data-points"))).toBeLessThanOrEqual(25);
  });

  it("the PNG has the theme's opaque background and the title's caption above the plot", async () => {
    const { download, bytes } = await exported("Download PNG");
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    await writeFile(`${SCREENSHOTS}exports-chart-dark.png`, bytes);
    const pixels = await page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = Object.assign(document.createElement("canvas"), { width: image.width, height: image.height });
      const context2d = canvas.getContext("2d")!;
      context2d.drawImage(image, 0, 0);
      const all = context2d.getImageData(0, 0, image.width, image.height).data;
      const at = (x: number, y: number) => [...all.slice((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)];
      // The caption band: the top 100 pixels (56 CSS pixels at scale 2), where the live chart has only its legend or nothing.
      let inked = 0;
      let inkedAtTheEdge = 0;
      let transparent = 0;
      for (let i = 3; i < all.length; i += 4) if (all[i] < 255) transparent++;
      const [r, g, b] = at(0, 0);
      for (let y = 0; y < 100; y++)
        for (let x = 0; x < image.width; x++) {
          const [pr, pg, pb] = at(x, y);
          if (Math.abs(pr - r) + Math.abs(pg - g) + Math.abs(pb - b) > 200) {
            inked++;
            if (y < 6) inkedAtTheEdge++;
          }
        }
      const surface = getComputedStyle(document.documentElement).getPropertyValue("--surface").trim();
      return { corner: at(0, 0), transparent, inked, inkedAtTheEdge, surface };
    }, bytes.toString("base64"));
    expect(pixels.transparent).toBe(0);
    // The dark theme's card colour, #171b21.
    expect(pixels.surface).toBe("#171b21");
    expect(pixels.corner).toEqual([0x17, 0x1b, 0x21, 255]);
    // Light text on the dark band: the title and its line of meters and window.
    expect(pixels.inked).toBeGreaterThan(200);
    // …whole, not cut by the picture's top edge.
    expect(pixels.inkedAtTheEdge).toBe(0);
  });

  it("the CSV's numbers are rounded", async () => {
    const { download, bytes } = await exported("Export CSV");
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = bytes.toString("utf8").split("\n");
    expect(rows[0]).toMatch(/^meter,part,bucket_start_utc/);
    expect(rows.length).toBeGreaterThan(10);
    const numbers = rows.slice(1).flatMap((row) => row.split(",").filter((cell) => /^-?\d+(\.\d+)?$/.test(cell)));
    expect(numbers.length).toBeGreaterThan(10);
    expect(numbers.filter((n) => /\.\d{5,}$/.test(n))).toEqual([]);
  });

  it("exports the whole tab from its menu: a ZIP of one CSV per chart, and one PNG of the tab under its title", async () => {
    const cards = await page.locator("article.chart-card").evaluateAll((all) => all.map((card) => card.getAttribute("aria-label")!));
    expect(cards.length).toBeGreaterThanOrEqual(5);
    const zip = await exported("Export tab as CSV (ZIP)", "Tab actions for Home");
    expect(zip.download.suggestedFilename()).toBe("home.zip");
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files).sort()).toEqual(
      cards
        .map(
          (card) =>
            `${card
              .replace(/[^\p{L}\p{N}]+/gu, "-")
              .replace(/^-|-$/g, "")
              .toLowerCase()}.csv`,
        )
        .sort(),
    );
    for (const [name, file] of Object.entries(files)) {
      const rows = strFromU8(file).trim().split("\n");
      expect(rows.length, name).toBeGreaterThan(1);
      const numbers = rows.slice(1).flatMap((row) => row.split(",").filter((cell) => /^-?\d+(\.\d+)?$/.test(cell)));
      expect(
        numbers.filter((n) => /\.\d{5,}$/.test(n)),
        name,
      ).toEqual([]);
    }

    const png = await exported("Export tab as PNG", "Tab actions for Home");
    expect(png.download.suggestedFilename()).toBe("home.png");
    await writeFile(`${SCREENSHOTS}exports-tab-dark.png`, png.bytes);
    const picture = await readPicture(png.bytes);
    const grid = (await page.locator(".chart-grid").boundingBox())!;
    // The grid with a 16-pixel border at scale 2, under a 56-pixel title band: every chart, where it is on the dashboard.
    expect(Math.abs(picture.width - (grid.width + 32) * 2)).toBeLessThanOrEqual(2);
    expect(picture.height).toBeGreaterThan(grid.height * 2);
    expect(picture.transparent).toBe(0);
    // The dark theme's page colour (#0f1216 or so), opaque, and the tab's title in light ink on it.
    expect(picture.corner.slice(0, 3)).toEqual([1, 3, 5].map((i) => Number.parseInt(picture.background.slice(i, i + 2), 16)));
    expect(picture.titleInk).toBeGreaterThan(100);
  });
});

/**
 * The browser offline for a minute while its meter keeps posting: when the network returns, the
 * page reconnects its live channel, resumes after the last event it saw, receives the events it
 * missed, and its chart shows the readings that arrived meanwhile.
 *
 * Chromium's offline emulation (context.setOffline) stops new requests but leaves open
 * WebSockets alone, so the page reaches the app through a TCP relay that the test cuts too.
 */
import net from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartsDrawn, DESKTOP, launchChromium, screenshot } from "./browser";
import { type E2eStack, postSignedReadings, stackApi, startE2eStack } from "./stack";

const OFFLINE_MS = 60_000;

let stack: E2eStack;
let browser: Browser;
let network: Awaited<ReturnType<typeof startRelay>>;

/** The page's network: a relay to the app that can drop every connection and refuse new ones. */
async function startRelay(target: URL) {
  const open = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const up = async () => {
    const listener = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ]) {
        a.on("close", () => {
          open.delete(a);
          b.destroy();
        });
        a.on("error", () => b.destroy());
      }
    });
    await new Promise<void>((resolve) => listener.listen(port, "127.0.0.1", resolve));
    port = (listener.address() as net.AddressInfo).port;
    server = listener;
  };
  await up();
  return {
    url: () => `http://127.0.0.1:${port}`,
    up,
    down: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server!.close(resolve));
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      server?.close();
    },
  };
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startE2eStack({ demo: false }), launchChromium()]);
  network = await startRelay(new URL(stack.baseUrl));
});

afterAll(async () => {
  await browser?.close();
  await network?.close();
  await stack?.stop();
});

const api = <T>(method: string, path: string, token: string | null, body?: unknown) => stackApi<T>(stack, method, path, token, body);

async function post(meter: { id: string; webhook: { secret: string } }, minutesAgo: number[]) {
  const readings = minutesAgo.map((m) => ({ ts: new Date(Date.now() - m * 60_000).toISOString(), power_w: 900 + m }));
  expect(await postSignedReadings(stack, meter, readings)).toBe(200);
}

const plotPoints = (page: Page) =>
  page
    .locator('[data-testid="plot"]')
    .first()
    .evaluate((el) => Number((el as HTMLElement).dataset.points));

describe("the browser offline for a minute", () => {
  it("reconnects, replays the events it missed, and the chart catches up", async () => {
    const email = `offline-${Date.now()}@wattboard.local`;
    const { access_token: token } = await api<{ access_token: string }>("POST", "/api/auth/dev", null, { email });
    const created = await api<{ id: string; webhook: { secret: string } }>("POST", "/api/meters", token, { name: "Flat", timezone: "UTC" });
    const meter = created;
    // History first, then the tab and the chart: the home's two changes are the hub's only events
    // when the page connects (seq 2), so the page has seen no reading yet.
    // Half-hourly readings: a power chart's bucket is never shorter than the meter's interval, and
    // readings half an hour apart (or more) each fill their own half-hour bucket.
    await post(meter, [150, 120, 90]);
    const tab = await api<{ id: string }>("POST", "/api/tabs", token, { title: "Flat" });
    await api("POST", "/api/charts", token, {
      tabId: tab.id,
      title: "Flat power",
      spec: { meterIds: [meter.id], metric: "power_w", window: { kind: "relative", preset: "last_24h" } },
    });

    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const sent: { type: string; after?: number }[] = [];
    const received: { type: string; seq: number }[] = [];
    let sockets = 0;
    let closed = 0;
    page.on("websocket", (ws) => {
      sockets++;
      ws.on("framesent", (frame) => sent.push(JSON.parse(String(frame.payload))));
      ws.on("framereceived", (frame) => received.push(JSON.parse(String(frame.payload))));
      ws.on("close", () => closed++);
    });
    await page.goto(network.url());
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await chartsDrawn(page, 1);
    await expect.poll(() => received.some((m) => m.type === "hello"), { timeout: 20_000 }).toBe(true);
    // The page resumes after the last event the hub had said when it connected.
    const helloSeq = received.find((m) => m.type === "hello")!.seq;
    expect(helloSeq).toBe(2);
    const pointsBefore = await plotPoints(page);

    await context.setOffline(true);
    await network.down();
    await expect.poll(() => closed, { timeout: 20_000 }).toBe(1);
    // While the page is away, the meter posts twice: two events the page does not get.
    await post(meter, [60]);
    await new Promise((resolve) => setTimeout(resolve, OFFLINE_MS / 2));
    await post(meter, [30]);
    await new Promise((resolve) => setTimeout(resolve, OFFLINE_MS / 2));
    expect(received.filter((m) => m.type === "meter.readings")).toEqual([]);

    await network.up();
    await context.setOffline(false);
    await expect.poll(() => received.filter((m) => m.type === "meter.readings").length, { timeout: 45_000 }).toBe(2);
    expect(sockets).toBe(2);
    expect(sent.filter((m) => m.type === "resume")).toEqual([{ type: "resume", after: helloSeq }]);
    expect(received.filter((m) => m.type === "meter.readings").map((m) => m.seq)).toEqual([helloSeq + 1, helloSeq + 2]);
    await expect.poll(() => plotPoints(page), { timeout: 30_000 }).toBe(pointsBefore + 2);
    await screenshot(page, "offline-caught-up");
    await context.close();
  }, 180_000);
});

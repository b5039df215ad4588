import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ApiResult, call, createMeter, postReadings, signIn } from "./helpers";

/** Sends a CSV body as the Tariffs page (or curl --data-binary) would. */
async function sendCsv(method: "POST" | "PUT", token: string, path: string, csv: string, contentType = "text/csv"): Promise<ApiResult> {
  const response = await (exports as { default: Fetcher }).default.fetch(`http://wattboard.test${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": contentType },
    body: csv,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

const AGILE = [
  "Period from,Period to,Agile Import price (p/kWh),Agile Export price (p/kWh)",
  "01/11/2023 00:00,01/11/2023 00:30,22.26,10.61",
  "01/11/2023 00:30,01/11/2023 01:00,22.68,10.79",
  "01/11/2023 01:00,01/11/2023 01:30,20.16,9.6",
].join("\n");

const halfHours = (prices: (number | string)[], from = Date.parse("2024-01-01T00:00:00Z")) =>
  ["timestamp,price_per_kwh", ...prices.map((p, i) => `${new Date(from + i * 30 * 60_000).toISOString()},${p}`)].join("\n");

async function createTariff(token: string, csv = AGILE, query = "name=Agile") {
  const result = await sendCsv("POST", token, `/api/tariffs?${query}`, csv);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body as { id: string; name: string };
}

describe("tariffs: import, read, replace, delete", () => {
  it("imports an Octopus Agile export: pence become pounds, UK times become instants, and it lists", async () => {
    const { token } = await signIn();
    const created = await sendCsv("POST", token, "/api/tariffs?name=Agile%20London&standingChargePerDay=0.45", AGILE);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Agile London",
      currency: "GBP",
      standingChargePerDay: 0.45,
      slotMinutes: 30,
      from: "2023-11-01T00:00:00.000Z",
      to: "2023-11-01T01:30:00.000Z",
      slots: 3,
      minPrice: 0.2016,
      maxPrice: 0.2268,
      meters: [],
    });
    const list = await call("GET", "/api/tariffs", { token });
    expect(list.status).toBe(200);
    expect(list.body.tariffs.map((t: { id: string }) => t.id)).toEqual([created.body.id]);

    const prices = await call("GET", `/api/tariffs/${created.body.id}`, { token });
    expect(prices.status).toBe(200);
    expect(prices.body.prices).toEqual([
      { t: "2023-11-01T00:00:00.000Z", price: 0.2226 },
      { t: "2023-11-01T00:30:00.000Z", price: 0.2268 },
      { t: "2023-11-01T01:00:00.000Z", price: 0.2016 },
    ]);
    // The slots overlapping [00:45, 01:00): just the second.
    const window = await call("GET", `/api/tariffs/${created.body.id}?from=2023-11-01T00:45:00Z&to=2023-11-01T01:00:00Z`, { token });
    expect(window.body.prices).toEqual([{ t: "2023-11-01T00:30:00.000Z", price: 0.2268 }]);
  });

  it("imports an ENTSO-E day-ahead export in EUR per MWh without being told the currency or unit", async () => {
    const { token } = await signIn();
    const csv = [
      '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|DE-LU"',
      '"01.01.2023 00:00 - 01.01.2023 01:00","-5.17","EUR","BZN|DE-LU"',
      '"01.01.2023 01:00 - 01.01.2023 02:00","-1.07","EUR","BZN|DE-LU"',
      '"01.01.2023 02:00 - 01.01.2023 03:00","n/e","EUR","BZN|DE-LU"',
    ].join("\n");
    const created = await sendCsv("POST", token, "/api/tariffs?name=DE-LU", csv);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      currency: "EUR",
      slotMinutes: 60,
      slots: 2,
      from: "2022-12-31T23:00:00.000Z",
      minPrice: -0.00517,
    });
  });

  it("replacing the prices keeps the id, so a meter paying it keeps paying it", async () => {
    const { token } = await signIn();
    const tariff = await createTariff(token);
    const meter = await createMeter(token);
    const paid = await call("PATCH", `/api/meters/${meter.id}`, { token, body: { tariff: { kind: "imported", tariffId: tariff.id } } });
    expect(paid.status).toBe(200);
    const replaced = await sendCsv("PUT", token, `/api/tariffs/${tariff.id}/prices`, halfHours([0.1, 0.2, 0.3, 0.4]));
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: tariff.id,
      slots: 4,
      from: "2024-01-01T00:00:00.000Z",
      meters: [{ id: meter.id, name: "House" }],
    });
    const prices = await call("GET", `/api/tariffs/${tariff.id}`, { token });
    expect(prices.body.prices.map((p: { price: number }) => p.price)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect((await call("GET", `/api/meters/${meter.id}`, { token })).body.tariff).toEqual({ kind: "imported", tariffId: tariff.id });
  });

  it("renames and sets the standing charge; deleting is refused while a meter pays it, naming the meter", async () => {
    const { token } = await signIn();
    const tariff = await createTariff(token);
    const renamed = await call("PATCH", `/api/tariffs/${tariff.id}`, { token, body: { name: "Agile (old)", standingChargePerDay: 0.5 } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Agile (old)", standingChargePerDay: 0.5, currency: "GBP" });
    expect((await call("PATCH", `/api/tariffs/${tariff.id}`, { token, body: {} })).status).toBe(400);

    const meter = await createMeter(token, { name: "Garage" });
    await call("PATCH", `/api/meters/${meter.id}`, { token, body: { tariff: { kind: "imported", tariffId: tariff.id } } });
    const other = await createTariff(token, halfHours([0.1, 0.2]), "name=Other");
    const listed = (await call("GET", "/api/tariffs", { token })).body.tariffs;
    expect(listed.map((t: { id: string; meters: unknown[] }) => [t.id, t.meters])).toEqual([
      [tariff.id, [{ id: meter.id, name: "Garage" }]],
      [other.id, []],
    ]);
    const refused = await call("DELETE", `/api/tariffs/${tariff.id}`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('"Garage"');
    expect(refused.body.error.details.meters).toEqual([{ id: meter.id, name: "Garage" }]);

    await call("PATCH", `/api/meters/${meter.id}`, { token, body: { tariff: null } });
    expect((await call("DELETE", `/api/tariffs/${tariff.id}`, { token })).body).toEqual({ deleted: true });
    expect((await call("GET", `/api/tariffs/${tariff.id}`, { token })).status).toBe(404);
  });
});

describe("tariffs: bad files answer 400 with the line and the reason, and nothing is stored", () => {
  const cases: [string, string, number, RegExp][] = [
    ["a gap", halfHours([0.1, 0.2]).concat("\n2024-01-01T02:00:00Z,0.3"), 4, /gap: no price from 2024-01-01T01:00Z to 2024-01-01T02:00Z/],
    ["a duplicate slot", halfHours([0.1, 0.2]).concat("\n2024-01-01T00:30:00Z,0.3"), 4, /same slot as line 3.*duplicate/],
    ["unsorted slots", halfHours([0.1, 0.2, 0.3]).concat("\n2024-01-01T00:30:00Z,0.3"), 5, /sorted by time/],
    [
      "unequal slot lengths",
      halfHours([0.1, 0.2]).concat("\n2024-01-01T00:45:00Z,0.3"),
      4,
      /15 minutes after the previous slot.*equal length/,
    ],
    [
      "overlapping slots",
      "valid_from,valid_to,value_inc_vat\n2024-01-01T00:00:00Z,2024-01-01T00:30:00Z,20\n2024-01-01T00:15:00Z,2024-01-01T00:45:00Z,21",
      3,
      /overlaps the slot on line 2/,
    ],
    ["a price out of range", halfHours([0.1, 250, 0.3]), 3, /price 250 per kWh is outside -10 to 100/],
    [
      "a price out of range after converting from per MWh",
      "Delivery Start (CET);Delivery End (CET);SE3 (EUR)\n01.01.2024 00:00:00;01.01.2024 01:00:00;-20000,5",
      2,
      /outside -10 to 100 per kWh/,
    ],
    [
      "an unknown currency",
      '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency"\n"01.01.2023 00:00 - 01.01.2023 01:00","5","XYZ"',
      2,
      /unknown currency "XYZ"/,
    ],
    ["a price that is no number", halfHours([0.1, "cheap", 0.3]), 3, /price "cheap" is not a number/],
    ["a time without an offset", "timestamp,price_per_kwh\n2024-01-01 00:00,0.1\n2024-01-01 00:30,0.1", 2, /no offset/],
    ["an unknown header", "date,cost\n2024-01-01,1", 1, /not a header of a price file/],
  ];
  for (const [what, csv, line, reason] of cases) {
    it(`${what}: line ${line}`, async () => {
      const { token } = await signIn();
      const result = await sendCsv("POST", token, "/api/tariffs?name=Bad", csv);
      expect(result.status).toBe(400);
      expect(result.body.error).toMatchObject({ code: "invalid", details: { line } });
      expect(result.body.error.message).toMatch(new RegExp(`^Line ${line}: `));
      expect(result.body.error.message).toMatch(reason);
      expect((await call("GET", "/api/tariffs", { token })).body.tariffs).toEqual([]);
    });
  }

  it("a currency in the query that the file contradicts, and an unknown one in the query", async () => {
    const { token } = await signIn();
    const entsoe = '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"\n"01.01.2023 00:00 - 01.01.2023 01:00","5"';
    const contradicted = await sendCsv("POST", token, "/api/tariffs?name=X&currency=SEK", entsoe);
    expect(contradicted.status).toBe(400);
    expect(contradicted.body.error.message).toContain("in EUR, not SEK");
    const unknown = await sendCsv("POST", token, "/api/tariffs?name=X&currency=ABC", halfHours([0.1, 0.2]));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("invalid_request");
    expect((await call("GET", "/api/tariffs", { token })).body.tariffs).toEqual([]);
  });

  it("a bad replacement leaves the old prices in place", async () => {
    const { token } = await signIn();
    const tariff = await createTariff(token);
    const bad = await sendCsv("PUT", token, `/api/tariffs/${tariff.id}/prices`, halfHours([0.1, 0.2]).concat("\n2024-01-01T03:00:00Z,0.3"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ line: 4 });
    const prices = await call("GET", `/api/tariffs/${tariff.id}`, { token });
    expect(prices.body.prices.map((p: { price: number }) => p.price)).toEqual([0.2226, 0.2268, 0.2016]);
  });

  it("another content type is 415, and a body over the limit is 413", async () => {
    const { token } = await signIn();
    expect((await sendCsv("POST", token, "/api/tariffs?name=X", halfHours([0.1, 0.2]), "application/json")).status).toBe(415);
    const huge = `timestamp,price_per_kwh\n${"x".repeat(10 * 1024 * 1024)}`;
    expect((await sendCsv("POST", token, "/api/tariffs?name=X", huge)).status).toBe(413);
  });
});

describe("tariffs: another user's tariff is indistinguishable from a missing one", () => {
  it("404 to read, replace, rename, delete it or let a meter pay it; nothing changes", async () => {
    const owner = await signIn("owner");
    const other = await signIn("other");
    const tariff = await createTariff(owner.token);
    const missing = crypto.randomUUID();
    for (const id of [tariff.id, missing, "not-a-uuid"]) {
      expect((await call("GET", `/api/tariffs/${id}`, { token: other.token })).status).toBe(404);
      expect((await sendCsv("PUT", other.token, `/api/tariffs/${id}/prices`, halfHours([0.1, 0.2]))).status).toBe(404);
      expect((await call("PATCH", `/api/tariffs/${id}`, { token: other.token, body: { name: "Mine now" } })).status).toBe(404);
      expect((await call("DELETE", `/api/tariffs/${id}`, { token: other.token })).status).toBe(404);
    }
    const meter = await createMeter(other.token);
    for (const tariffId of [tariff.id, missing]) {
      const paid = await call("PATCH", `/api/meters/${meter.id}`, { token: other.token, body: { tariff: { kind: "imported", tariffId } } });
      expect(paid.status).toBe(404);
      expect(paid.body.error.message).toBe("Tariff not found");
    }
    expect((await call("GET", "/api/tariffs", { token: other.token })).body.tariffs).toEqual([]);
    const unchanged = await call("GET", `/api/tariffs/${tariff.id}`, { token: owner.token });
    expect(unchanged.body).toMatchObject({ name: "Agile", slots: 3 });
  });
});

describe("the planner prices with an imported tariff", () => {
  const HOUR = 3_600_000;

  it("a device pays its site's imported tariff in its currency; hours past the series take its last day's prices, and the run says so", async () => {
    const { token } = await signIn();
    const site = await createMeter(token, { name: "Home", timezone: "Europe/Berlin" });
    const device = await createMeter(token, { name: "Heat pump", timezone: "Europe/Berlin", kind: "device", parentId: site.id });
    // Four days of hourly readings ending three hours ago (no automatic run picks them up).
    const end = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const readings = Array.from({ length: 96 }, (_, i) => {
      const ts = end - (95 - i) * HOUR;
      return { ts: new Date(ts).toISOString(), energy_wh: 300 + (new Date(ts).getUTCHours() >= 17 ? 900 : 0) };
    });
    expect((await postReadings(device.id, device.webhook.secret, { readings })).status).toBe(200);

    // Day-ahead prices from two days before the plan until 12 hours into it: the run starts at the newest reading.
    const planStart = end;
    const first = planStart - 48 * HOUR;
    const prices = Array.from({ length: 60 }, (_, h) => 50 + h);
    const csv = ["timestamp,price_per_kwh", ...prices.map((p, h) => `${new Date(first + h * HOUR).toISOString()},${p}`)].join("\n");
    const tariff = await createTariff(token, csv, "name=Spot&currency=EUR&unit=per_mwh");
    expect(
      (await call("PATCH", `/api/meters/${site.id}`, { token, body: { tariff: { kind: "imported", tariffId: tariff.id } } })).status,
    ).toBe(200);

    const run = await call("POST", `/api/meters/${device.id}/runs`, { token });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect(run.body.figures).toMatchObject({ currency: "EUR", defaultTariff: false, filledPriceHours: 12 });
    const planned = run.body.plan.map((h: { priceKwh: number }) => h.priceKwh);
    // Covered hours: the series' own prices (per MWh ÷ 1000); then the same hours of its last day (24 h earlier).
    for (let h = 0; h < 12; h++) expect(planned[h]).toBeCloseTo(prices[48 + h] / 1000, 9);
    for (let h = 12; h < 24; h++) expect(planned[h]).toBeCloseTo(prices[24 + h] / 1000, 9);
    expect(run.body.explanation).toContain("do not cover 12 of these 24 hours");
    expect(run.body.explanation).toContain("€");
  });
});

import { describe, expect, it } from "vitest";
import { COMMANDS, suggest } from "../../web/src/chat/commands";
import type { EngineTools, EngineTurn } from "../../worker/chat/engine";
import { offlineEngine } from "../../worker/chat/engines/offline";
import { TOOL_NAMES } from "../../worker/chat/tools/catalog";
import { describeCost, describeDeviceCosts, periodInstant } from "../../worker/costs/chat-answers";
import type { MeterSummary } from "../../worker/costs/contract";
import { formatEnergy, formatMoney, formatPricePerKwh } from "../../worker/costs/money-contract";
import type { MeterRow } from "../../worker/meters/queries";

describe("money and energy in words", () => {
  it("writes amounts with the currency's symbol, pennies below 1,000 and whole units above", () => {
    expect(formatMoney(12.4, "GBP")).toBe("£12.40");
    expect(formatMoney(3.049, "EUR")).toBe("€3.05");
    expect(formatMoney(-0.2, "GBP")).toBe("-£0.20");
    expect(formatMoney(1240.4, "GBP")).toBe("£1,240");
    expect(formatMoney(5, "USD")).toBe("$5.00");
    expect(formatPricePerKwh(0.14228, "GBP")).toBe("£0.14228/kWh");
    expect(formatPricePerKwh(0.05, "EUR")).toBe("€0.050/kWh");
    expect(formatPricePerKwh(0.1 + 0.2, "GBP")).toBe("£0.300/kWh");
    expect(formatEnergy(86.24)).toBe("86.2 kWh");
    expect(formatEnergy(1240.4)).toBe("1,240 kWh");
    expect(formatEnergy(0.45)).toBe("450 Wh");
    expect(formatEnergy(0)).toBe("0 kWh");
  });
});

describe("the period a question is about, in the meter's calendar", () => {
  const LONDON = "Europe/London";
  it("this period is now; the last one is a local noon a calendar step back", () => {
    const now = new Date("2026-03-31T10:00:00Z");
    expect(periodInstant({ which: "this" }, "month", LONDON, now)).toEqual(now);
    // 31 March minus a month is February, whatever its length.
    expect(periodInstant({ which: "last" }, "month", LONDON, now).toISOString()).toBe("2026-02-15T12:00:00.000Z");
    // 24 March is still on GMT; 1 July is on BST.
    expect(periodInstant({ which: "last" }, "week", LONDON, now).toISOString()).toBe("2026-03-24T12:00:00.000Z");
    expect(periodInstant({ which: "last" }, "year", LONDON, now).toISOString()).toBe("2025-07-01T11:00:00.000Z");
    expect(periodInstant({ which: "last" }, "month", LONDON, new Date("2026-01-10T09:00:00Z")).toISOString()).toBe(
      "2025-12-15T12:00:00.000Z",
    );
  });

  it("yesterday after a 23-hour day is that day, not the one before it", () => {
    // 29 March 2026 has 23 hours in London; 00:30 BST on the 30th is 23:30 UTC on the 29th.
    const now = new Date("2026-03-29T23:30:00Z");
    expect(periodInstant({ which: "last" }, "day", LONDON, now).toISOString()).toBe("2026-03-29T11:00:00.000Z");
  });

  it("a date is its local noon; a full timestamp is taken as given", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    expect(periodInstant({ at: "2026-03-14" }, "day", "Australia/Sydney", now).toISOString()).toBe("2026-03-14T01:00:00.000Z");
    expect(periodInstant({ at: "2026-03-14T08:00:00+01:00" }, "day", LONDON, now).toISOString()).toBe("2026-03-14T07:00:00.000Z");
  });
});

/** The garage's March 2026 (UTC): 86.24 kWh for £12.40 at a flat price, against February's £13.48. */
function summary(changes: Partial<MeterSummary> = {}): MeterSummary {
  return {
    meterId: crypto.randomUUID(),
    name: "Garage",
    timezone: "UTC",
    period: { kind: "month", from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" },
    energyKwh: 86.24,
    covered: 1,
    cost: 12.4,
    currency: "GBP",
    costNote: null,
    standingCharge: 0,
    peakKw: 3.1,
    peakAt: "2026-03-10T18:00:00.000Z",
    previous: { from: "2026-02-01T00:00:00.000Z", to: "2026-03-01T00:00:00.000Z", energyKwh: 93.7, cost: 13.48 },
    changePct: ((12.4 - 13.48) / 13.48) * 100,
    byDevice: [],
    untracked: null,
    ...changes,
  };
}

const APRIL = new Date("2026-04-10T12:00:00Z");
const MID_MARCH = new Date("2026-03-20T12:00:00Z");

describe("what a meter cost, in a sentence", () => {
  it("a past period against the one before", () => {
    expect(describeCost(summary(), { which: "last" }, APRIL)).toBe(
      "Garage cost £12.40 last month (86.2 kWh), 8% less than the month before (£13.48).",
    );
  });

  it("a period in progress against the same part of the one before, with its standing charge and coverage", () => {
    const sentence = describeCost(
      summary({
        cost: 40,
        energyKwh: 160,
        changePct: 12.04,
        previous: { ...summary().previous, cost: 35.7 },
        standingCharge: 9.3,
        covered: 0.8,
      }),
      { which: "this" },
      MID_MARCH,
    );
    expect(sentence).toBe(
      "Garage has cost £40.00 so far this month (160 kWh), 12% more than the same days last month (£35.70). " +
        "The standing charge adds £9.30. Readings cover 80% of the period.",
    );
  });

  it("a missing price makes the cost unknown, never 0, and the energy is compared instead", () => {
    const sentence = describeCost(
      summary({ cost: null, costNote: "no price after 2026-03-20", previous: { ...summary().previous, cost: null }, changePct: -8 }),
      { which: "last" },
      APRIL,
    );
    expect(sentence).toBe(
      "Garage used 86.2 kWh last month, 8% less than the month before (93.7 kWh). Its cost is unknown: no price after 2026-03-20.",
    );
  });

  it("a date names its period; nothing to compare with is said", () => {
    expect(describeCost(summary({ changePct: null }), { at: "2026-03-14" }, APRIL)).toBe(
      "Garage cost £12.40 in March 2026 (86.2 kWh), with nothing from the month before to compare.",
    );
    expect(describeCost(summary({ changePct: 0.3 }), { which: "last" }, APRIL)).toContain("about the same as the month before (£13.48)");
  });
});

describe("which device cost the most, in a sentence", () => {
  const site = () =>
    summary({
      name: "House",
      cost: 10,
      energyKwh: 40,
      byDevice: [
        { meterId: crypto.randomUUID(), name: "Oven", energyKwh: 5, cost: 1.25, share: 0.125 },
        { meterId: crypto.randomUUID(), name: "Garage", energyKwh: 10, cost: 2.5, share: 0.25 },
      ],
      untracked: { energyKwh: 25, cost: 6.25 },
    });

  it("dearest first, its part of the site's cost, then the others and the untracked use", () => {
    expect(describeDeviceCosts(site(), { which: "last" }, APRIL)).toBe(
      "Garage cost the most last month: £2.50 (10 kWh), 25% of House's £10.00. Then Oven £1.25. Untracked use (House minus its devices): £6.25.",
    );
  });

  it("a meter without devices says so and gives its own cost", () => {
    expect(describeDeviceCosts(summary(), { which: "last" }, APRIL)).toBe(
      "Garage has no device meters, so there are no devices to compare. Garage cost £12.40 last month (86.2 kWh), 8% less than the month before (£13.48).",
    );
  });
});

describe("the offline engine routes everyday cost questions to measure and the cost tools", () => {
  const meter = (name: string, kind: "site" | "device", parentId: string | null = null) =>
    ({ id: crypto.randomUUID(), name, kind, parentId, timezone: "UTC" }) as MeterRow;
  const house = meter("House", "site");
  const garage = meter("Garage", "device", house.id);
  const oven = meter("Oven", "device", house.id);

  async function ask(text: string) {
    const calls: { name: string; input: Record<string, unknown> }[] = [];
    const tools: EngineTools = {
      async call(name, input) {
        calls.push({ name, input: input as Record<string, unknown> });
        return { ok: true, summary: `answer of ${name}`, result: null };
      },
    };
    const turn = {
      text,
      meters: [house, garage, oven],
      context: { messageAt: "2026-04-10T12:00:00.000Z" },
    } as EngineTurn;
    const { text: answer, choices } = await offlineEngine.respond(turn, tools);
    return { answer, calls, choices };
  }

  const NOW = "2026-04-10T12:00:00.000Z";
  it.each([
    ["what did the garage cost last month?", { meter: garage.id, from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" }],
    ["How much did I spend yesterday?", { meter: house.id, from: "2026-04-09T00:00:00.000Z", to: "2026-04-10T00:00:00.000Z" }],
    ["what was my bill this year", { meter: house.id, from: "2026-01-01T00:00:00.000Z", to: NOW }],
    ["what has the oven cost this week?", { meter: oven.id, from: "2026-04-06T00:00:00.000Z", to: NOW }],
    ["how much did we pay last week", { meter: house.id, from: "2026-03-30T00:00:00.000Z", to: "2026-04-06T00:00:00.000Z" }],
    [
      "how does this month compare with last month?",
      // No quantity named: the energy, whose change the answer states.
      {
        quantity: "energy",
        meter: house.id,
        from: "2026-04-01T00:00:00.000Z",
        to: NOW,
        compare: { from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" },
      },
    ],
    [
      "is the garage costing more compared to last month?",
      {
        meter: garage.id,
        from: "2026-04-01T00:00:00.000Z",
        to: NOW,
        compare: { from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" },
      },
    ],
    [
      "how did last week compare with the week before?",
      {
        quantity: "energy",
        meter: house.id,
        from: "2026-03-30T00:00:00.000Z",
        to: "2026-04-06T00:00:00.000Z",
        compare: { from: "2026-03-23T00:00:00.000Z", to: "2026-03-30T00:00:00.000Z" },
      },
    ],
    ["what did the garage cost in march 2026", { meter: garage.id, from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" }],
    ["what did the garage cost in may", { meter: garage.id, from: "2025-05-01T00:00:00.000Z", to: "2025-06-01T00:00:00.000Z" }],
    ["what did the house cost on 2026-03-14?", { meter: house.id, from: "2026-03-14T00:00:00.000Z", to: "2026-03-15T00:00:00.000Z" }],
  ])("%s → measure the cost", async (text, input) => {
    const { answer, calls } = await ask(text);
    expect(calls).toMatchObject([{ name: "measure", input: { quantity: "cost", ...input } }]);
    expect(answer).toBe("answer of measure");
  });

  it.each([
    ["/cost garage last year", { meter: garage.id, period: "year", which: "last" }],
    ["/cost house", { meter: house.id, period: "month", which: "this" }],
  ])("%s → summarize_cost", async (text, input) => {
    const { answer, calls } = await ask(text);
    expect(calls).toEqual([{ name: "summarize_cost", input }]);
    expect(answer).toBe("answer of summarize_cost");
  });

  it.each([
    ["which device costs the most this week?", { meter: house.id, period: "week", which: "this" }],
    ["what's the most expensive device last week", { meter: house.id, period: "week", which: "last" }],
    ["which appliance cost the most yesterday?", { meter: house.id, period: "day", which: "last" }],
    ["cost per device this year", { meter: house.id, period: "year", which: "this" }],
    ["/devices house last month", { meter: house.id, period: "month", which: "last" }],
    // A device named: its site's devices are ranked.
    ["/devices garage today", { meter: house.id, period: "day", which: "this" }],
  ])("%s → rank_device_costs", async (text, input) => {
    const { calls } = await ask(text);
    expect(calls).toEqual([{ name: "rank_device_costs", input }]);
  });

  it("a name that is no meter gets a question with the person's meters as choices", async () => {
    const { calls, choices } = await ask("what did the shed cost last month?");
    expect(calls).toEqual([]);
    expect(choices?.map((c) => c.text)).toEqual([
      "what did the House cost last month?",
      "what did the Garage cost last month?",
      "what did the Oven cost last month?",
    ]);
  });

  it("cost is a chart metric, summed per bucket", async () => {
    const { calls } = await ask("show the garage's cost this month as bar");
    expect(calls).toMatchObject([
      {
        name: "create_chart",
        input: { title: "Garage: cost, this month", spec: { metric: "cost", aggregation: "sum", chartType: "bar", meterIds: [garage.id] } },
      },
    ]);
  });

  it("usage questions without money measure the energy", async () => {
    const { calls } = await ask("how much energy did the house use in the last 7 days");
    expect(calls).toMatchObject([
      { name: "measure", input: { meter: house.id, quantity: "energy", from: "2026-04-03T12:00:00.000Z", to: NOW } },
    ]);
  });
});

describe("the UI's command list runs the catalog's tools", () => {
  it("every command's tool is in the catalog, the cost commands included", () => {
    const tools = COMMANDS.flatMap((command) => (command.tool ? [command.tool] : []));
    expect(tools.filter((tool) => !(TOOL_NAMES as string[]).includes(tool))).toEqual([]);
    expect(tools).toEqual(expect.arrayContaining(["summarize_cost", "rank_device_costs"]));
  });

  it("/cost suggests the meter, then the period", () => {
    expect(suggest("/cost ", ["House", "Garage"]).map((s) => s.label)).toEqual(["House", "Garage"]);
    expect(suggest("/cost Garage la", ["House", "Garage"]).map((s) => s.value)).toEqual([
      "/cost Garage last week ",
      "/cost Garage last month ",
      "/cost Garage last year ",
    ]);
  });
});

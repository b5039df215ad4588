import { describe, expect, it } from "vitest";
import type { ChartSpec } from "../../worker/charts/chart-spec-contract";
import type { ChatChoice, ChatTranscript } from "../../worker/chat/contract";
import type { EngineReply, EngineTools, EngineTurn } from "../../worker/chat/engine";
import { offlineEngine } from "../../worker/chat/engines/offline";
import type { MeterRow } from "../../worker/meters/queries";

const FLAT = "11111111-1111-4111-8111-111111111111";
const GARAGE = "22222222-2222-4222-8222-222222222222";
const GARAGE_CHARGER = "33333333-3333-4333-8333-333333333333";
const DRIVE_CHARGER = "44444444-4444-4444-8444-444444444444";
const HOME_TAB = "55555555-5555-4555-8555-555555555555";
const AGILE = "66666666-6666-4666-8666-666666666666";

const meter = (id: string, name: string, kind: "site" | "device", parentId: string | null = null) =>
  ({ id, name, kind, parentId, timezone: "Europe/London" }) as MeterRow;
const HOUSEHOLD = [
  meter(FLAT, "London flat", "site"),
  meter(GARAGE, "Garage", "device", FLAT),
  meter(GARAGE_CHARGER, "Garage charger", "device", FLAT),
  meter(DRIVE_CHARGER, "Drive charger", "device", FLAT),
];

/** Monday 30 March 2026, 11:00 in London: the day after the clocks went forward (Sunday had 23 hours). */
const NOW = "2026-03-30T10:00:00.000Z";

interface Call {
  name: string;
  input: Record<string, unknown>;
}

/**
 * A conversation with the offline engine over recording tools (no Worker): each turn sees the
 * transcript so far, with its tool calls and the answers' choices, as turn.ts gives it.
 */
function conversation(meters: MeterRow[] = HOUSEHOLD, options: { tabId?: string } = {}) {
  const transcript: ChatTranscript = { messages: [], toolCalls: [] };
  const charts: EngineTurn["charts"] = [];
  let turns = 0;
  let chartCount = 0;

  async function say(text: string): Promise<EngineReply & { calls: Call[] }> {
    const messageId = `message-${++turns}`;
    const calls: Call[] = [];
    const tools: EngineTools = {
      async call(name, input) {
        const args = input as Record<string, unknown>;
        calls.push({ name, input: args });
        let result: Record<string, unknown> = {};
        if (name === "create_chart") {
          const id = `77777777-7777-4777-8777-${String(++chartCount).padStart(12, "0")}`;
          const tabId = (args.tabId as string | undefined) ?? options.tabId ?? HOME_TAB;
          result = { id, tabId, title: args.title, newTab: !args.tabId && !options.tabId };
          charts.push({ id, name: args.title as string, tabId, spec: args.spec as ChartSpec });
        }
        if (name === "update_chart") {
          const chart = charts.find((c) => c.id === args.chartId)!;
          chart.spec = args.spec as ChartSpec;
          if (typeof args.title === "string") chart.name = args.title;
          result = { id: chart.id, tabId: chart.tabId, title: chart.name };
        }
        transcript.toolCalls.push({
          id: `call-${transcript.toolCalls.length}`,
          messageId,
          agent: "analyst",
          tool: name,
          input,
          decision: "allow",
          result,
          summary: `<${name}>`,
          error: null,
          at: NOW,
        });
        return { ok: true, summary: `<${name}>`, result };
      },
    };
    const turn: EngineTurn = {
      text,
      transcript: structuredClone(transcript),
      agent: { id: "analyst", name: "Analyst", instructions: "", permissions: {}, builtIn: true },
      meters,
      tabs: [{ id: HOME_TAB, name: "Home" }],
      charts: structuredClone(charts),
      tariffs: [{ id: AGILE, name: "Octopus Agile" }],
      context: {
        chatSessionId: "session",
        sessionTitle: "Energy",
        messageId,
        messageAt: NOW,
        agentId: "analyst",
        tabId: options.tabId,
        origin: "http://wattboard.test",
      },
      replyId: `reply-${turns}`,
    };
    const answer = await offlineEngine.respond(turn, tools);
    transcript.messages.push(
      { id: messageId, role: "user", text, at: NOW },
      { id: `reply-${turns}`, role: "assistant", text: answer.text, at: NOW, ...(answer.choices ? { choices: answer.choices } : {}) },
    );
    return { ...answer, calls };
  }
  return { say };
}

const labels = (choices: ChatChoice[] | undefined) => (choices ?? []).map((c) => c.label);

describe("offline engine: questions get numbers", () => {
  it("energy yesterday compared to last week: one measure with the same day a week earlier", async () => {
    const { calls, text, choices } = await conversation().say("how much energy did the London flat use yesterday compared to last week?");
    expect(calls).toEqual([
      {
        name: "measure",
        input: expect.objectContaining({
          meter: FLAT,
          quantity: "energy",
          // Sunday 29 March in London: 23 hours, the clocks went forward.
          from: "2026-03-29T00:00:00.000Z",
          to: "2026-03-29T23:00:00.000Z",
          compare: expect.objectContaining({ from: "2026-03-22T00:00:00.000Z", to: "2026-03-23T00:00:00.000Z" }),
        }),
      },
    ]);
    expect(text).toBe("<measure>");
    expect(labels(choices)).toContain("Add this as a chart");
  });

  it("the peak, the cost and the average are quantities of measure", async () => {
    const chat = conversation();
    expect((await chat.say("what was the peak of the garage last week?")).calls[0].input).toMatchObject({
      meter: GARAGE,
      quantity: "peak",
      from: "2026-03-23T00:00:00.000Z",
      to: "2026-03-29T23:00:00.000Z",
    });
    expect((await chat.say("What did the garage cost last month?")).calls[0].input).toMatchObject({ quantity: "cost", meter: GARAGE });
    expect((await chat.say("average power of the flat today")).calls[0].input).toMatchObject({ quantity: "average", meter: FLAT });
  });

  it("which device uses the most: the site's devices ranked", async () => {
    const { calls } = await conversation().say("which device uses the most this week?");
    expect(calls).toEqual([{ name: "rank_device_costs", input: { meter: FLAT, period: "week", which: "this" } }]);
  });

  it("two meters named: each is measured", async () => {
    const { calls } = await conversation().say("how much did the garage and the london flat use yesterday?");
    expect(calls.map((c) => c.input.meter).sort()).toEqual([FLAT, GARAGE].sort());
  });
});

describe("offline engine: charts", () => {
  it("a chart without a picked tab goes out without tabId (a new tab is made for it)", async () => {
    const { calls, choices } = await conversation().say("show the power of the garage for the last 7 days as bars");
    expect(calls).toHaveLength(1);
    expect(calls[0].name).toBe("create_chart");
    expect(calls[0].input.tabId).toBeUndefined();
    expect(calls[0].input.spec).toMatchObject({
      meterIds: [GARAGE],
      metric: "power_w",
      chartType: "bar",
      aggregation: "avg",
      window: { kind: "relative", preset: "last_7d" },
    });
    expect(labels(choices)).toContain("Share it");
  });

  it("chart words: heatmap shows one meter, breakdown a site's energy, cost sums", async () => {
    const chat = conversation();
    expect((await chat.say("plot a heatmap of the garage and the flat power")).calls[0].input.spec).toMatchObject({
      chartType: "heatmap",
      meterIds: [expect.any(String)],
    });
    expect((await chat.say("chart the breakdown of the garage this month")).calls[0].input.spec).toMatchObject({
      chartType: "breakdown",
      meterIds: [FLAT],
      metric: "energy_wh",
    });
    expect((await chat.say("graph the cost of the flat this month")).calls[0].input.spec).toMatchObject({
      metric: "cost",
      aggregation: "sum",
      window: { kind: "relative", preset: "this_month" },
    });
  });

  it("a number, then 'show it as a chart': that meter, quantity and period", async () => {
    const chat = conversation();
    await chat.say("how much energy did the garage use yesterday?");
    const { calls } = await chat.say("show it as a chart");
    expect(calls[0]).toMatchObject({
      name: "create_chart",
      input: {
        spec: {
          meterIds: [GARAGE],
          metric: "energy_wh",
          window: { kind: "absolute", from: "2026-03-29T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z" },
        },
      },
    });
  });
});

describe("offline engine: follow-ups act on what the conversation last referred to", () => {
  it("and the week before? / now for the garage / the cost?", async () => {
    const chat = conversation();
    await chat.say("how much energy did the flat use last week?");
    const before = await chat.say("and the week before?");
    expect(before.calls).toEqual([
      {
        name: "measure",
        input: expect.objectContaining({
          meter: FLAT,
          quantity: "energy",
          from: "2026-03-16T00:00:00.000Z",
          to: "2026-03-23T00:00:00.000Z",
        }),
      },
    ]);
    const garage = await chat.say("now for the garage");
    expect(garage.calls[0].input).toMatchObject({ meter: GARAGE, quantity: "energy", from: "2026-03-16T00:00:00.000Z" });
    const cost = await chat.say("and the cost?");
    expect(cost.calls[0].input).toMatchObject({ meter: GARAGE, quantity: "cost", from: "2026-03-16T00:00:00.000Z" });
  });

  it("make it bars, share it, remove that chart: the last chart", async () => {
    const chat = conversation(HOUSEHOLD, { tabId: HOME_TAB });
    const made = await chat.say("show the flat's power today");
    expect(made.calls[0].input.tabId).toBeUndefined();
    const id = "77777777-7777-4777-8777-000000000001";
    const bars = await chat.say("make it bars");
    expect(bars.calls).toEqual([
      { name: "update_chart", input: { chartId: id, spec: expect.objectContaining({ chartType: "bar", meterIds: [FLAT] }) } },
    ]);
    const later = await chat.say("change it to last week");
    expect(later.calls[0]).toMatchObject({
      name: "update_chart",
      input: { chartId: id, spec: { chartType: "bar", window: { kind: "absolute", from: "2026-03-23T00:00:00.000Z" } } },
    });
    expect((await chat.say("share it")).calls).toEqual([{ name: "share", input: { kind: "chart", id } }]);
    expect((await chat.say("share this tab")).calls).toEqual([{ name: "share", input: { kind: "tab", id: HOME_TAB } }]);
    expect((await chat.say("remove that chart")).calls).toEqual([{ name: "delete_chart", input: { chartId: id } }]);
  });

  it("a chart follow-up with another meter makes that meter's chart", async () => {
    const chat = conversation();
    await chat.say("plot the power of the flat over the last 24 hours as area");
    const { calls } = await chat.say("now for the garage");
    expect(calls[0]).toMatchObject({ name: "create_chart", input: { spec: { meterIds: [GARAGE], chartType: "area" } } });
  });
});

describe("offline engine: statements become settings", () => {
  it.each([
    ["I want to keep the peak of Garage under 1 kW", "set_goal", { meterId: GARAGE, peakLimitKw: 1 }],
    ["keep the garage below 1,500 W please", "set_goal", { meterId: GARAGE, peakLimitKw: 1.5 }],
    ["the car must be charged by 7 am, it needs 30 kWh", "set_deferrable_load", { meterId: FLAT, name: "car", energyKwh: 30, toHour: 7 }],
    ["we have a 5 kWh battery", "set_battery", { meterId: FLAT, capacityKwh: 5 }],
    ["our tariff is Octopus Agile", "set_tariff", { meterId: FLAT, tariff: { kind: "imported", tariffId: AGILE } }],
    ["we pay 25p per kWh", "set_tariff", { meterId: FLAT, tariff: { kind: "flat", price: 0.25, currency: "GBP" } }],
  ])("%s → %s", async (text, name, input) => {
    const { calls } = await conversation().say(text);
    expect(calls).toEqual([{ name, input }]);
  });

  it("a tariff it does not know: how to import it, no tool", async () => {
    const { calls, text } = await conversation().say("our tariff is British Gas Fixed");
    expect(calls).toEqual([]);
    expect(text).toContain("Tariffs page");
  });
});

describe("offline engine: ambiguity is a question with choices", () => {
  it("two meters fit 'the charger': a choice each, and a click (or naming one) asks again", async () => {
    const chat = conversation();
    const question = await chat.say("how much did the charger use yesterday?");
    expect(question.calls).toEqual([]);
    expect(question.choices).toEqual([
      { label: "Garage charger", text: "how much did the Garage charger use yesterday?" },
      { label: "Drive charger", text: "how much did the Drive charger use yesterday?" },
    ]);
    const picked = await chat.say("the drive one");
    expect(picked.calls[0].input).toMatchObject({ meter: DRIVE_CHARGER, quantity: "energy" });
  });

  it("several sites and none named: which meter?", async () => {
    const meters = [...HOUSEHOLD, meter("88888888-8888-4888-8888-888888888888", "Cottage", "site")];
    const { calls, text, choices } = await conversation(meters).say("how much energy was used yesterday?");
    expect(calls).toEqual([]);
    expect(text).toBe("Which meter?");
    expect(labels(choices)).toEqual(["London flat", "Garage", "Garage charger", "Drive charger", "Cottage"]);
  });

  it("a name that is no meter: the person's meters as choices", async () => {
    const { calls, choices } = await conversation().say("what did the shed cost yesterday?");
    expect(calls).toEqual([]);
    expect(choices?.[0]).toEqual({ label: "London flat", text: "what did the London flat cost yesterday?" });
  });
});

describe("offline engine: no dead ends", () => {
  it("an unknown request: what the chat can do, with examples from the person's meters", async () => {
    const { calls, text, choices } = await conversation().say("what is the meaning of life");
    expect(calls).toEqual([]);
    expect(text).toMatch(/^I did not understand/);
    expect(choices?.map((c) => c.text)).toContain("How much energy did London flat use yesterday?");
    expect(choices?.map((c) => c.text)).toContain("What did Garage cost last month?");
  });

  it("no meters: an offer to add one and where the connection snippet is", async () => {
    const { calls, text, choices } = await conversation([]).say("how much energy did we use yesterday?");
    expect(calls).toEqual([]);
    expect(text).toContain("Meters page");
    expect(text).toContain("snippet");
    expect(labels(choices)).toContain("How do I connect a meter?");
  });

  it("greetings, thanks and help answer without tools", async () => {
    const chat = conversation();
    expect((await chat.say("hello")).choices?.length).toBeGreaterThan(1);
    expect((await chat.say("thanks!")).text).toBe("You're welcome.");
    const help = await chat.say("what can you do?");
    expect(help.text).toContain("/chart <metric> <meter> <window>");
    expect(help.calls).toEqual([]);
  });

  it("slash commands still run exactly as typed", async () => {
    const chat = conversation();
    expect((await chat.say("/meters")).calls).toEqual([{ name: "list_meters", input: {} }]);
    expect((await chat.say("/goal garage 2 kW")).calls).toEqual([{ name: "set_goal", input: { meterId: GARAGE, peakLimitKw: 2 } }]);
    expect((await chat.say("/cost garage last month")).calls).toEqual([
      { name: "summarize_cost", input: { meter: GARAGE, period: "month", which: "last" } },
    ]);
    expect((await chat.say("/tab Heating")).calls).toEqual([{ name: "create_tab", input: { title: "Heating" } }]);
  });

  it("run, plan, list and create a tab in plain words", async () => {
    const chat = conversation();
    expect((await chat.say("run the forecast")).calls).toEqual([{ name: "run_model", input: { meterId: FLAT } }]);
    expect((await chat.say("explain the plan for the garage")).calls).toEqual([{ name: "explain_plan", input: { meterId: GARAGE } }]);
    expect((await chat.say("list my meters")).calls).toEqual([{ name: "list_meters", input: {} }]);
    expect((await chat.say("create a tab called Heating")).calls).toEqual([{ name: "create_tab", input: { title: "Heating" } }]);
    // A meter's name as the title is the title, not the mask the intent reader puts over names.
    expect((await chat.say("make a tab called Garage")).calls).toEqual([{ name: "create_tab", input: { title: "Garage" } }]);
  });
});

describe("offline engine: settings with an ambiguous meter", () => {
  it("a peak limit for 'the charger' asks which; a battery for it goes to their site", async () => {
    const limit = await conversation().say("keep the charger under 7 kW");
    expect(limit.calls).toEqual([]);
    expect(labels(limit.choices)).toEqual(["Garage charger", "Drive charger"]);
    const battery = await conversation().say("there is a 10 kWh battery next to the charger");
    expect(battery.calls).toEqual([{ name: "set_battery", input: { meterId: FLAT, capacityKwh: 10 } }]);
  });
});

describe("offline engine: phrasing families", () => {
  it("'compare A with B' compares A with B; 'compare that with …' takes the period just asked", async () => {
    const chat = conversation();
    const { calls } = await chat.say("compare the garage's usage last week with the week before");
    expect(calls[0].input).toMatchObject({
      meter: GARAGE,
      from: "2026-03-23T00:00:00.000Z",
      to: "2026-03-29T23:00:00.000Z",
      compare: { from: "2026-03-16T00:00:00.000Z", to: "2026-03-23T00:00:00.000Z" },
    });
    const again = await chat.say("compare that with the same week last year");
    expect(again.calls[0].input).toMatchObject({ meter: GARAGE, from: "2026-03-23T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z" });
  });

  it("money words ask for the cost; 'power draw' is a quantity, not a chart", async () => {
    const chat = conversation();
    await chat.say("garage energy yesterday");
    expect((await chat.say("in pounds?")).calls[0].input).toMatchObject({ meter: GARAGE, quantity: "cost" });
    const draw = await conversation().say("highest power draw of the garage yesterday?");
    expect(draw.calls[0]).toMatchObject({ name: "measure", input: { quantity: "peak" } });
  });

  it("two quantities asked with 'and': both measured", async () => {
    const { calls, choices } = await conversation().say("how much did the garage use last week, and how much did it cost?");
    expect(calls.map((c) => c.input.quantity)).toEqual(["energy", "cost"]);
    expect(labels(choices)).not.toContain("And the cost?");
  });

  it("ranking in other words", async () => {
    for (const text of [
      "rank my devices by cost this month",
      "what's costing me the most this week?",
      "what's eating all the electricity?",
    ]) {
      expect((await conversation().say(text)).calls[0]?.name, text).toBe("rank_device_costs");
    }
  });

  it("limits, loads and tariffs said in other words", async () => {
    const goal = await conversation().say("don't let the garage go over 1,500 W");
    expect(goal.calls).toEqual([{ name: "set_goal", input: { meterId: GARAGE, peakLimitKw: 1.5 } }]);
    const never = await conversation().say("the garage shouldn't use more than 2 kilowatts at once");
    expect(never.calls[0]).toMatchObject({ name: "set_goal", input: { peakLimitKw: 2 } });
    const load = await conversation().say("the EV needs 40 kWh by 6am");
    expect(load.calls[0]).toMatchObject({ name: "set_deferrable_load", input: { name: "EV", energyKwh: 40, toHour: 6 } });
    const device = await conversation().say("the garage needs 5 kWh by 6pm");
    expect(device.calls[0]).toMatchObject({ name: "set_deferrable_load", input: { meterId: FLAT, name: "Garage", toHour: 18 } });
    const tariff = await conversation().say("we switched to agile");
    expect(tariff.calls[0]).toMatchObject({ name: "set_tariff", input: { tariff: { kind: "imported", tariffId: AGILE } } });
    expect((await conversation().say("which tariffs have I imported?")).calls[0]?.name).toBe("list_tariffs");
  });

  it("a chart named by its title is edited; 'change it to an area chart' edits the last one", async () => {
    const chat = conversation();
    await chat.say("show the garage power for the last 7 days");
    const edit = await chat.say("change it to an area chart");
    expect(edit.calls[0]).toMatchObject({ name: "update_chart", input: { spec: { chartType: "area" } } });
    const named = await chat.say("make the Garage: power, last 7 days chart a bar chart");
    expect(named.calls[0]).toMatchObject({ name: "update_chart", input: { spec: { chartType: "bar" } } });
  });

  it("two meters on either side of 'vs' are measured over the one period named", async () => {
    const { calls } = await conversation().say("garage vs drive charger last week");
    expect(calls.map((c) => c.input.meter)).toEqual([GARAGE, DRIVE_CHARGER]);
    for (const call of calls) expect(call.input).toMatchObject({ from: "2026-03-23T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z" });
    expect(calls[0].input.compare).toBeUndefined();
  });

  it("'this time last year' alone is a year before now, shifted once", async () => {
    const { calls } = await conversation().say("garage usage this time last year");
    expect(calls[0].input).toMatchObject({ from: "2025-03-30T00:00:00.000Z", to: "2025-03-30T10:00:00.000Z" });
  });

  it("after a chart: 'switch to last week' and 'add the flat too' change it", async () => {
    const chat = conversation();
    await chat.say("chart the garage's power today");
    const when = await chat.say("switch to last week");
    expect(when.calls[0]).toMatchObject({ name: "update_chart", input: { title: "Garage: power, last week" } });
    const instead = await chat.say("over the last 30 days instead");
    expect(instead.calls[0]).toMatchObject({ name: "update_chart", input: { spec: { window: { preset: "last_30d" } } } });
    await chat.say("switch to last week");
    const more = await chat.say("add the london flat too");
    expect(more.calls[0]).toMatchObject({
      name: "update_chart",
      input: { title: "Garage + London flat: power, last week", spec: { meterIds: [GARAGE, FLAT] } },
    });
  });

  it("'what time of day' is a heatmap of a month; 'less than usual this week' compares with last week", async () => {
    const when = await conversation().say("what time of day does the garage use the most?");
    expect(when.calls[0]).toMatchObject({
      name: "create_chart",
      input: { spec: { chartType: "heatmap", window: { preset: "last_30d" } } },
    });
    const usual = await conversation().say("did the garage use less than usual this week?");
    expect(usual.calls[0].input).toMatchObject({
      // This week starts at Monday's midnight in London (BST since Sunday).
      from: "2026-03-29T23:00:00.000Z",
      compare: { from: "2026-03-23T00:00:00.000Z", to: "2026-03-29T23:00:00.000Z" },
    });
  });

  it("'the chargers', 'both chargers': every meter the phrase fits, no question", async () => {
    const { calls } = await conversation().say("how much did the chargers use yesterday?");
    expect(calls.map((c) => c.input.meter)).toEqual([GARAGE_CHARGER, DRIVE_CHARGER]);
    const both = await conversation().say("graph both chargers last week");
    expect(both.calls[0]).toMatchObject({ name: "create_chart", input: { spec: { meterIds: [GARAGE_CHARGER, DRIVE_CHARGER] } } });
  });

  it("after a chart, a question about 'this week' is a number, not an edit of 'this'", async () => {
    const chat = conversation();
    await chat.say("chart the garage's power today");
    const { calls } = await chat.say("how much more did the garage use this week than last week?");
    expect(calls[0]).toMatchObject({ name: "measure", input: { meter: GARAGE, from: "2026-03-29T23:00:00.000Z" } });
  });

  it("voltage and power factor are charted, not measured", async () => {
    const { calls } = await conversation().say("what's the power factor of the garage today?");
    expect(calls[0]).toMatchObject({ name: "create_chart", input: { spec: { metric: "power_factor" } } });
  });

  it("'we were away from the 10th to the 17th' marks the site away; 'note that …' writes a note on the meter named", async () => {
    // Monday 30 March 2026 in London: the 17th has passed, so it is this month (before the clocks changed).
    const away = await conversation().say("we were away from the 10th to the 17th");
    expect(away.calls).toEqual([
      {
        name: "add_annotation",
        input: { meter: FLAT, kind: "away", text: "Away", startsAt: "2026-03-10T00:00:00.000Z", endsAt: "2026-03-18T00:00:00.000Z" },
      },
    ]);
    const note = await conversation().say("note that the garage door was fixed yesterday");
    expect(note.calls).toEqual([
      {
        name: "add_annotation",
        input: { meter: GARAGE, kind: "note", text: "The garage door was fixed", startsAt: "2026-03-29T00:00:00.000Z" },
      },
    ]);
    // A question about an away week is a number, not a note.
    expect((await conversation().say("how much did we use while we were away last week?")).calls[0]?.name).toBe("measure");
  });

  it("an alert is a rule, a limit is a goal; cheap hours are the plan; a load without its energy is asked about", async () => {
    // Since alert rules exist (issue 22), "alert me" makes one; "keep … under" stays the planner's peak limit.
    const alert = await conversation().say("alert me if the garage goes over 6 kW");
    expect(alert.calls).toEqual([
      {
        name: "create_alert_rule",
        input: {
          meterId: GARAGE,
          kind: "threshold",
          metric: "power_w",
          op: "above",
          value: 6000,
          for: "PT10M",
          channels: [],
          urgent: false,
        },
      },
    ]);
    const limit = await conversation().say("keep the garage under 6 kW");
    expect(limit.calls).toEqual([{ name: "set_goal", input: { meterId: GARAGE, peakLimitKw: 6 } }]);
    expect((await conversation().say("when is electricity cheapest?")).calls[0]?.name).toBe("explain_plan");
    const load = await conversation().say("run the dishwasher overnight");
    expect(load.calls).toEqual([]);
    expect(load.text).toContain("How much energy does the dishwasher need");
    expect((await conversation().say("run the forecast")).calls[0]?.name).toBe("run_model");
  });

  it("alert rules on energy and cost totals, tomorrow's forecast and unusual days, each with its stored unit", async () => {
    const rule = async (text: string, chat = conversation()) => {
      const { calls } = await chat.say(text);
      expect(calls.map((c) => c.name)).toEqual(["create_alert_rule"]);
      const { channels: _channels, urgent: _urgent, ...input } = calls[0].input;
      return input;
    };
    expect(await rule("tell me if the house uses more than 20 kWh a day")).toEqual({
      meterId: FLAT,
      kind: "threshold",
      metric: "energy_wh",
      op: "above",
      value: 20000,
      for: "P1D",
    });
    expect(await rule("alert me when a day costs over £5")).toEqual({
      meterId: FLAT,
      kind: "threshold",
      metric: "cost",
      op: "above",
      value: 5,
      for: "P1D",
    });
    expect(await rule("let me know if the garage uses less than 2 kWh in an hour")).toMatchObject({
      meterId: GARAGE,
      op: "below",
      for: "PT1H",
    });
    // A calendar period's money stays a budget.
    expect(await rule("let me know if this month's bill heads over £120")).toMatchObject({ kind: "budget", period: "month", value: 120 });
    // Tomorrow's forecast is the site's (the plan's) after a turn about a device; a peak stays in kW.
    const chat = conversation();
    await chat.say("how much did the garage use yesterday?");
    expect(await rule("warn me if tomorrow is expected to cost more than £4", chat)).toEqual({
      meterId: FLAT,
      kind: "forecast",
      metric: "cost",
      value: 4,
    });
    expect(await rule("warn me if tomorrow's peak is forecast over 6 kW")).toEqual({
      meterId: FLAT,
      kind: "forecast",
      metric: "peak",
      value: 6,
    });
    expect(await rule("tell me about unusual days on the garage")).toEqual({ meterId: GARAGE, kind: "anomaly" });
    // About the past, it is a question, not a rule.
    expect((await conversation().say("tell me about unusual days on the garage last month")).calls.map((c) => c.name)).not.toContain(
      "create_alert_rule",
    );
  });

  it("'to the Home tab': the tab is not read as the site", async () => {
    const { calls } = await conversation().say("add a chart of the garage's energy to the Home tab");
    expect(calls[0]).toMatchObject({ name: "create_chart", input: { tabId: HOME_TAB, spec: { meterIds: [GARAGE] } } });
  });
});

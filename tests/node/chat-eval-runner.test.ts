import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkCases,
  type EvalCase,
  type Home,
  normalizeReply,
  readCases,
  readHomes,
  runCase,
  scoreCase,
  subsetMismatch,
} from "../../scripts/chat-eval";
import { TOOL_NAMES } from "../../worker/chat/tools/catalog";

const FLAT = "aaaaaaaa-0000-4000-8100-000000000001";
const GARAGE = "aaaaaaaa-0000-4000-8100-000000000002";
const TAB = "aaaaaaaa-0000-4000-8200-000000000001";
const home: Home = {
  id: "test",
  meters: [
    { id: FLAT, name: "London flat", timezone: "Europe/London", kind: "site" },
    { id: GARAGE, name: "Garage", timezone: "Europe/London", kind: "device", parentId: FLAT },
  ],
  tabs: [{ id: TAB, name: "Overview" }],
  charts: [],
  tariffs: [],
};

const measureCase = (expect: EvalCase["expect"]): EvalCase => ({
  id: "t",
  home: "test",
  now: "2026-10-27T09:30:00Z",
  text: "how much did the flat use yesterday",
  category: "measure-energy",
  expect,
});
const yesterday = { meter: FLAT, quantity: "energy", from: "2026-10-26T00:00:00Z", to: "2026-10-27T00:00:00Z" };

describe("subset match", () => {
  it("compares periods as instants, whatever their ISO form", () => {
    expect(subsetMismatch({ from: "2026-10-26T00:00:00Z" }, { from: "2026-10-26T01:00:00.000+01:00" }, home)).toEqual([]);
    expect(subsetMismatch({ from: "2026-10-26T00:00:00Z" }, { from: "2026-10-25T23:00:00Z" }, home)).toHaveLength(1);
  });

  it("takes a meter by its id or its name, and no other meter", () => {
    expect(subsetMismatch({ meter: FLAT }, { meter: FLAT }, home)).toEqual([]);
    expect(subsetMismatch({ meter: FLAT }, { meter: "london FLAT" }, home)).toEqual([]);
    expect(subsetMismatch({ meter: FLAT }, { meter: GARAGE }, home)[0]).toMatch(/London flat/);
  });

  it("lets the call carry more keys, not fewer; lists of ids in any order", () => {
    expect(subsetMismatch({ a: 1 }, { a: 1, b: 2 }, home)).toEqual([]);
    expect(subsetMismatch({ a: 1, b: 2 }, { a: 1 }, home)).toEqual(["input.b: expected 2, got undefined"]);
    expect(subsetMismatch({ ids: [FLAT, GARAGE] }, { ids: [GARAGE, FLAT] }, home)).toEqual([]);
    expect(subsetMismatch({ ids: [FLAT] }, { ids: [FLAT, GARAGE] }, home)).toHaveLength(1);
    expect(subsetMismatch({ n: 0.3 }, { n: 0.1 + 0.2 }, home)).toEqual([]);
    expect(subsetMismatch({ name: "car" }, { name: "Car" }, home)).toEqual([]);
  });
});

describe("scoreCase", () => {
  it("passes the right call and fails a wrong period, a wrong meter, a wrong tool or no call", () => {
    const c = measureCase({ tools: [{ name: "measure", input: yesterday }] });
    const reply = { text: "12 kWh" };
    expect(scoreCase(c, home, reply, [{ name: "measure", input: { ...yesterday, label: "yesterday" } }]).pass).toBe(true);
    // The day before, one hour off (the clock change): fails.
    const shifted = scoreCase(c, home, reply, [{ name: "measure", input: { ...yesterday, from: "2026-10-25T23:00:00Z" } }]);
    expect(shifted.pass).toBe(false);
    expect(shifted.reasons.join()).toMatch(/input\.from/);
    expect(scoreCase(c, home, reply, [{ name: "measure", input: { ...yesterday, meter: GARAGE } }]).pass).toBe(false);
    expect(scoreCase(c, home, reply, [{ name: "summarize_cost", input: { meter: FLAT } }]).pass).toBe(false);
    expect(scoreCase(c, home, reply, []).reasons).toEqual(["expected a measure call; got no tool call"]);
  });

  it("fills the tool's defaults before comparing (rank_device_costs without which is this)", () => {
    const c = measureCase({ tools: [{ name: "rank_device_costs", input: { meter: FLAT, period: "month", which: "this" } }] });
    expect(scoreCase(c, home, { text: "" }, [{ name: "rank_device_costs", input: { meter: FLAT } }]).pass).toBe(true);
    expect(scoreCase(c, home, { text: "" }, [{ name: "rank_device_costs", input: { meter: FLAT, which: "last" } }]).pass).toBe(false);
  });

  it("needs each expected tool matched by its own call", () => {
    const c = measureCase({
      tools: [
        { name: "measure", input: yesterday },
        { name: "measure", input: { meter: GARAGE } },
      ],
    });
    expect(scoreCase(c, home, { text: "" }, [{ name: "measure", input: yesterday }]).pass).toBe(false);
    expect(
      scoreCase(c, home, { text: "" }, [
        { name: "measure", input: yesterday },
        { name: "measure", input: { ...yesterday, meter: GARAGE } },
      ]).pass,
    ).toBe(true);
  });

  it("checks absent keys, noTools, choices and words", () => {
    const noTab = measureCase({ tools: [{ name: "create_chart", input: { spec: { meterIds: [FLAT] } }, absent: ["tabId"] }] });
    expect(scoreCase(noTab, home, { text: "" }, [{ name: "create_chart", input: { title: "x", spec: { meterIds: [FLAT] } } }]).pass).toBe(
      true,
    );
    expect(
      scoreCase(noTab, home, { text: "" }, [{ name: "create_chart", input: { tabId: TAB, title: "x", spec: { meterIds: [FLAT] } } }]).pass,
    ).toBe(false);

    const ask = measureCase({ noTools: true, choices: { min: 2, include: ["garage", "London flat"] }, says: ["which meter"] });
    const choices = [
      { label: "London flat", text: "how much did London flat use yesterday" },
      { label: "Garage", text: "how much did Garage use yesterday" },
    ];
    expect(scoreCase(ask, home, { text: "Which meter do you mean?", choices }, []).pass).toBe(true);
    expect(scoreCase(ask, home, { text: "Which meter do you mean?", choices }, [{ name: "list_meters", input: {} }]).pass).toBe(false);
    expect(scoreCase(ask, home, { text: "Which meter do you mean?", choices: choices.slice(0, 1) }, []).reasons).toHaveLength(2);
    expect(scoreCase(ask, home, { text: "I did not understand", choices }, []).reasons).toEqual(['the reply does not say "which meter"']);
  });
});

describe("runCase", () => {
  it("accepts a string or {text, choices} from respond and times the turn", async () => {
    expect(normalizeReply("hello")).toEqual({ text: "hello" });
    expect(normalizeReply({ text: "which?", choices: [{ label: "a", text: "a" }] }).choices).toHaveLength(1);

    const c = measureCase({ tools: [{ name: "measure", input: yesterday }] });
    const engine = {
      respond: async (_turn: unknown, tools: { call(name: string, input: unknown): Promise<unknown> }) => {
        await tools.call("measure", yesterday);
        return "ok";
      },
    };
    const right = await runCase(engine, c, home, false);
    expect(right.score.pass).toBe(true);
    expect(right.cpuMs).toBeGreaterThanOrEqual(0);
    const wrong = await runCase({ respond: async () => ({ text: "I did not understand" }) }, c, home, false);
    expect(wrong.score.pass).toBe(false);
    const thrown = await runCase(
      {
        respond: async () => {
          throw new Error("boom");
        },
      },
      c,
      home,
      false,
    );
    expect(thrown.score.pass).toBe(false);
  });

  it("gives the engine the home, the picked tab and the earlier turns with their tool results", async () => {
    const chartId = "aaaaaaaa-0000-4000-8300-000000000101";
    const c: EvalCase = {
      ...measureCase({ tools: [{ name: "delete_chart", input: { chartId } }] }),
      text: "remove that chart",
      history: [{ user: "show the flat", tool: { name: "create_chart", input: { title: "Flat", spec: {} }, result: { id: chartId } } }],
    };
    const run = await runCase(
      {
        respond: async (turn, tools) => {
          expect(turn.meters.map((m) => m.name)).toEqual(["London flat", "Garage"]);
          expect(turn.context.tabId).toBe(TAB);
          expect(turn.context.messageAt).toBe("2026-10-27T09:30:00.000Z");
          expect(turn.transcript.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
          const id = (turn.transcript.toolCalls[0].result as { id: string }).id;
          await tools.call("delete_chart", { chartId: id });
          return { text: "Deleted." };
        },
      },
      c,
      home,
      false,
    );
    expect(run.score).toEqual({ pass: true, reasons: [] });
  });
});

describe("the committed cases", () => {
  const dir = resolve(import.meta.dirname, "../chat/eval");
  const homes = readHomes(dir);
  const main = readCases(dir);
  const heldOut = readCases(join(dir, "held-out"));
  const planned = new Set<string>([
    ...TOOL_NAMES,
    "measure",
    "delete_chart",
    "set_battery",
    "set_deferrable_load",
    "set_tariff",
    "list_tariffs",
  ]);

  it("are well formed, enough, and name only known tools, with from before to", () => {
    expect(checkCases([...main, ...heldOut], homes)).toEqual([]);
    expect(main.length).toBeGreaterThanOrEqual(250);
    expect(heldOut.length).toBeGreaterThanOrEqual(60);
    for (const c of [...main, ...heldOut]) {
      for (const tool of c.expect.tools ?? []) {
        expect(planned.has(tool.name), `${c.id}: ${tool.name}`).toBe(true);
        const input = tool.input as { from?: string; to?: string; compare?: { from: string; to: string } } | undefined;
        for (const p of [input, input?.compare]) {
          if (p?.from) expect(Date.parse(p.from) < Date.parse(p.to!), `${c.id}: from < to`).toBe(true);
          if (p?.to) expect(Date.parse(p.to) <= Date.parse(c.now), `${c.id}: to <= now`).toBe(true);
        }
      }
    }
  });
});

/**
 * npm run chat:eval — the chat's own evaluation (issue 17): every case in tests/chat/eval/*.jsonl
 * (and, reported apart, tests/chat/eval/held-out/*.jsonl) goes through the offline engine with a
 * recording EngineTools, and is scored on the tools it called (subset match of their inputs,
 * periods compared as instants), its choices and what it says.
 *
 *   npm run chat:eval -- [--min 0.95] [--verbose] [--only <category>] [--engine offline|opencode]
 *
 * Exit 1 when the main or the held-out accuracy is below --min; exit 2 for a usage error or an
 * engine that cannot run here (opencode without WATTBOARD_LLM_*). With --engine opencode the CPU
 * figures are this process's only (the model and opencode run elsewhere).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Agent, ChatMessage, ChatTranscript, ToolCallRecord, ToolOutcome } from "../worker/chat/contract";
import type { EngineTools, EngineTurn } from "../worker/chat/engine";
import { TOOL_CATALOG } from "../worker/chat/tools/catalog";
import type { MeterRow } from "../worker/meters/queries";

// ---------- fixtures and cases ----------

export interface HomeMeter {
  id: string;
  name: string;
  timezone: string;
  kind: "site" | "device";
  parentId?: string | null;
}
export interface HomeChart {
  id: string;
  name: string;
  tabId: string;
  spec: Record<string, unknown>;
}
export interface Home {
  id: string;
  /** Who lives there, for the person reading a failure. */
  about?: string;
  meters: HomeMeter[];
  tabs: { id: string; name: string }[];
  charts: HomeChart[];
  tariffs: { id: string; name: string; currency?: string }[];
}

export interface ExpectedTool {
  name: string;
  /** Subset of the call's input: every key given must match (ISO instants compared as instants, meters by id or name). */
  input?: Record<string, unknown>;
  /** Keys the call's input must not have (e.g. tabId when no tab is picked). */
  absent?: string[];
}
export interface Expectation {
  tools?: ExpectedTool[];
  noTools?: true;
  choices?: { min: number; include?: string[] };
  says?: string[];
}
export interface HistoryTurn {
  user: string;
  /** The tool the earlier turn called, with its result when the case relies on ids in it (a chart created). */
  tool?: { name: string; input: unknown; result?: unknown };
  /** The earlier answer; a plain summary of the tool call when absent. */
  reply?: string;
}
export interface EvalCase {
  id: string;
  home: string;
  now: string;
  text: string;
  history?: HistoryTurn[];
  /** The tab picked in the chat: absent = the home's first tab (the one on screen), null = none. */
  tab?: string | null;
  expect: Expectation;
  category: string;
}

export interface EngineReplyLike {
  text: string;
  choices?: { label: string; text: string }[];
}
export interface RecordedCall {
  name: string;
  input: unknown;
}

const EVAL_DIR = resolve(import.meta.dirname, "../tests/chat/eval");

export function readHomes(dir = EVAL_DIR): Map<string, Home> {
  const homes = new Map<string, Home>();
  for (const file of [join(dir, "homes.json"), join(dir, "held-out", "homes.json")]) {
    let list: Home[];
    try {
      list = JSON.parse(readFileSync(file, "utf8")).homes;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    for (const home of list) {
      if (homes.has(home.id)) throw new Error(`${file}: home ${home.id} defined twice`);
      homes.set(home.id, home);
    }
  }
  return homes;
}

export function readCases(dir: string): EvalCase[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  } catch {
    return [];
  }
  const cases: EvalCase[] = [];
  for (const file of files.sort()) {
    readFileSync(join(dir, file), "utf8")
      .split("\n")
      .forEach((line, index) => {
        if (!line.trim() || line.trimStart().startsWith("//")) return;
        try {
          cases.push(JSON.parse(line));
        } catch (error) {
          throw new Error(`${file}:${index + 1}: ${(error as Error).message}`);
        }
      });
  }
  return cases;
}

/** Mistakes in a case itself (unknown home, missing fields, duplicate id): reported before anything runs. */
export function checkCases(cases: EvalCase[], homes: Map<string, Home>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    const where = c.id ?? JSON.stringify(c).slice(0, 60);
    if (!c.id || !c.text || !c.category || !c.now || !c.expect) problems.push(`${where}: id, text, category, now and expect are required`);
    if (seen.has(c.id)) problems.push(`${where}: duplicate id`);
    seen.add(c.id);
    if (!homes.has(c.home)) problems.push(`${where}: unknown home ${c.home}`);
    if (Number.isNaN(Date.parse(c.now))) problems.push(`${where}: now is not an ISO instant`);
    const e = c.expect ?? {};
    if (!e.tools && !e.noTools && !e.choices && !e.says) problems.push(`${where}: expect names nothing`);
    if (e.tools && e.noTools) problems.push(`${where}: tools and noTools together`);
  }
  return problems;
}

// ---------- the engine's turn ----------

const EPOCH = new Date("2026-01-01T00:00:00Z");

export function meterRows(home: Home): MeterRow[] {
  return home.meters.map((m) => ({
    id: m.id,
    ownerId: `owner-${home.id}`,
    name: m.name,
    timezone: m.timezone,
    kind: m.kind,
    parentId: m.parentId ?? null,
    webhookKeyVersion: 1,
    previousKeyVersion: null,
    previousKeyExpiresAt: null,
    lastReadingAt: EPOCH,
    externalId: null,
    readingIntervalMs: null,
    rollupsReady: true,
    rawKeptFrom: null,
    tariff: null,
    assets: null,
    createdAt: EPOCH,
    updatedAt: EPOCH,
  }));
}

const AGENT: Agent = { id: "analyst", name: "Analyst", instructions: "", permissions: {}, builtIn: true };

/** Ids the fake tools hand out: deterministic per case, so a result can be checked. */
function idMaker(prefix: string) {
  let n = 0;
  return () => `${prefix}-0000-4000-8000-${String(++n).padStart(12, "0")}`;
}

/**
 * A realistic answer for each tool, as the Worker's would look (ok + summary + result with ids),
 * so engines that read results (a chart's id, a meter's name) behave as in the app.
 */
export function fakeOutcome(name: string, input: unknown, home: Home, tabId: string | undefined, newId: () => string): ToolOutcome {
  const entry = (TOOL_CATALOG as Record<string, { input: { safeParse(v: unknown): { success: boolean; error?: unknown } } }>)[name];
  if (entry) {
    const parsed = entry.input.safeParse(input);
    if (!parsed.success) return { ok: false, error: `invalid input for ${name}: ${String(parsed.error).slice(0, 300)}` };
  } else if (!PLANNED_TOOLS.has(name)) {
    return { ok: false, error: `unknown tool ${name}` };
  }
  const i = (input ?? {}) as Record<string, unknown>;
  const meter = home.meters.find(
    (m) => m.id === i.meterId || m.id === i.meter || m.name.toLowerCase() === String(i.meter ?? "").toLowerCase(),
  );
  const meterName = meter?.name ?? "the meter";
  const ok = (summary: string, result: unknown): ToolOutcome => ({ ok: true, summary, result });
  switch (name) {
    case "measure": {
      const units: Record<string, string> = { energy: "kWh", cost: "GBP", peak: "kW", average: "kW", minimum: "kW" };
      const quantity = String(i.quantity ?? "energy");
      const label = String(i.label ?? "that period");
      const compare = i.compare as { from: string; to: string; label?: string } | undefined;
      return ok(`${meterName} used 12.4 kWh ${label}${compare ? `, 8 % more than ${compare.label ?? "before"} (11.5 kWh)` : ""}.`, {
        meterId: meter?.id ?? i.meter,
        name: meterName,
        quantity,
        unit: units[quantity] ?? "kWh",
        value: 12.4,
        from: i.from,
        to: i.to,
        label,
        ...(compare
          ? { compare: { value: 11.5, from: compare.from, to: compare.to, label: compare.label ?? "before", changePct: 7.8 } }
          : {}),
      });
    }
    case "create_chart": {
      const id = newId();
      const newTab = !i.tabId && !tabId;
      const chartTab = (i.tabId as string | undefined) ?? tabId ?? newId();
      return ok(`Added the chart "${i.title}"${newTab ? " on a new tab" : ""}.`, {
        id,
        tabId: chartTab,
        newTab,
        title: i.title,
        spec: i.spec,
      });
    }
    case "update_chart":
      return ok(`Changed the chart.`, { id: i.chartId, ...i });
    case "delete_chart":
      return ok("Deleted the chart.", { id: i.chartId, deleted: true });
    case "share":
      return ok(`Shared: https://wattboard.example/s/${String(i.id).slice(0, 8)}`, {
        kind: i.kind,
        id: i.id,
        url: `https://wattboard.example/s/${String(i.id).slice(0, 8)}`,
      });
    case "create_tab": {
      const id = newId();
      return ok(`Created the tab "${i.title}".`, { id, title: i.title });
    }
    case "list_meters":
      return ok(home.meters.map((m) => m.name).join(", ") || "No meters yet.", { meters: home.meters });
    case "list_tabs":
      return ok(home.tabs.map((t) => t.name).join(", ") || "No tabs yet.", { tabs: home.tabs });
    case "list_tariffs":
      return ok(home.tariffs.map((t) => t.name).join(", ") || "No imported tariffs.", { tariffs: home.tariffs });
    case "set_goal":
      return ok(`Peak limit of ${meterName} set to ${i.peakLimitKw} kW.`, { meterId: i.meterId, peakLimitKw: i.peakLimitKw });
    case "set_battery":
      return ok(`Battery of ${i.capacityKwh} kWh noted for ${meterName}.`, { meterId: i.meterId, battery: i });
    case "set_deferrable_load":
      return ok(`${i.name}: ${i.energyKwh} kWh by ${i.toHour}:00.`, { meterId: i.meterId, load: i });
    case "set_tariff":
      return ok(`Tariff of ${meterName} set.`, { meterId: i.meterId, tariff: i.tariff });
    case "summarize_cost":
      return ok(`${meterName} cost £3.10 (12.4 kWh).`, { meterId: meter?.id, cost: 3.1, energyKwh: 12.4, currency: "GBP" });
    case "rank_device_costs":
      return ok("Heat pump £1.20, Garage £0.80, untracked £0.40.", { meterId: meter?.id, devices: [] });
    case "summarize_usage":
      return ok(`${meterName}: 12.4 kWh, peak 3.2 kW.`, { meterId: i.meterId, energyKwh: 12.4 });
    case "query_series":
      return ok("48 points.", { series: [] });
    case "run_model":
      return ok(`Forecast and plan of ${meterName} updated.`, { runId: newId() });
    case "explain_plan":
      return ok(`The plan of ${meterName}: charge the car 01:00–05:00.`, { meterId: i.meterId });
    default:
      return ok("Done.", {});
  }
}

/** Tools of issue 17's plan (section B) that may not be in this checkout's catalog yet. */
const PLANNED_TOOLS = new Set(["measure", "delete_chart", "set_battery", "set_deferrable_load", "set_tariff", "list_tariffs"]);

export function buildTurn(c: EvalCase, home: Home): { turn: EngineTurn; tabId: string | undefined } {
  const tabId = c.tab === null ? undefined : (c.tab ?? home.tabs[0]?.id);
  const now = Date.parse(c.now);
  const newId = idMaker("9e000000");
  const messages: ChatMessage[] = [];
  const toolCalls: ToolCallRecord[] = [];
  const history = c.history ?? [];
  history.forEach((h, index) => {
    const at = new Date(now - (history.length - index) * 60_000).toISOString();
    const userId = `h${index}-user`;
    messages.push({ id: userId, role: "user", text: h.user, at });
    let reply = h.reply;
    if (h.tool) {
      const outcome = fakeOutcome(h.tool.name, h.tool.input, home, tabId, newId);
      const result = h.tool.result ?? (outcome.ok ? outcome.result : null);
      toolCalls.push({
        id: `h${index}-call`,
        messageId: userId,
        agent: AGENT.id,
        tool: h.tool.name,
        input: h.tool.input,
        decision: "allow",
        result,
        summary: outcome.ok ? outcome.summary : null,
        error: outcome.ok ? null : outcome.error,
        at,
      });
      reply ??= outcome.ok ? outcome.summary : outcome.error;
    }
    messages.push({ id: `h${index}-reply`, role: "assistant", text: reply ?? "OK.", at });
  });
  const transcript: ChatTranscript = { messages, toolCalls };
  const turn = {
    text: c.text,
    transcript,
    agent: AGENT,
    meters: meterRows(home),
    tabs: home.tabs.map((t) => ({ id: t.id, name: t.name })),
    charts: home.charts.map((ch) => ({ id: ch.id, name: ch.name, tabId: ch.tabId, spec: ch.spec })),
    tariffs: home.tariffs.map((t) => ({ id: t.id, name: t.name })),
    context: {
      chatSessionId: `eval-${c.id}`,
      sessionTitle: "Evaluation",
      messageId: `eval-${c.id}-message`,
      messageAt: new Date(now).toISOString(),
      agentId: AGENT.id,
      tabId,
      origin: "http://localhost:5173",
    },
    replyId: `eval-${c.id}-reply`,
  };
  return { turn: turn as EngineTurn, tabId };
}

export function recordingTools(home: Home, tabId: string | undefined): EngineTools & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const newId = idMaker("9f000000");
  return {
    calls,
    async call(name: string, input: unknown) {
      calls.push({ name, input });
      return fakeOutcome(name, input, home, tabId, newId);
    },
  };
}

/** respond() returned a string before issue 17's engine, {text, choices} after: both are accepted. */
export function normalizeReply(reply: unknown): EngineReplyLike {
  if (typeof reply === "string") return { text: reply };
  if (reply && typeof reply === "object" && typeof (reply as EngineReplyLike).text === "string") {
    const r = reply as EngineReplyLike;
    return { text: r.text, choices: Array.isArray(r.choices) ? r.choices : undefined };
  }
  return { text: String(reply ?? "") };
}

// ---------- scoring ----------

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().trim();

/** Fills the defaults the tool's schema would (e.g. rank_device_costs' which: "this"), when the tool is in the catalog. */
function withDefaults(name: string, input: unknown): unknown {
  const entry = (TOOL_CATALOG as Record<string, { input: { safeParse(v: unknown): { success: boolean; data?: unknown } } }>)[name];
  if (!entry) return input;
  const parsed = entry.input.safeParse(input);
  return parsed.success ? parsed.data : input;
}

/** Why `actual` does not contain `expected` (empty: it does), path-prefixed. */
export function subsetMismatch(expected: unknown, actual: unknown, home: Home, path = "input"): string[] {
  if (typeof expected === "string") {
    if (ISO_INSTANT.test(expected)) {
      return typeof actual === "string" && Date.parse(actual) === Date.parse(expected)
        ? []
        : [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
    }
    const meter = home.meters.find((m) => m.id === expected);
    if (meter) {
      return typeof actual === "string" && (actual === meter.id || fold(actual) === fold(meter.name))
        ? []
        : [`${path}: expected meter ${meter.name} (${meter.id}), got ${JSON.stringify(actual)}`];
    }
    return typeof actual === "string" && fold(actual) === fold(expected)
      ? []
      : [`${path}: expected "${expected}", got ${JSON.stringify(actual)}`];
  }
  if (typeof expected === "number") {
    return typeof actual === "number" && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected))
      ? []
      : [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected ${expected.length} items ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    }
    if (expected.every((e) => typeof e !== "object" || e === null)) {
      // A list of ids or words: order does not matter.
      const left = [...actual];
      for (const e of expected) {
        const at = left.findIndex((a) => subsetMismatch(e, a, home).length === 0);
        if (at < 0) return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
        left.splice(at, 1);
      }
      return [];
    }
    return expected.flatMap((e, index) => subsetMismatch(e, actual[index], home, `${path}[${index}]`));
  }
  if (expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object" || Array.isArray(actual))
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      subsetMismatch(value, (actual as Record<string, unknown>)[key], home, `${path}.${key}`),
    );
  }
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function toolMismatch(expected: ExpectedTool, call: RecordedCall, home: Home): string[] {
  if (call.name !== expected.name) return [`called ${call.name}, expected ${expected.name}`];
  const input = withDefaults(call.name, call.input);
  const reasons = expected.input ? subsetMismatch(expected.input, input, home) : [];
  for (const key of expected.absent ?? []) {
    if (input && typeof input === "object" && (input as Record<string, unknown>)[key] !== undefined) {
      reasons.push(`input.${key}: expected absent, got ${JSON.stringify((input as Record<string, unknown>)[key])}`);
    }
  }
  return reasons;
}

export interface CaseScore {
  pass: boolean;
  reasons: string[];
}

/** A case passes when every expectation holds: each expected tool matched by its own call (extra calls allowed), choices, words. */
export function scoreCase(c: EvalCase, home: Home, reply: EngineReplyLike, calls: RecordedCall[]): CaseScore {
  const reasons: string[] = [];
  const e = c.expect;
  if (e.noTools && calls.length > 0) reasons.push(`expected no tool call, got ${calls.map((call) => call.name).join(", ")}`);
  const unused = [...calls];
  for (const expected of e.tools ?? []) {
    const at = unused.findIndex((call) => toolMismatch(expected, call, home).length === 0);
    if (at >= 0) {
      unused.splice(at, 1);
      continue;
    }
    const sameName = unused.filter((call) => call.name === expected.name);
    if (sameName.length === 0) {
      reasons.push(`expected a ${expected.name} call; got ${calls.length ? calls.map((call) => call.name).join(", ") : "no tool call"}`);
    } else {
      for (const call of sameName) reasons.push(...toolMismatch(expected, call, home).map((r) => `${expected.name} ${r}`));
    }
  }
  if (e.choices) {
    const choices = reply.choices ?? [];
    if (choices.length < e.choices.min) reasons.push(`expected at least ${e.choices.min} choices, got ${choices.length}`);
    for (const wanted of e.choices.include ?? []) {
      if (!choices.some((choice) => fold(`${choice.label}\n${choice.text}`).includes(fold(wanted)))) {
        reasons.push(`no choice mentions "${wanted}" (${choices.map((choice) => choice.label).join(" | ") || "none"})`);
      }
    }
  }
  for (const words of e.says ?? []) {
    if (!fold(reply.text).includes(fold(words))) reasons.push(`the reply does not say "${words}"`);
  }
  return { pass: reasons.length === 0, reasons };
}

// ---------- running ----------

export interface Engine {
  respond(turn: EngineTurn, tools: EngineTools): Promise<unknown>;
}

export interface CaseRun {
  case: EvalCase;
  heldOut: boolean;
  score: CaseScore;
  reply: EngineReplyLike;
  calls: RecordedCall[];
  cpuMs: number;
}

export async function runCase(engine: Engine, c: EvalCase, home: Home, heldOut: boolean): Promise<CaseRun> {
  const { turn, tabId } = buildTurn(c, home);
  const tools = recordingTools(home, tabId);
  const start = process.cpuUsage();
  let reply: EngineReplyLike;
  try {
    reply = normalizeReply(await engine.respond(turn, tools));
  } catch (error) {
    reply = { text: `(the engine threw: ${(error as Error).stack ?? error})` };
  }
  const used = process.cpuUsage(start);
  const cpuMs = (used.user + used.system) / 1000;
  const score = reply.text.startsWith("(the engine threw")
    ? { pass: false, reasons: [reply.text.split("\n").slice(0, 3).join(" ")] }
    : scoreCase(c, home, reply, tools.calls);
  return { case: c, heldOut, score, reply, calls: tools.calls, cpuMs };
}

interface Options {
  min?: number;
  verbose: boolean;
  only?: string;
  engine: "offline" | "opencode";
}

export function parseArgs(argv: string[]): Options {
  const options: Options = { verbose: false, engine: "offline" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--verbose" || arg === "-v") options.verbose = true;
    else if (arg === "--min") options.min = Number(argv[++i]);
    else if (arg === "--only") options.only = argv[++i];
    else if (arg === "--engine") options.engine = argv[++i] as Options["engine"];
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.min !== undefined && !(options.min >= 0 && options.min <= 1))
    throw new Error("--min takes a fraction between 0 and 1, e.g. 0.95");
  if (!["offline", "opencode"].includes(options.engine)) throw new Error("--engine takes offline or opencode");
  if (options.only === "") throw new Error("--only takes a category");
  return options;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : "—");

export function report(runs: CaseRun[], verbose: boolean): { main: number; heldOut: number } {
  const lines: string[] = [];
  const accuracy = (list: CaseRun[]) => (list.length ? list.filter((r) => r.score.pass).length / list.length : 1);
  for (const [title, heldOut] of [
    ["main", false],
    ["held-out", true],
  ] as const) {
    const part = runs.filter((r) => r.heldOut === heldOut);
    if (!part.length) continue;
    lines.push(`\n${title} (${part.length} cases)`);
    const categories = [...new Set(part.map((r) => r.case.category))].sort();
    for (const category of categories) {
      const inCategory = part.filter((r) => r.case.category === category);
      const passed = inCategory.filter((r) => r.score.pass).length;
      lines.push(
        `  ${category.padEnd(20)} ${String(passed).padStart(3)}/${String(inCategory.length).padEnd(3)} ${pct(passed, inCategory.length)}`,
      );
    }
    const passed = part.filter((r) => r.score.pass).length;
    lines.push(`  ${"overall".padEnd(20)} ${String(passed).padStart(3)}/${String(part.length).padEnd(3)} ${pct(passed, part.length)}`);
  }
  const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
  if (cpu.length) {
    const mean = cpu.reduce((a, b) => a + b, 0) / cpu.length;
    const p95 = cpu[Math.min(cpu.length - 1, Math.ceil(0.95 * cpu.length) - 1)];
    lines.push(`\nCPU per turn: mean ${mean.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${cpu[cpu.length - 1].toFixed(2)} ms`);
  }
  if (verbose) {
    for (const run of runs.filter((r) => !r.score.pass)) {
      lines.push(`\n✗ ${run.heldOut ? "held-out/" : ""}${run.case.id} [${run.case.category}] ${JSON.stringify(run.case.text)}`);
      for (const reason of run.score.reasons) lines.push(`    - ${reason}`);
      for (const call of run.calls) lines.push(`    called ${call.name} ${JSON.stringify(call.input)}`);
      lines.push(
        `    replied ${JSON.stringify(run.reply.text.slice(0, 240))}${run.reply.choices?.length ? ` choices: ${run.reply.choices.map((c) => c.label).join(" | ")}` : ""}`,
      );
    }
  }
  console.log(lines.join("\n"));
  return { main: accuracy(runs.filter((r) => !r.heldOut)), heldOut: accuracy(runs.filter((r) => r.heldOut)) };
}

async function loadEngine(name: Options["engine"]): Promise<Engine & { stop?(): Promise<void> }> {
  if (name === "opencode") {
    const { llmProviderFromEnv } = await import("./local-stack/chat-engine");
    const provider = llmProviderFromEnv();
    if (!provider) {
      console.error(
        "--engine opencode needs an LLM: set WATTBOARD_LLM_BASE_URL and WATTBOARD_LLM_MODEL (and WATTBOARD_LLM_API_KEY if the provider wants one), as for npm run dev.",
      );
      process.exit(2);
    }
    const { startOpencodeEvalEngine } = await import("./chat-eval-opencode");
    const logs: string[] = [];
    try {
      return await startOpencodeEvalEngine(provider, (line) => logs.push(line));
    } catch (error) {
      console.error(`opencode did not start: ${(error as Error).message}\n${logs.slice(-20).join("\n")}`);
      process.exit(2);
    }
  }
  const { offlineEngine } = await import("../worker/chat/engines/offline");
  return offlineEngine as Engine;
}

async function main() {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const homes = readHomes();
  const main = readCases(EVAL_DIR).map((c) => ({ c, heldOut: false }));
  const heldOut = readCases(join(EVAL_DIR, "held-out")).map((c) => ({ c, heldOut: true }));
  const all = [...main, ...heldOut];
  const problems = checkCases(
    all.map((x) => x.c),
    homes,
  );
  if (problems.length) {
    console.error(`Broken cases:\n${problems.join("\n")}`);
    process.exit(2);
  }
  const selected = options.only ? all.filter((x) => x.c.category === options.only) : all;
  if (!selected.length) {
    console.error(`No case in category ${options.only}; categories: ${[...new Set(all.map((x) => x.c.category))].sort().join(", ")}`);
    process.exit(2);
  }
  const engine = await loadEngine(options.engine);
  const runs: CaseRun[] = [];
  try {
    for (const { c, heldOut } of selected) runs.push(await runCase(engine, c, homes.get(c.home)!, heldOut));
  } finally {
    await engine.stop?.();
  }
  console.log(`chat eval: ${options.engine} engine, ${runs.length} cases`);
  const accuracy = report(runs, options.verbose);
  if (options.min !== undefined && (accuracy.main < options.min || accuracy.heldOut < options.min)) {
    console.error(`\nBelow --min ${options.min}: main ${pct(accuracy.main, 1)}, held-out ${pct(accuracy.heldOut, 1)}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(2);
  });
}

import type { ChartSpec } from "../../../charts/chart-spec-contract";
import type { ChatChoice, ChatTranscript, ToolCallRecord } from "../../contract";
import type { Period } from "../../understanding/periods";
import { periodFrom, type Window } from "./context";
import type { Quantity } from "./words";

/** The last question the conversation asked, in the form the engine can ask again with a slot changed. */
export type LastAsk =
  | { kind: "measure"; meterIds: string[]; quantity: Quantity; period: Period; compare?: Period }
  | { kind: "chart"; meterIds: string[]; spec: ChartSpec; title: string; period?: Period; preset?: Window }
  | { kind: "rank"; meterIds: string[]; period?: Period; cost: { period: string; which?: string; at?: string } };

/** What the conversation last referred to, rebuilt from the transcript (engines keep nothing between turns). */
export interface Memory {
  ask?: LastAsk;
  meterIds: string[];
  period?: Period;
  chartId?: string;
  tabId?: string;
  /** The latest answer's choices, when it was the last message: a reply may pick one by its label. */
  choices: ChatChoice[];
}

type Input = Record<string, unknown>;
const obj = (value: unknown): Input => (value && typeof value === "object" ? (value as Input) : {});
const str = (value: unknown) => (typeof value === "string" ? value : undefined);

const METER_TOOLS = new Set([
  "run_model",
  "explain_plan",
  "set_goal",
  "set_battery",
  "set_deferrable_load",
  "set_tariff",
  "summarize_usage",
]);

export function remember(transcript: ChatTranscript | undefined, now: Date): Memory {
  const memory: Memory = { meterIds: [], choices: [] };
  if (!transcript) return memory;
  const last = transcript.messages.at(-1);
  if (last?.role === "assistant" && last.choices) memory.choices = last.choices;

  // Calls of one message act together ("the flat and the garage" measures both).
  let group: string | undefined;
  for (const call of transcript.toolCalls) {
    if (call.error || call.decision === "deny" || call.decision === "timeout") continue;
    const fresh = call.messageId !== group;
    group = call.messageId;
    note(memory, call, fresh, now);
  }
  return memory;
}

function note(memory: Memory, call: ToolCallRecord, fresh: boolean, now: Date): void {
  const input = obj(call.input);
  const result = obj(call.result);
  const addMeter = (id: string | undefined) => {
    if (!id) return;
    if (fresh && !memory.meterIds.includes(id)) memory.meterIds = [];
    if (!memory.meterIds.includes(id)) memory.meterIds.push(id);
  };
  switch (call.tool) {
    case "measure": {
      const meterId = str(result.meterId) ?? str(input.meter);
      const from = str(input.from);
      const to = str(input.to);
      if (!meterId || !from || !to) return;
      const period = periodFrom(from, to, str(input.label), now);
      const compareInput = obj(input.compare);
      const compare =
        str(compareInput.from) && str(compareInput.to)
          ? periodFrom(str(compareInput.from)!, str(compareInput.to)!, str(compareInput.label), now)
          : undefined;
      const previous = memory.ask?.kind === "measure" && !fresh ? memory.ask.meterIds : [];
      addMeter(meterId);
      memory.ask = {
        kind: "measure",
        meterIds: [...new Set([...previous, meterId])],
        quantity: (str(input.quantity) as Quantity) ?? "energy",
        period,
        compare,
      };
      memory.period = period;
      return;
    }
    case "create_chart":
    case "update_chart": {
      const spec = input.spec as ChartSpec | undefined;
      memory.chartId = str(result.id) ?? str(input.chartId) ?? memory.chartId;
      memory.tabId = str(result.tabId) ?? memory.tabId;
      if (!spec?.meterIds) return;
      memory.meterIds = [...spec.meterIds];
      const window = spec.window;
      // An edit without a new title keeps the chart's ("make it bars").
      const before = memory.ask?.kind === "chart" && call.tool === "update_chart" ? memory.ask.title : undefined;
      const title = str(input.title) ?? str(result.title) ?? before;
      // Titles this engine makes end with how the period was said ("Garage: cost, last week").
      const said = title?.match(/^[^:]+: [^,]+, ([^,]+)$/)?.[1];
      const period = window?.kind === "absolute" ? periodFrom(window.from, window.to, said, now) : undefined;
      memory.ask = {
        kind: "chart",
        meterIds: [...spec.meterIds],
        spec,
        title: title ?? "Chart",
        period,
        preset: window?.kind === "relative" ? window.preset : undefined,
      };
      if (period) memory.period = period;
      return;
    }
    case "delete_chart":
      if (str(input.chartId) === memory.chartId) memory.chartId = undefined;
      return;
    case "rank_device_costs":
    case "summarize_cost": {
      const meterId = str(result.meterId) ?? str(input.meter);
      if (meterId && /^[0-9a-f-]{36}$/.test(meterId)) addMeter(meterId);
      if (call.tool === "rank_device_costs") {
        memory.ask = {
          kind: "rank",
          meterIds: meterId ? [meterId] : [],
          cost: { period: str(input.period) ?? "month", which: str(input.which), at: str(input.at) },
        };
      }
      return;
    }
    case "create_tab":
      memory.tabId = str(result.id) ?? memory.tabId;
      return;
    case "share":
      if (input.kind === "chart") memory.chartId = str(input.id) ?? memory.chartId;
      else memory.tabId = str(input.id) ?? memory.tabId;
      return;
    default:
      if (METER_TOOLS.has(call.tool)) addMeter(str(input.meterId));
  }
}

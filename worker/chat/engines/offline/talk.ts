import type { MeterRow } from "../../../meters/queries";
import type { ChatChoice } from "../../contract";
import type { EngineReply } from "../../engine";
import { reply, sitesOf } from "./context";

/** Example requests built from the person's own meters, as choices. */
export function examples(meters: MeterRow[]): ChatChoice[] {
  const site = sitesOf(meters)[0] ?? meters[0];
  if (!site) return [];
  const device = meters.find((m) => m.kind === "device");
  const list: ChatChoice[] = [
    { label: `${site.name} yesterday`, text: `How much energy did ${site.name} use yesterday?` },
    { label: `${device?.name ?? site.name} cost last month`, text: `What did ${device?.name ?? site.name} cost last month?` },
    { label: `Chart ${site.name} this week`, text: `Show the power of ${site.name} for the last 7 days` },
  ];
  if (device) list.push({ label: "Which device uses the most?", text: "Which device uses the most this month?" });
  list.push({ label: `Peak of ${site.name} last week`, text: `What was the peak of ${site.name} last week?` });
  return list;
}

const CAN_DO = [
  "I can answer questions about your energy (“how much did the house use yesterday compared to last week?”, “what was the garage's peak last month?”, “which device costs the most?”),",
  "draw charts (“show the flat's power this week as bars”, then “make it a line”, “and the week before?”, “share it”),",
  "and take settings as you say them (“keep the peak of the garage under 5 kW”, “we have a 10 kWh battery”, “the car must be charged by 7 am, it needs 30 kWh”, “we pay 25p per kWh”).",
  "Commands work too: /help lists them.",
].join(" ");

export const COMMANDS_HELP = [
  "/chart <metric> <meter> <window> [as line|area|bar|stacked|heatmap], e.g. /chart power site-1 last 7d as line",
  "/cost <meter> [today|yesterday|this week|last week|this month|last month|this year|last year] · /devices <site> [period]",
  "/summary <meter> [window] · /run <meter> · /plan <meter> · /goal <meter> <n> kW · /share chart|tab <id> · /meters · /tabs · /tab <title>",
].join("\n");

export const NO_METERS =
  "You have no meters yet, so there is nothing to measure. Add one on the Meters page (“Add meter”): it gives you the connection snippet to paste into your meter, Home Assistant, Telegraf or a script (a webhook URL with its key, or InfluxDB line protocol). A CSV of past readings can be imported there too.";

export function noMeters(): EngineReply {
  return reply(NO_METERS, [
    { label: "How do I connect a meter?", text: "how do I connect a meter?" },
    { label: "What can you do?", text: "help" },
  ]);
}

export function help(meters: MeterRow[]): EngineReply {
  if (meters.length === 0) return reply(`${CAN_DO}\n${NO_METERS}`, noMeters().choices);
  const refs = `Your meters: ${meters.map((m, i) => `${m.name} (meter-${i + 1})`).join(", ")}.`;
  return reply(`${CAN_DO}\n${COMMANDS_HELP}\n${refs}`, examples(meters));
}

export function unknown(text: string, meters: MeterRow[]): EngineReply {
  if (meters.length === 0) return reply(`I did not understand “${text}”. ${NO_METERS}`, noMeters().choices);
  return reply(`I did not understand “${text}”. ${CAN_DO} Some things you could ask:`, examples(meters));
}

export function greeting(meters: MeterRow[]): EngineReply {
  if (meters.length === 0) return reply(`Hello! ${NO_METERS}`, noMeters().choices);
  return reply("Hello! Ask me about your energy, or for a chart. For example:", examples(meters));
}

export const connect = (): EngineReply =>
  reply(
    "To connect a meter: open the Meters page, press “Add meter”, give it a name and its time zone. It then shows the connection snippet: a webhook URL and key (for a script, ESPHome or Node-RED), or InfluxDB line protocol (Telegraf, Home Assistant's InfluxDB integration). Readings appear as soon as it sends them; a CSV of past readings can be imported on the same page.",
  );

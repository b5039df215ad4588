import { liveTranscript } from "../../compaction";
import type { ChatEngine, EngineReply, EngineTools, EngineTurn } from "../../engine";
import { fold } from "../../understanding/normalize";
import { alertRule } from "./alerts";
import { annotate } from "./annotations";
import { chart, deleteChart, editChart, share } from "./charts";
import { command } from "./commands";
import { type Ctx, makeCtx, reply, siteOf } from "./context";
import { classify, type Intent, type Reading, read } from "./intents";
import { measure, rank } from "./measure";
import { remember } from "./memory";
import { setting } from "./settings";
import { connect, greeting, help, noMeters, unknown } from "./talk";
import { metersOf } from "./who";

/**
 * The offline engine's context: it rereads the session at every turn to know what "it" and "that
 * chart" are, so it compresses like a model does, once a session is long (some 18 long messages),
 * and the person sees where and what it kept.
 */
export const OFFLINE_CONTEXT_TOKENS = 4_000;

/** Intents that need a meter: without any, the answer is how to add one. */
const NEEDS_METERS = new Set<Intent["kind"]>([
  "measure",
  "rank",
  "chart",
  "follow-up",
  "goal",
  "battery",
  "load",
  "tariff",
  "run",
  "plan",
  "alert",
  "annotate",
  "unknown",
]);

/**
 * The engine used when no model is configured: it reads a message for its intent and slots
 * (meters, periods, quantities, chart words), fills what is missing from what the conversation
 * last referred to, and calls the same tools as the model-backed engine. Ambiguity becomes a
 * question with choices.
 */
export const offlineEngine: ChatEngine = {
  name: "offline",
  resolvesNames: true,
  contextTokens: OFFLINE_CONTEXT_TOKENS,
  async respond(turn: EngineTurn, tools: EngineTools): Promise<EngineReply> {
    // Turns built by hand (tests, the cost tools' callers) may leave out the named things.
    const full: EngineTurn = { ...turn, tabs: turn.tabs ?? [], charts: turn.charts ?? [], tariffs: turn.tariffs ?? [] };
    const now = new Date(turn.context?.messageAt ?? Date.now());
    // What it remembers is what a compression kept: the turns since the latest summary.
    const ctx = makeCtx(full, tools, now, remember(turn.transcript && liveTranscript(turn.transcript), now));
    const text = picked(turn.text.trim(), ctx);
    return (await command(text, ctx)) ?? answer(read(text, ctx), ctx);
  },
};

/** A short reply naming one of the last answer's choices ("the garage one") sends that choice. */
function picked(text: string, ctx: Ctx): string {
  const choices = ctx.memory.choices;
  if (choices.length === 0 || text.startsWith("/")) return text;
  const said = fold(text).replace(FILLER, " ").trim();
  const exact = choices.find((c) => fold(c.label) === said);
  if (exact) return exact.text;
  if (!said || said.split(" ").length > 3) return text;
  const containing = choices.filter((c) => ` ${fold(c.label)} `.includes(` ${said} `));
  return containing.length === 1 ? containing[0].text : text;
}

const FILLER = /\b(the|my|our|one|please|i mean|that|this)\b/g;

async function answer(r: Reading, ctx: Ctx): Promise<EngineReply> {
  const intent = classify(r, ctx);
  const meters = ctx.turn.meters;
  if (meters.length === 0 && NEEDS_METERS.has(intent.kind)) return intent.kind === "unknown" ? unknown(r.text, meters) : noMeters();
  switch (intent.kind) {
    case "help":
      return help(meters);
    case "greeting":
      return greeting(meters);
    case "thanks":
      return reply("You're welcome.");
    case "connect":
      return connect();
    case "measure":
      return measure(r, ctx, r.meters.kind === "none" && r.periods.length === 0);
    case "rank":
      return rank(r, ctx);
    case "chart":
      return chart(r, ctx);
    case "chart-edit":
      return editChart(r, ctx);
    case "delete-chart":
      return deleteChart(r, ctx);
    case "share":
      return share(r, ctx);
    case "follow-up": {
      const last = ctx.memory.ask!;
      if (last.kind === "chart") return chart(r, ctx, true);
      if (last.kind === "rank") return rank(r, ctx, true);
      return measure(r, ctx, true);
    }
    case "goal":
    case "battery":
    case "load":
    case "tariff":
      return setting(intent, r, ctx);
    case "run":
    case "plan": {
      const who = metersOf(r, ctx, { site: true });
      if ("ask" in who) return reply(who.ask, who.choices);
      const meter = r.meters.kind === "found" ? who.meters[0] : (siteOf(who.meters[0], meters) ?? who.meters[0]);
      return reply(await ctx.say(intent.kind === "run" ? "run_model" : "explain_plan", { meterId: meter.id }));
    }
    case "alert":
      return alertRule(intent.ask, r, ctx);
    case "annotate":
      return annotate(intent.ask, r, ctx);
    case "list-meters":
      return reply(await ctx.say("list_meters", {}));
    case "list-tabs":
      return reply(await ctx.say("list_tabs", {}));
    case "load-ask":
      return reply(
        `How much energy does the ${intent.name} need, and by when? For example: “the ${intent.name} needs ${intent.name === "car" || intent.name === "EV" ? "30" : "1.5"} kWh by 7 am”.`,
      );
    case "list-tariffs":
      return reply(await ctx.say("list_tariffs", {}));
    case "create-tab":
      return intent.title
        ? reply(await ctx.say("create_tab", { title: intent.title }))
        : reply("What should the new tab be called? e.g. “create a tab called Heating”.");
    default:
      return unknown(r.text, meters);
  }
}

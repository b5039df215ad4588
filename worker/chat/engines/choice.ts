import type { Actor } from "../../actor";
import type { Env } from "../../env";
import type { ChatEngineName } from "../contract";
import type { ChatEngine } from "../engine";
import { offlineEngine } from "./offline";
import { opencodeEngine, opencodeSettings } from "./opencode";

/** Messages that start with a slash are commands, which the offline engine runs exactly as typed. */
const isCommand = (text: string) => text.trimStart().startsWith("/");

/** Who answers messages that are not commands: the LLM through opencode when one is configured. */
export function plainMessageEngine(env: Env): ChatEngineName {
  return opencodeSettings(env) ? "opencode" : "offline";
}

/** The engine for a message: commands always go to the offline engine, other messages to plainMessageEngine's. */
export function engineFor(actor: Actor, text: string): ChatEngine {
  const settings = opencodeSettings(actor.env);
  if (!settings || isCommand(text)) return offlineEngine;
  return opencodeEngine(settings, actor);
}

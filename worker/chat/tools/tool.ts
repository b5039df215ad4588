import type { z } from "zod";
import type { Actor } from "../../actor";
import type { ToolRisk } from "../contract";
import { TOOL_CATALOG, type ToolName } from "./catalog";

export interface ToolContext extends Actor {
  /** Where the call comes from, for provenance of what it creates. */
  sessionId: string;
  sessionTitle: string;
  messageId: string;
  messageAt: string;
  /** The message's words, when known. */
  messageText?: string;
  /** The tab the person picked in the chat, if any. */
  tabId?: string;
}

export interface ToolDefinition<Input extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  risk: ToolRisk;
  input: Input;
  /** Returns a result for the engine (JSON) and a one-line summary for the person. */
  run(context: ToolContext, input: z.infer<Input>): Promise<{ result: unknown; summary: string }>;
}

/** A catalog entry with what it does; each domain's tools.ts implements its own. */
export function implement<Name extends ToolName>(
  name: Name,
  tool: { run(context: ToolContext, input: z.infer<(typeof TOOL_CATALOG)[Name]["input"]>): Promise<{ result: unknown; summary: string }> },
) {
  return { name, ...TOOL_CATALOG[name], run: tool.run } as ToolDefinition<(typeof TOOL_CATALOG)[Name]["input"]> & { name: Name };
}

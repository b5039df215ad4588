import type { z } from "zod";
import { alertTools } from "../../alerts/tools";
import { annotationTools } from "../../annotations/tools";
import { chartTools } from "../../charts/tools";
import { costTools } from "../../costs/tools";
import type { Env } from "../../env";
import { meterTools } from "../../meters/tools";
import { runTools } from "../../runs/tools";
import { seriesTools } from "../../series/tools";
import { shareTools } from "../../shares/tools";
import { tabTools } from "../../tabs/tools";
import { tariffTools } from "../../tariffs/tools";
import type { ChatToolList } from "../contract";
import { plainMessageEngine } from "../engines/choice";
import { describeTools, TOOL_CATALOG } from "./catalog";
import type { ToolDefinition } from "./tool";

const CATALOG_ORDER: string[] = Object.keys(TOOL_CATALOG);

/**
 * What every command in catalog.ts does, gathered from the domains that implement them. One list
 * for the engines, the UI's command list and the API.
 */
export const TOOLS: readonly ToolDefinition<z.ZodType>[] = [
  ...meterTools,
  ...seriesTools,
  ...costTools,
  ...tariffTools,
  ...tabTools,
  ...chartTools,
  ...shareTools,
  ...runTools,
  ...alertTools,
  ...annotationTools,
].sort((a, b) => CATALOG_ORDER.indexOf(a.name) - CATALOG_ORDER.indexOf(b.name));

export function findTool(name: string): ToolDefinition | undefined {
  return TOOLS.find((t) => t.name === name) as ToolDefinition | undefined;
}

/** The UI's command list: every tool with its input's JSON schema, and which engine answers messages that are not commands. */
export function listChatTools(env: Env): ChatToolList {
  return { tools: describeTools(), engine: plainMessageEngine(env) };
}

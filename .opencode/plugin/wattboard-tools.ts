// Wattboard's tools for opencode. opencode loads this plugin at startup (it is in the config dir);
// it registers one opencode tool per Wattboard tool definition, and every call goes back to the
// Worker over HTTP: POST $WATTBOARD_TOOL_URL with {sessionID, messageID, callID, agent, tool, input}
// and "Authorization: Bearer $WATTBOARD_TOOL_SECRET". The Worker maps the opencode session to a
// user, checks its own permissions, runs the tool and answers with the text the model should see.
//
// The tool list is not hard-coded: the launcher writes the Worker's definitions to the JSON file
// named by $WATTBOARD_TOOLS_FILE: [{ "name", "description", "inputSchema": { JSON Schema object } }].
// Keep this file free of runtime imports: opencode runs it inside its own (bun) runtime.

import { readFileSync } from "node:fs";
import type { Hooks, Plugin } from "@opencode-ai/plugin";

interface WattboardToolDefinition {
  name: string;
  description: string;
  inputSchema: { type: "object"; properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };
}

// Names opencode uses for its own tools: a Wattboard tool must not shadow them.
const RESERVED = new Set([
  "invalid",
  "bash",
  "read",
  "glob",
  "grep",
  "edit",
  "write",
  "task",
  "webfetch",
  "todowrite",
  "todoread",
  "websearch",
  "codesearch",
  "skill",
  "apply_patch",
  "patch",
  "lsp",
  "plan",
  "question",
  "list",
  "batch",
  "multiedit",
  "execute",
]);

function loadDefinitions(): WattboardToolDefinition[] {
  const file = process.env.WATTBOARD_TOOLS_FILE;
  if (!file) throw new Error("wattboard plugin: WATTBOARD_TOOLS_FILE is not set");
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`wattboard plugin: ${file} must hold a JSON array`);
  return parsed.map((raw, i) => {
    const def = raw as WattboardToolDefinition;
    if (typeof def?.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(def.name)) {
      throw new Error(`wattboard plugin: tool #${i} has no valid name`);
    }
    if (RESERVED.has(def.name)) throw new Error(`wattboard plugin: tool name "${def.name}" is reserved by opencode`);
    if (typeof def.description !== "string") throw new Error(`wattboard plugin: tool ${def.name} has no description`);
    if (def.inputSchema?.type !== "object") throw new Error(`wattboard plugin: tool ${def.name} needs an object inputSchema`);
    return def;
  });
}

async function callWorker(
  tool: string,
  input: unknown,
  context: { sessionID: string; messageID: string; agent: string; abort: AbortSignal; callID?: string },
): Promise<string> {
  const url = process.env.WATTBOARD_TOOL_URL;
  const secret = process.env.WATTBOARD_TOOL_SECRET;
  if (!url || !secret) throw new Error("wattboard plugin: WATTBOARD_TOOL_URL and WATTBOARD_TOOL_SECRET must be set");
  const timeoutMs = Number(process.env.WATTBOARD_TOOL_TIMEOUT_MS ?? 120_000);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({
      sessionID: context.sessionID,
      messageID: context.messageID,
      callID: context.callID,
      agent: context.agent,
      tool,
      input,
    }),
    signal: AbortSignal.any([context.abort, AbortSignal.timeout(timeoutMs)]),
  });
  const text = await response.text();
  // A failure becomes a tool error the model sees (opencode marks the tool part "error").
  if (!response.ok) throw new Error(`Wattboard tool ${tool} failed (HTTP ${response.status}): ${text.slice(0, 2000)}`);
  return text;
}

export const WattboardTools: Plugin = async () => {
  const definitions = loadDefinitions();
  const byName = new Map(definitions.map((def) => [def.name, def]));
  const tool: NonNullable<Hooks["tool"]> = {};
  for (const def of definitions) {
    // opencode 1.18 accepts plain JSON Schema values in `args` (one per property) instead of zod;
    // it does not validate them: the Worker validates the input.
    tool[def.name] = {
      description: def.description,
      args: (def.inputSchema.properties ?? {}) as never,
      execute: (input, context) => callWorker(def.name, input, context as typeof context & { callID?: string }),
    };
  }
  return {
    tool,
    // From JSON-Schema args opencode builds {properties, required: every key}; send the Worker's own
    // schema instead so optional fields stay optional.
    "tool.definition": async (input, output) => {
      const def = byName.get(input.toolID);
      if (def) (output as { jsonSchema?: unknown }).jsonSchema = def.inputSchema;
    },
    // opencode.json denies every permission ("*": "deny"), which also hides the built-in tools;
    // allow exactly the Wattboard tools.
    config: async (config) => {
      const permission = (config.permission ?? {}) as Record<string, unknown>;
      for (const def of definitions) permission[def.name] = "allow";
      config.permission = permission as typeof config.permission;
    },
  };
};

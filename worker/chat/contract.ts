import { z } from "zod";

export const ToolPermission = z.enum(["allow", "ask", "deny"]);
export type ToolPermission = z.infer<typeof ToolPermission>;

/** Tool name → permission; tools not listed fall back to the default for their risk. */
export const ToolPermissions = z.record(z.string().regex(/^[a-z_]+$/), ToolPermission);
export type ToolPermissions = z.infer<typeof ToolPermissions>;

export const AgentBody = z
  .object({
    name: z.string().trim().min(1).max(60),
    instructions: z.string().max(4_000).default(""),
    permissions: ToolPermissions.default({}),
  })
  .strict();

export const Agent = z
  .object({ id: z.string(), name: z.string(), instructions: z.string(), permissions: ToolPermissions, builtIn: z.boolean() })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof Agent>;

/** Chat-wide rules override every agent (e.g. {"set_goal": "ask"}). */
export const ChatSettings = z
  .object({ rules: ToolPermissions, askTimeoutSeconds: z.int().min(5).max(600).default(60) })
  .strict()
  .meta({ id: "ChatSettings" });
export type ChatSettings = z.infer<typeof ChatSettings>;

export const PermissionDecision = z.enum(["once", "always", "deny"]);
export type PermissionDecision = z.infer<typeof PermissionDecision>;

export const ToolCallRecord = z.object({
  id: z.string(),
  messageId: z.string(),
  agent: z.string(),
  tool: z.string(),
  input: z.unknown(),
  /** allow: by rule; once/always: the person approved; deny: refused by rule or person; timeout: nobody answered. */
  decision: z.enum(["allow", "once", "always", "deny", "timeout"]),
  result: z.unknown(),
  error: z.string().nullable(),
  at: z.string(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;

/** "summary" replaces older turns when a long session is compressed to fit the model's context. */
export const ChatRole = z.enum(["user", "assistant", "tool", "summary"]);
export type ChatRole = z.infer<typeof ChatRole>;

export const ChatMessage = z.object({ id: z.string(), role: ChatRole, text: z.string(), at: z.string() });
export type ChatMessage = z.infer<typeof ChatMessage>;

/** The message an LLM engine is answering, kept while its turn runs so tool calls know their context. */
export const EngineTurnContext = z.object({
  chatSessionId: z.string(),
  sessionTitle: z.string(),
  messageId: z.string(),
  messageAt: z.string(),
  agentId: z.string(),
  tabId: z.string().optional(),
  origin: z.string(),
});
export type EngineTurnContext = z.infer<typeof EngineTurnContext>;

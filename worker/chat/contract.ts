import { z } from "zod";

/**
 * How much a tool can change: read tools only look, write tools change the user's dashboards
 * or meters, share tools make something visible outside the account. Defaults follow from it.
 */
export const ToolRisk = z.enum(["read", "write", "share"]);
export type ToolRisk = z.infer<typeof ToolRisk>;

export const ToolPermission = z.enum(["allow", "ask", "deny"]);
export type ToolPermission = z.infer<typeof ToolPermission>;

/** Tool name → permission; tools not listed fall back to the default for their risk. */
export const ToolPermissions = z.record(z.string().regex(/^[a-z_]+$/), ToolPermission);
export type ToolPermissions = z.infer<typeof ToolPermissions>;

const DEFAULT_PERMISSION_BY_RISK: Record<ToolRisk, ToolPermission> = { read: "allow", write: "ask", share: "ask" };

/**
 * Chat-wide rule, else the agent's own setting, else the default for the tool's risk. The Worker
 * enforces it; the web app shows it (which commands will ask first).
 */
export function permissionFor(
  tool: { name: string; risk: ToolRisk },
  agent: { permissions: ToolPermissions },
  chatRules: ToolPermissions,
): ToolPermission {
  return chatRules[tool.name] ?? agent.permissions[tool.name] ?? DEFAULT_PERMISSION_BY_RISK[tool.risk];
}

const AgentName = z.string().trim().min(1).max(60);
const AgentInstructions = z.string().max(4_000);

export const CreateAgentBody = z
  .object({ name: AgentName, instructions: AgentInstructions.default(""), permissions: ToolPermissions.default({}) })
  .strict()
  .meta({ id: "CreateAgentBody" });

/** Only what is sent changes: no defaults here, or a rename would wipe the instructions. */
export const UpdateAgentBody = z
  .object({ name: AgentName, instructions: AgentInstructions, permissions: ToolPermissions })
  .partial()
  .strict()
  .meta({ id: "UpdateAgentBody" });

export const Agent = z
  .object({ id: z.string(), name: z.string(), instructions: z.string(), permissions: ToolPermissions, builtIn: z.boolean() })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof Agent>;

export const AgentList = z.object({ agents: z.array(Agent) }).meta({ id: "AgentList" });
export type AgentList = z.infer<typeof AgentList>;

/** Chat-wide rules override every agent (e.g. {"set_goal": "ask"}); a question to the person waits askTimeoutSeconds. */
export const ChatSettings = z.object({ rules: ToolPermissions, askTimeoutSeconds: z.int() }).meta({ id: "ChatSettings" });
export type ChatSettings = z.infer<typeof ChatSettings>;

export const ChatSettingsBody = z
  .object({ rules: ToolPermissions, askTimeoutSeconds: z.int().min(5).max(600).default(60) })
  .strict()
  .meta({ id: "ChatSettingsBody" });

export const PermissionDecision = z.enum(["once", "always", "deny"]);
export type PermissionDecision = z.infer<typeof PermissionDecision>;

export const AnswerPermissionBody = z.object({ decision: PermissionDecision }).strict().meta({ id: "AnswerPermissionBody" });

export const PermissionAnswered = z.object({ answered: z.literal(true) }).meta({ id: "PermissionAnswered" });
export type PermissionAnswered = z.infer<typeof PermissionAnswered>;

/** The payload of a "permission.request" event: a tool call waiting for the person's answer. */
export const PermissionRequest = z.object({
  id: z.string(),
  sessionId: z.string(),
  tool: z.string(),
  input: z.unknown(),
  agent: z.string(),
  summary: z.string(),
  timeoutSeconds: z.int(),
});
export type PermissionRequest = z.infer<typeof PermissionRequest>;

export const ToolCallRecord = z
  .object({
    id: z.string(),
    messageId: z.string(),
    agent: z.string(),
    tool: z.string(),
    input: z.unknown(),
    /** allow: by rule; once/always: the person approved; deny: refused by rule or person; timeout: nobody answered. */
    decision: z.enum(["allow", "once", "always", "deny", "timeout"]),
    result: z.unknown(),
    /** The tool's one-line summary of what it did; null when it did not run (and for calls recorded before summaries were kept). */
    summary: z.string().nullable(),
    error: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: "ChatToolCall" });
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;

/** "summary" replaces older turns when a long session is compressed to fit the model's context. */
export const ChatRole = z.enum(["user", "assistant", "tool", "summary"]);
export type ChatRole = z.infer<typeof ChatRole>;

/** A button under an answer: its label, and the message sent when it is clicked. */
export const ChatChoice = z.object({ label: z.string(), text: z.string() }).meta({ id: "ChatChoice" });
export type ChatChoice = z.infer<typeof ChatChoice>;

export const ChatMessage = z
  .object({ id: z.string(), role: ChatRole, text: z.string(), at: z.string(), choices: z.array(ChatChoice).optional() })
  .meta({ id: "ChatMessage" });
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A session's messages and its tool calls; a turn answers with the part it added. */
export const ChatTranscript = z
  .object({ messages: z.array(ChatMessage), toolCalls: z.array(ToolCallRecord) })
  .meta({ id: "ChatTranscript" });
export type ChatTranscript = z.infer<typeof ChatTranscript>;

export const ChatSession = z
  .object({ id: z.string(), title: z.string(), agentId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: "ChatSession" });
export type ChatSession = z.infer<typeof ChatSession>;

export const ChatSessionList = z.object({ sessions: z.array(ChatSession) }).meta({ id: "ChatSessionList" });
export type ChatSessionList = z.infer<typeof ChatSessionList>;

const SessionTitle = z.string().trim().min(1).max(120);

/** The title of a session started without one, until its first message names it (sessionTitleFrom). */
export const DEFAULT_SESSION_TITLE = "New chat";

/** A session's title taken from its first message: the message itself, cut at 48 characters. */
export const sessionTitleFrom = (text: string) => (text.length > 48 ? `${text.slice(0, 47).trim()}…` : text);
/** A built-in agent's name ("analyst") or the id of the person's own. */
const AgentId = z.string().min(1).max(64);

export const CreateChatSessionBody = z
  .object({ title: SessionTitle.optional(), agentId: AgentId.optional() })
  .strict()
  .meta({ id: "CreateChatSessionBody" });
export type CreateChatSessionBody = z.infer<typeof CreateChatSessionBody>;

/** agentId null: back to the default agent. */
export const UpdateChatSessionBody = z
  .object({ title: SessionTitle.optional(), agentId: AgentId.nullable().optional() })
  .strict()
  .meta({ id: "UpdateChatSessionBody" });
export type UpdateChatSessionBody = z.infer<typeof UpdateChatSessionBody>;

export const SendChatMessageBody = z
  .object({ text: z.string().trim().min(1, "write a message first").max(8_000), tabId: z.uuid().optional(), agentId: AgentId.optional() })
  .strict()
  .meta({ id: "SendChatMessageBody" });
export type SendChatMessageBody = z.infer<typeof SendChatMessageBody>;

/** Who answers messages that are not commands: the offline command engine or an LLM through opencode. */
export const ChatEngineName = z.enum(["offline", "opencode"]).meta({ id: "ChatEngineName" });
export type ChatEngineName = z.infer<typeof ChatEngineName>;

/** A command the chat can run, as the engines and the UI's command list see it. */
export const ChatTool = z
  .object({
    name: z.string(),
    description: z.string(),
    risk: ToolRisk,
    inputSchema: z
      .object({
        type: z.literal("object"),
        properties: z.record(z.string(), z.unknown()).optional(),
        required: z.array(z.string()).optional(),
      })
      .loose()
      .describe("JSON Schema of the input"),
  })
  .meta({ id: "ChatTool" });
export type ChatTool = z.infer<typeof ChatTool>;

export const ChatToolList = z.object({ tools: z.array(ChatTool), engine: ChatEngineName }).meta({ id: "ChatToolList" });
export type ChatToolList = z.infer<typeof ChatToolList>;

/** A tool call the opencode server makes back to the Worker for one of its sessions. */
export const EngineToolCallBody = z
  .object({
    sessionID: z.string().min(1).max(200),
    messageID: z.string().max(200).optional(),
    callID: z.string().max(200).optional(),
    agent: z.string().max(200).optional(),
    tool: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict()
  .meta({ id: "EngineToolCallBody" });

/** What the model reads back: the result and a one-line summary, or why the tool did not run. */
export const ToolOutcome = z
  .union([
    z.object({ ok: z.literal(true), summary: z.string(), result: z.unknown() }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ])
  .meta({ id: "ChatToolOutcome" });
export type ToolOutcome = z.infer<typeof ToolOutcome>;

/** The message an LLM engine is answering, kept while its turn runs so tool calls know their context. */
export const EngineTurnContext = z.object({
  chatSessionId: z.string(),
  sessionTitle: z.string(),
  messageId: z.string(),
  messageAt: z.string(),
  /** What the person said: a rule made in the turn quotes it. Absent in turns stored before it was kept. */
  messageText: z.string().optional(),
  agentId: z.string(),
  tabId: z.string().optional(),
  origin: z.string(),
  /** The home the turn acts in (absent in turns stored before homes: the personal home). */
  homeId: z.string().optional(),
});
export type EngineTurnContext = z.infer<typeof EngineTurnContext>;

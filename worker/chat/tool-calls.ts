import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { canEdit, roleRefusal } from "../homes/policy";
import { membership } from "../homes/queries";
import { requireAgent } from "./agents";
import { type Agent, type ChatSettings, type EngineTurnContext, permissionFor, type ToolCallRecord, type ToolOutcome } from "./contract";
import type { EngineTools } from "./engine";
import { findByEngineSessionId } from "./engine-sessions-queries";
import { getChatSettings } from "./permissions";
import { findTool } from "./tools/registry";

/** What the record says of a call that did not run, and what the engine reads about it. */
const REFUSALS = {
  deny: { recorded: "the person declined", told: (tool: string) => `the person declined ${tool}` },
  timeout: { recorded: "nobody answered in time", told: (tool: string) => `nobody approved ${tool} in time, so it did not run` },
};

/**
 * The registry's tools as one turn may use them: each call is validated, checked against the
 * chat-wide rules, then the agent's permissions (asking the person over their sockets when
 * needed; "always" holds for the rest of the session), run as the user, recorded in the session
 * and announced. Every engine goes through here, whether it calls in-process (offline) or back
 * over HTTP (opencode).
 */
export function turnTools(actor: Actor, turn: EngineTurnContext, agent: Agent, settings: ChatSettings): EngineTools {
  const hub = userHub(actor.env, actor.userId);
  const sessionId = turn.chatSessionId;
  return {
    async call(name, input): Promise<ToolOutcome> {
      const tool = findTool(name);
      if (!tool) return { ok: false, error: `there is no tool called ${name}` };
      const parsed = tool.input.safeParse(input);
      if (!parsed.success)
        return {
          ok: false,
          error: `invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`,
        };
      const record = async (decision: ToolCallRecord["decision"], result: unknown, summary: string | null, error: string | null) => {
        const call = await hub.recordToolCall(sessionId, {
          messageId: turn.messageId,
          agent: agent.id,
          tool: name,
          input: parsed.data,
          decision,
          result,
          summary,
          error,
        });
        await hub.publish("chat.tool", { sessionId, call });
      };

      let decision: ToolCallRecord["decision"] = "allow";
      // The member's role comes before the agent's permissions: a viewer's chat reads and answers, and changes nothing.
      if (tool.risk !== "read" && !canEdit(actor)) {
        const refusal = roleRefusal(actor, "editor");
        await record("deny", null, null, refusal);
        return { ok: false, error: `${name} did not run: ${refusal}` };
      }
      const permission = permissionFor(tool, agent, settings.rules);
      if (permission === "deny") {
        await record("deny", null, null, "not allowed by the chat's permissions");
        return { ok: false, error: `${name} is not allowed for ${agent.name} (change it in the chat's permissions)` };
      }
      if (permission === "ask") {
        if (await hub.hasToolGrant(sessionId, name)) {
          decision = "always";
        } else {
          decision = await hub.askPermission(
            { sessionId, tool: name, input: parsed.data, agent: agent.name, summary: `${agent.name} wants to run ${name}` },
            settings.askTimeoutSeconds * 1000,
          );
          if (decision === "deny" || decision === "timeout") {
            await record(decision, null, null, REFUSALS[decision].recorded);
            return { ok: false, error: REFUSALS[decision].told(name) };
          }
          if (decision === "always") await hub.grantTool(sessionId, name);
        }
      }
      try {
        const { result, summary } = await tool.run(
          {
            db: actor.db,
            env: actor.env,
            userId: actor.userId,
            homeId: actor.homeId,
            role: actor.role,
            sessionId,
            sessionTitle: turn.sessionTitle,
            messageId: turn.messageId,
            messageAt: turn.messageAt,
            messageText: turn.messageText,
            tabId: turn.tabId,
            origin: turn.origin,
          },
          parsed.data,
        );
        await record(decision, result, summary, null);
        return { ok: true, summary, result };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        await record(decision, null, null, error.message);
        return { ok: false, error: error.message };
      }
    },
  };
}

/**
 * A tool call an LLM engine makes back to the Worker, identified only by its own session id:
 * finds whose chat that is and which message is being answered, then goes through the same
 * checks as any other call. No turn in progress reads as a missing session.
 */
export async function runEngineToolCall(
  db: Database,
  env: Env,
  engineSessionId: string,
  name: string,
  input: unknown,
): Promise<ToolOutcome> {
  const link = await findByEngineSessionId(db, engineSessionId);
  if (!link?.turn) throw notFound("Chat turn");
  // The turn acts in the home it started in, with the role the person has there now: a member
  // removed meanwhile gets nothing done.
  const homeId = link.turn.homeId ?? link.ownerId;
  const role = await membership(db, link.ownerId, homeId);
  if (!role) throw notFound("Home");
  const actor: Actor = { db, env, userId: link.ownerId, homeId, role, origin: link.turn.origin };
  const agent = await requireAgent(actor, link.turn.agentId);
  return turnTools(actor, link.turn, agent, await getChatSettings(actor)).call(name, input);
}

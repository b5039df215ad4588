import { createOpencodeClient, type Event, type Part } from "@opencode-ai/sdk/v2/client";
import { userHub } from "../../../durable-objects/user-hub/stub";
import type { Actor } from "../../actor";
import type { Env } from "../../env";
import { carriedContext, liveTranscript, parseEngineSummary, SUMMARY_REQUEST } from "../compaction";
import type { ChatTranscript } from "../contract";
import type { ChatEngine, ChatRef } from "../engine";
import { deleteEngineSessions, findEngineSession, linkEngineSession, setEngineTurn } from "../engine-sessions-queries";
import { TOOL_NAMES } from "../tools/catalog";
import { systemPrompt } from "./opencode-prompt";

const ENGINE = "opencode";
/** The base agent in .opencode/agent/; the person's agent is layered on per prompt. */
const BASE_AGENT = "wattboard";
const DELTA_FLUSH_MS = 60;
const CONNECT_TIMEOUT_MS = 5_000;
const TRAILING_EVENTS_MS = 3_000;

export interface OpencodeSettings {
  url: string;
  authorization?: string;
  contextTokens: number;
  /** A turn with no sign of life from the model for this long (tools waiting excepted) is ended. */
  idleTimeoutMs: number;
}

/** opencode is used when OPENCODE_URL is set (scripts/dev.ts sets it when an LLM is configured). */
export function opencodeSettings(env: Env): OpencodeSettings | undefined {
  if (!env.OPENCODE_URL) return undefined;
  const number = (value: string | undefined, fallback: number) => (value && Number(value) > 0 ? Number(value) : fallback);
  return {
    url: env.OPENCODE_URL,
    authorization: env.OPENCODE_PASSWORD ? `Basic ${btoa(`opencode:${env.OPENCODE_PASSWORD}`)}` : undefined,
    contextTokens: number(env.OPENCODE_CONTEXT_TOKENS, 128_000),
    idleTimeoutMs: number(env.OPENCODE_IDLE_TIMEOUT_SECONDS, 60) * 1000,
  };
}

class EngineUnavailable extends Error {}
class IdleTimeout extends Error {}

const OFFLINE_HINT = "Commands still work without it: type /help for the list (e.g. /chart power site-1 last 7d).";

/** What the person reads when opencode cannot answer; never the raw error (it may name hosts). */
function failureAnswer(error: unknown, idleSeconds: number): string {
  if (error instanceof IdleTimeout)
    return `The language model stopped answering (nothing for ${idleSeconds} s), so I ended this turn. Try again in a moment. ${OFFLINE_HINT}`;
  return `I cannot reach the language model right now, so I could not answer. ${OFFLINE_HINT}`;
}

/**
 * The LLM engine: one opencode session per chat session, the person's agent and context passed
 * per prompt, tools called back to the Worker (worker/routes/engine-tools.ts) where the same
 * permissions apply, and the answer streamed to the person's sockets as it is written.
 */
export function opencodeEngine(settings: OpencodeSettings, actor: Pick<Actor, "db" | "env" | "userId">): ChatEngine {
  const client = createOpencodeClient({
    baseUrl: settings.url,
    headers: settings.authorization ? { authorization: settings.authorization } : undefined,
  });
  const hub = userHub(actor.env, actor.userId);

  /** The chat's opencode session, created (with what it must remember) when it has none or the server lost it. */
  async function openSession(chat: ChatRef, transcript: ChatTranscript): Promise<{ id: string; carried?: string }> {
    const linked = await findEngineSession(actor.db, actor.userId, chat.chatSessionId, ENGINE);
    if (linked) {
      const existing = await client.session.get({ sessionID: linked.engineSessionId }).catch((error) => {
        throw new EngineUnavailable(String(error));
      });
      if (existing.data) return { id: linked.engineSessionId };
    }
    const created = await client.session.create({ title: chat.sessionTitle }).catch((error) => {
      throw new EngineUnavailable(String(error));
    });
    if (!created.data) throw new EngineUnavailable(`session.create answered ${created.response?.status}`);
    await linkEngineSession(actor.db, actor.userId, chat.chatSessionId, ENGINE, created.data.id);
    return { id: created.data.id, carried: carriedContext(transcript) };
  }

  /**
   * Runs one prompt while following the server's events for the session: text deltas go to the
   * person's sockets, and a model that goes quiet (no event, no tool running) ends the turn.
   */
  async function prompt(
    sessionID: string,
    body: { system: string; text: string; tools?: Record<string, boolean> },
    onDelta?: (text: string) => void,
  ): Promise<string> {
    const turnAbort = new AbortController();
    const events = new AbortController();
    const partTypes = new Map<string, Part["type"]>();
    const runningTools = new Set<string>();
    let lastActivity = Date.now();
    let idle = false;

    let connected!: () => void;
    const connection = new Promise<void>((resolve) => (connected = resolve));
    let settled!: () => void;
    const idleAgain = new Promise<void>((resolve) => (settled = resolve));
    const following = (async () => {
      const { stream } = await client.event.subscribe({}, { signal: events.signal });
      for await (const event of stream as AsyncIterable<Event>) {
        connected();
        const properties = event.properties as { sessionID?: string; part?: Part };
        if ((properties.sessionID ?? properties.part?.sessionID) !== sessionID) continue;
        lastActivity = Date.now();
        if (event.type === "session.idle") settled();
        else if (event.type === "message.part.updated") {
          const part = event.properties.part;
          partTypes.set(part.id, part.type);
          if (part.type === "tool") {
            if (part.state.status === "pending" || part.state.status === "running") runningTools.add(part.id);
            else runningTools.delete(part.id);
          }
        } else if (
          event.type === "message.part.delta" &&
          event.properties.field === "text" &&
          partTypes.get(event.properties.partID) !== "reasoning"
        ) {
          onDelta?.(event.properties.delta);
        }
      }
    })().catch(() => connected());
    await Promise.race([connection, new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS))]);

    const watchdog = setInterval(() => {
      if (runningTools.size === 0 && Date.now() - lastActivity > settings.idleTimeoutMs) {
        idle = true;
        turnAbort.abort();
        void client.session.abort({ sessionID }).catch(() => {});
      }
    }, 500);
    try {
      const answer = await client.session.prompt(
        { sessionID, agent: BASE_AGENT, system: body.system, tools: body.tools, parts: [{ type: "text", text: body.text }] },
        { signal: turnAbort.signal },
      );
      if (idle) throw new IdleTimeout();
      // The answer's events can trail the HTTP answer: follow them until the session is idle.
      await Promise.race([idleAgain, new Promise((resolve) => setTimeout(resolve, TRAILING_EVENTS_MS))]);
      if (!answer.data)
        throw new EngineUnavailable(`session.prompt answered ${answer.response?.status}: ${JSON.stringify(answer.error).slice(0, 300)}`);
      const text = answer.data.parts
        .flatMap((part) => (part.type === "text" && !part.synthetic ? [part.text] : []))
        .join("")
        .trim();
      const failure = answer.data.info.error;
      if (failure && !text) return `The language model failed (${failure.name}). Try again, or use the commands: /help lists them.`;
      return text || "(The model finished without writing an answer.)";
    } catch (error) {
      if (idle) throw new IdleTimeout();
      throw error instanceof EngineUnavailable ? error : new EngineUnavailable(String(error));
    } finally {
      clearInterval(watchdog);
      events.abort();
      await following;
    }
  }

  return {
    name: ENGINE,
    contextTokens: settings.contextTokens,

    async respond(turn) {
      let sessionID: string | undefined;
      const pending: string[] = [];
      let flushing: Promise<unknown> = Promise.resolve();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = () => {
        timer = undefined;
        const delta = pending.splice(0).join("");
        if (delta)
          flushing = flushing
            .then(() => hub.publish("chat.delta", { sessionId: turn.context.chatSessionId, messageId: turn.replyId, delta }))
            .catch(() => {});
      };
      try {
        const session = await openSession(turn.context, turn.transcript);
        sessionID = session.id;
        await setEngineTurn(actor.db, sessionID, turn.context);
        const text = await prompt(
          sessionID,
          { system: systemPrompt(turn, liveTranscript(turn.transcript).summary?.text, session.carried), text: turn.text },
          (delta) => {
            pending.push(delta);
            timer ??= setTimeout(flush, DELTA_FLUSH_MS);
          },
        );
        return { text };
      } catch (error) {
        console.error(
          `opencode engine: ${error instanceof IdleTimeout ? `no sign of life for ${settings.idleTimeoutMs} ms` : error instanceof Error ? error.message : String(error)}`,
        );
        return { text: failureAnswer(error, Math.round(settings.idleTimeoutMs / 1000)) };
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        flush();
        // Every delta is out before the answer is announced, so none lands after it.
        await flushing;
        if (sessionID) await setEngineTurn(actor.db, sessionID, null).catch(() => {});
      }
    },

    async summarize(chat, transcript) {
      const session = await openSession(chat, transcript);
      const noTools = Object.fromEntries(TOOL_NAMES.map((name) => [name, false]));
      const answer = await prompt(session.id, { system: session.carried ?? "", text: SUMMARY_REQUEST, tools: noTools });
      return parseEngineSummary(answer);
    },

    async forget(chat) {
      const linked = await findEngineSession(actor.db, actor.userId, chat.chatSessionId, ENGINE);
      await deleteEngineSessions(actor.db, actor.userId, chat.chatSessionId);
      if (linked) await client.session.delete({ sessionID: linked.engineSessionId }).catch(() => {});
    },
  };
}

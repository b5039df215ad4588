import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { DEFAULT_SESSION_TITLE, sessionTitleFrom } from "../../../worker/chat/contract";
import {
  type Agent,
  type ChatEngineName,
  type ChatMessage,
  type ChatSession,
  type ChatSettings,
  type ChatTool,
  chatApi,
  type PermissionDecision,
  type ToolCallRecord,
} from "../api/chat";
import { errorText } from "../api/client";
import { wattboard } from "../api/wattboard";
import type { LiveChannel } from "../live-socket";
import { conversationReducer, emptyConversation } from "./conversation-state";
import { noteToolCall } from "./dashboard-link";
import type { Toast } from "./Toasts";
import { toolCallSentence, toolLabel } from "./tool-words";

const LAST_SESSION_KEY = "wattboard.chat.session";
const DEFAULT_AGENT = "analyst";

/**
 * The payload of a "permission.request" event. Typed here, not from the server: live-contract.ts
 * does not define event payloads (UserHub.askPermission in durable-objects/user-hub/user-hub.ts publishes it).
 */
interface PermissionRequest {
  id: string;
  sessionId: string;
  tool: string;
  input: unknown;
  agent: string;
  summary: string;
  timeoutSeconds: number;
}

export interface OpenRequest extends PermissionRequest {
  /** ms since epoch when the server stops waiting. */
  deadline: number;
  answering?: PermissionDecision;
}

/** A message typed while the session's turn was running: sent, in order, once the turn ends. */
export interface QueuedMessage {
  id: string;
  sessionId: string;
  text: string;
  tabId: string | undefined;
}

/**
 * The chat's state: sessions, agents, the open conversation (streamed in from the live channel),
 * permission requests, and the actions on them. Lists load the first time the panel opens;
 * live events are followed from the start, so a request never goes unseen.
 */
export function useChat(live: LiveChannel | null, open: boolean, notify: (toast: Omit<Toast, "id">) => void, reveal: () => void) {
  const [sessions, setSessions] = useState<ChatSession[] | null>(null);
  const [sessionId, setSessionId] = useState<string | null>(() => localStorage.getItem(LAST_SESSION_KEY));
  const [agents, setAgents] = useState<Agent[]>([]);
  const [draftAgentId, setDraftAgentId] = useState(DEFAULT_AGENT);
  const [tools, setTools] = useState<ChatTool[]>([]);
  const [engine, setEngine] = useState<ChatEngineName | null>(null);
  const [settings, setSettings] = useState<ChatSettings | null>(null);
  const [meterNames, setMeterNames] = useState<string[]>([]);
  const [requests, setRequests] = useState<OpenRequest[]>([]);
  const [queued, setQueued] = useState<QueuedMessage[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [conversation, dispatch] = useReducer(conversationReducer, emptyConversation);
  const shown = useRef(conversation);
  shown.current = conversation;
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);
  const callbacks = useRef({ notify, reveal, open, tools });
  callbacks.current = { notify, reveal, open, tools };

  const loaded = useRef(false);
  useEffect(() => {
    if (!open || loaded.current) return;
    loaded.current = true;
    chatApi.listSessions().then((list) => {
      setSessions(list);
      setSessionId((id) => (id && list.some((s) => s.id === id) ? id : (list[0]?.id ?? null)));
      setReady(true);
    }, report);
    chatApi.agents().then(setAgents, report);
    chatApi.tools().then(
      (r) => {
        setTools(r.tools);
        setEngine(r.engine);
      },
      () => {},
    );
    chatApi.settings().then(setSettings, () => {});
    wattboard.listMeters().then(
      (meters) => setMeterNames(meters.map((m) => m.name)),
      () => {},
    );
  }, [open, report]);

  // Open the picked session's transcript (unless it is already shown: a session just created by sending).
  useEffect(() => {
    if (sessionId) localStorage.setItem(LAST_SESSION_KEY, sessionId);
    else localStorage.removeItem(LAST_SESSION_KEY);
    if (!ready || shown.current.sessionId === sessionId) return;
    dispatch({ type: "open", sessionId });
    if (!sessionId) return;
    let cancelled = false;
    chatApi.transcript(sessionId).then((transcript) => !cancelled && dispatch({ type: "open", sessionId, transcript }), report);
    return () => {
      cancelled = true;
    };
  }, [sessionId, ready, report]);

  useEffect(
    () =>
      live?.subscribe((event) => {
        const payload = event.payload as Record<string, unknown>;
        if (event.type === "chat.tool") {
          const call = payload.call as ToolCallRecord;
          dispatch({ type: "tool", sessionId: payload.sessionId as string, call });
          // A read tool's result is in the answer itself; a toast is for what changed or failed.
          const readOnly = callbacks.current.tools.find((t) => t.name === call.tool)?.risk === "read";
          if (call.error || !readOnly) callbacks.current.notify({ text: toolCallSentence(call), tone: call.error ? "warn" : "ok" });
        } else if (event.type === "chat.message") {
          const sessionOfEvent = payload.sessionId as string;
          // Another browser tab's turn: its question is not in the event, so read the whole transcript.
          if (sessionOfEvent === shown.current.sessionId && !shown.current.pendingTurn) {
            chatApi.transcript(sessionOfEvent).then(
              (transcript) => dispatch({ type: "open", sessionId: sessionOfEvent, transcript }),
              () => {},
            );
          } else dispatch({ type: "message", sessionId: sessionOfEvent, message: payload.message as ChatMessage });
        } else if (event.type === "chat.compacted") {
          dispatch({
            type: "summary",
            sessionId: payload.sessionId as string,
            message: payload.message as ChatMessage,
            afterMessageId: payload.afterMessageId as string,
          });
          callbacks.current.notify({
            text: `Earlier messages were summarized to fit the model's context (${payload.messagesSummarized} messages)`,
            tone: "ok",
          });
        } else if (event.type === "chat.delta") {
          dispatch({
            type: "delta",
            sessionId: payload.sessionId as string,
            messageId: payload.messageId as string,
            text: String(payload.delta ?? ""),
          });
        } else if (event.type === "permission.request") {
          const request = payload as unknown as PermissionRequest;
          setRequests((all) => [
            ...all.filter((r) => r.id !== request.id),
            { ...request, deadline: Date.now() + request.timeoutSeconds * 1000 },
          ]);
          if (!callbacks.current.open)
            callbacks.current.notify({
              text: `${request.agent} asks to ${toolLabel(request.tool).toLowerCase()}`,
              tone: "warn",
              action: { label: "Review", run: callbacks.current.reveal },
            });
        } else if (event.type === "permission.resolved") {
          setRequests((all) => all.filter((r) => r.id !== payload.id));
        }
      }),
    [live],
  );

  const session = sessions?.find((s) => s.id === sessionId) ?? null;
  const agentId = session?.agentId ?? draftAgentId;
  const agent = agents.find((a) => a.id === agentId) ?? agents[0];

  const touch = (updated: ChatSession) => setSessions((all) => [updated, ...(all ?? []).filter((s) => s.id !== updated.id)]);

  // A turn can wait on a permission answer for a minute: what the person types meanwhile waits here
  // and leaves, one message per turn, when the session's turn is over.
  const nextQueued = queued.find((q) => q.sessionId === conversation.sessionId);
  // biome-ignore lint/correctness/useExhaustiveDependencies: deliver is a new function each render; the triggers are the turn ending and the next queued message.
  useEffect(() => {
    if (!nextQueued || conversation.pendingTurn) return;
    setQueued((all) => all.filter((q) => q !== nextQueued));
    void deliver(nextQueued.text, nextQueued.tabId);
  }, [nextQueued, conversation.pendingTurn]);

  function send(text: string, tabId: string | undefined) {
    const running = shown.current;
    if (running.sessionId && running.pendingTurn) {
      const sessionOfTurn = running.sessionId;
      setQueued((all) => [...all, { id: crypto.randomUUID(), sessionId: sessionOfTurn, text, tabId }]);
      return;
    }
    void deliver(text, tabId);
  }

  async function deliver(text: string, tabId: string | undefined) {
    setError(null);
    let id = sessionId;
    try {
      if (!id) {
        const created = await chatApi.createSession({ title: sessionTitleFrom(text), agentId });
        id = created.id;
        dispatch({ type: "open", sessionId: id, transcript: { messages: [], toolCalls: [] } });
        touch(created);
        setSessionId(id);
      }
    } catch (caught) {
      return report(caught);
    }
    // The server names an untitled session ("+") from its first message; the list shows the same name at once.
    const named = sessions?.find((s) => s.id === id);
    if (named?.title === DEFAULT_SESSION_TITLE && shown.current.messages.length === 0) touch({ ...named, title: sessionTitleFrom(text) });
    const localId = `local-${crypto.randomUUID()}`;
    dispatch({ type: "sent", sessionId: id, localId, text });
    try {
      const transcript = await chatApi.send(id, { text, tabId, agentId });
      dispatch({ type: "turn", sessionId: id, localId, transcript });
      transcript.toolCalls.forEach(noteToolCall);
      setSessions((all) => {
        const current = all?.find((s) => s.id === id);
        return current ? [{ ...current, updatedAt: new Date().toISOString() }, ...all!.filter((s) => s !== current)] : all;
      });
    } catch (caught) {
      dispatch({ type: "failed", sessionId: id, localId, error: errorText(caught) });
    }
  }

  async function pickAgent(next: string) {
    const picked = agents.find((a) => a.id === next);
    setDraftAgentId(next);
    if (session) {
      touch({ ...session, agentId: next });
      // Only the agent comes from this answer: a first message sent meanwhile has named the session,
      // and an answer that left before it would put "New chat" back.
      chatApi
        .updateSession(session.id, { agentId: next })
        .then(
          (updated) => setSessions((all) => (all ?? []).map((s) => (s.id === updated.id ? { ...s, agentId: updated.agentId } : s))),
          report,
        );
    }
    if (picked) {
      const asks = Object.entries(picked.permissions)
        .filter(([, p]) => p === "ask")
        .map(([tool]) => toolLabel(tool).toLowerCase());
      notify({ text: `${picked.name} answers now${asks.length ? `; asks before: ${asks.join(", ")}` : ""}`, tone: "info" });
    }
  }

  async function newSession() {
    try {
      const created = await chatApi.createSession({ agentId });
      dispatch({ type: "open", sessionId: created.id, transcript: { messages: [], toolCalls: [] } });
      touch(created);
      setSessionId(created.id);
    } catch (caught) {
      report(caught);
    }
  }

  async function renameSession(title: string) {
    if (!session || !title.trim() || title === session.title) return;
    touch({ ...session, title });
    chatApi.updateSession(session.id, { title: title.trim() }).then(touch, report);
  }

  async function deleteSession() {
    if (!session) return;
    try {
      await chatApi.deleteSession(session.id);
      const rest = (sessions ?? []).filter((s) => s.id !== session.id);
      setSessions(rest);
      setSessionId(rest[0]?.id ?? null);
      notify({ text: `Deleted “${session.title}”`, tone: "info" });
    } catch (caught) {
      report(caught);
    }
  }

  async function answer(request: OpenRequest, decision: PermissionDecision) {
    setRequests((all) => all.map((r) => (r.id === request.id ? { ...r, answering: decision } : r)));
    try {
      await chatApi.answerPermission(request.id, decision);
    } catch (caught) {
      setRequests((all) => all.filter((r) => r.id !== request.id));
      notify({ text: `Could not answer: ${errorText(caught)}`, tone: "warn" });
    }
  }

  return {
    sessions,
    session,
    selectSession: setSessionId,
    newSession,
    renameSession,
    deleteSession,
    agents,
    agent,
    pickAgent,
    tools,
    engine,
    settings,
    meterNames,
    conversation,
    send,
    queued: queued.filter((q) => q.sessionId === conversation.sessionId),
    unqueue: (id: string) => setQueued((all) => all.filter((q) => q.id !== id)),
    requests,
    answer,
    error,
    dismissError: () => setError(null),
  };
}

export type ChatModel = ReturnType<typeof useChat>;

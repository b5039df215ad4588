import type { ChatMessage, ToolCallRecord, Transcript } from "../api/chat";

/** A message as the conversation shows it: sent, on its way, streaming in, or failed. */
export interface Entry extends ChatMessage {
  status: "done" | "sending" | "streaming" | "failed";
  error?: string;
}

export interface ConversationState {
  sessionId: string | null;
  loading: boolean;
  messages: Entry[];
  toolCalls: ToolCallRecord[];
  /** The local id of the message whose turn is running, if any. */
  pendingTurn: string | null;
}

export type ConversationAction =
  | { type: "open"; sessionId: string | null; transcript?: Transcript }
  | { type: "sent"; sessionId: string; localId: string; text: string }
  | { type: "turn"; sessionId: string; localId: string; transcript: Transcript }
  | { type: "failed"; sessionId: string; localId: string; error: string }
  | { type: "tool"; sessionId: string; call: ToolCallRecord }
  | { type: "message"; sessionId: string; message: ChatMessage }
  /** A piece of an answer being written (engines that stream tokens); appended to its message. */
  | { type: "delta"; sessionId: string; messageId: string; text: string }
  | { type: "summary"; sessionId: string; message: ChatMessage; afterMessageId: string };

export const emptyConversation: ConversationState = { sessionId: null, loading: false, messages: [], toolCalls: [], pendingTurn: null };

const done = (message: ChatMessage): Entry => ({ ...message, status: "done" });

function mergeCalls(calls: ToolCallRecord[], more: ToolCallRecord[]): ToolCallRecord[] {
  const byId = new Map(calls.map((c) => [c.id, c]));
  for (const call of more) byId.set(call.id, call);
  return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at));
}

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  if (action.type === "open") {
    return {
      sessionId: action.sessionId,
      loading: !!action.sessionId && !action.transcript,
      messages: action.transcript?.messages.map(done) ?? [],
      toolCalls: action.transcript?.toolCalls ?? [],
      pendingTurn: null,
    };
  }
  if (action.sessionId !== state.sessionId) return state;
  switch (action.type) {
    case "sent":
      return {
        ...state,
        pendingTurn: action.localId,
        messages: [
          ...state.messages,
          { id: action.localId, role: "user", text: action.text, at: new Date().toISOString(), status: "sending" },
        ],
      };
    case "turn": {
      const [user, ...replies] = action.transcript.messages;
      const messages = state.messages.map((m) => (m.id === action.localId ? done(user) : m));
      for (const reply of replies) {
        const at = messages.findIndex((m) => m.id === reply.id);
        if (at >= 0) messages[at] = done(reply);
        else messages.push(done(reply));
      }
      return {
        ...state,
        messages,
        toolCalls: mergeCalls(state.toolCalls, action.transcript.toolCalls),
        pendingTurn: state.pendingTurn === action.localId ? null : state.pendingTurn,
      };
    }
    case "failed":
      return {
        ...state,
        pendingTurn: null,
        messages: state.messages.map((m) => (m.id === action.localId ? { ...m, status: "failed", error: action.error } : m)),
      };
    case "tool":
      return { ...state, toolCalls: mergeCalls(state.toolCalls, [action.call]) };
    case "message":
      if (state.messages.some((m) => m.id === action.message.id))
        return { ...state, messages: state.messages.map((m) => (m.id === action.message.id ? done(action.message) : m)) };
      return { ...state, messages: [...state.messages, done(action.message)] };
    case "summary": {
      if (state.messages.some((m) => m.id === action.message.id)) return state;
      const after = state.messages.findIndex((m) => m.id === action.afterMessageId);
      const messages = [...state.messages];
      messages.splice(after >= 0 ? after + 1 : messages.length, 0, done(action.message));
      return { ...state, messages };
    }
    case "delta": {
      const existing = state.messages.find((m) => m.id === action.messageId);
      if (!existing)
        return {
          ...state,
          messages: [
            ...state.messages,
            { id: action.messageId, role: "assistant", text: action.text, at: new Date().toISOString(), status: "streaming" },
          ],
        };
      return {
        ...state,
        messages: state.messages.map((m) => (m.id === action.messageId ? { ...m, text: m.text + action.text, status: "streaming" } : m)),
      };
    }
  }
}

/**
 * Tool calls grouped under the user message that started them. Calls whose message is not known
 * yet (they arrive over the socket before the turn's answer) belong to the running turn.
 */
export function callsByMessage(state: ConversationState): Map<string, ToolCallRecord[]> {
  const known = new Set(state.messages.map((m) => m.id));
  const groups = new Map<string, ToolCallRecord[]>();
  for (const call of state.toolCalls) {
    const key = known.has(call.messageId) ? call.messageId : (state.pendingTurn ?? call.messageId);
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  return groups;
}

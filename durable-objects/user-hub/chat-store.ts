import type { ChatChoice, ChatMessage, ChatRole, ChatSession, ToolCallRecord } from "../../worker/chat/contract";
import type { UserChatMessage } from "../../worker/notifications/quotes";

/** Chat sessions and messages of one user, in the UserHub's SQLite. */
export class ChatStore {
  constructor(private readonly sql: SqlStorage) {}

  createSession(title: string, agentId: string | null = null): ChatSession {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO chat_sessions (id, title, agent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
      id,
      title,
      agentId,
      now,
      now,
    );
    return { id, title, agentId, createdAt: now, updatedAt: now };
  }

  listSessions(): ChatSession[] {
    return this.sessions("SELECT * FROM chat_sessions ORDER BY updated_at DESC");
  }

  getSession(id: string): ChatSession | undefined {
    return this.sessions("SELECT * FROM chat_sessions WHERE id = ?", id)[0];
  }

  private sessions(query: string, ...bindings: string[]): ChatSession[] {
    return this.sql
      .exec<{ id: string; title: string; agent_id: string | null; created_at: string; updated_at: string }>(query, ...bindings)
      .toArray()
      .map((r) => ({ id: r.id, title: r.title, agentId: r.agent_id, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  /** The session as changed; undefined when there is none. */
  updateSession(id: string, changes: { title?: string; agentId?: string | null }): ChatSession | undefined {
    const session = this.getSession(id);
    if (!session) return undefined;
    const updated = {
      ...session,
      title: changes.title ?? session.title,
      agentId: changes.agentId === undefined ? session.agentId : changes.agentId,
      updatedAt: new Date().toISOString(),
    };
    this.sql.exec(
      "UPDATE chat_sessions SET title = ?, agent_id = ?, updated_at = ? WHERE id = ?",
      updated.title,
      updated.agentId,
      updated.updatedAt,
      id,
    );
    return updated;
  }

  deleteSession(id: string): boolean {
    return this.sql.exec("DELETE FROM chat_sessions WHERE id = ? RETURNING id", id).toArray().length > 0;
  }

  listMessages(sessionId: string): ChatMessage[] {
    return this.sql
      .exec<{ id: string; role: ChatMessage["role"]; text: string; choices: string | null; created_at: string }>(
        "SELECT id, role, text, choices, created_at FROM chat_messages WHERE session_id = ? ORDER BY created_at, rowid",
        sessionId,
      )
      .toArray()
      .map((r) => ({
        id: r.id,
        role: r.role,
        text: r.text,
        at: r.created_at,
        ...(r.choices ? { choices: JSON.parse(r.choices) as ChatChoice[] } : {}),
      }));
  }

  recordToolCall(sessionId: string, call: Omit<ToolCallRecord, "id" | "at">): ToolCallRecord {
    const record: ToolCallRecord = { ...call, id: crypto.randomUUID(), at: new Date().toISOString() };
    this.sql.exec(
      "INSERT INTO chat_tool_calls (id, session_id, message_id, agent, tool, input, decision, result, summary, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      record.id,
      sessionId,
      record.messageId,
      record.agent,
      record.tool,
      JSON.stringify(record.input ?? null),
      record.decision,
      JSON.stringify(record.result ?? null),
      record.summary,
      record.error,
      record.at,
    );
    return record;
  }

  listToolCalls(sessionId: string): ToolCallRecord[] {
    return this.sql
      .exec<{
        id: string;
        message_id: string;
        agent: string;
        tool: string;
        input: string;
        decision: ToolCallRecord["decision"];
        result: string | null;
        summary: string | null;
        error: string | null;
        created_at: string;
      }>("SELECT * FROM chat_tool_calls WHERE session_id = ? ORDER BY created_at, rowid", sessionId)
      .toArray()
      .map((r) => ({
        id: r.id,
        messageId: r.message_id,
        agent: r.agent,
        tool: r.tool,
        input: JSON.parse(r.input),
        decision: r.decision,
        result: r.result === null ? null : JSON.parse(r.result),
        summary: r.summary,
        error: r.error,
        at: r.created_at,
      }));
  }

  /** "Always for this session" answers to permission requests. */
  grant(sessionId: string, tool: string): void {
    this.sql.exec("INSERT OR IGNORE INTO chat_grants (session_id, tool) VALUES (?, ?)", sessionId, tool);
  }

  hasGrant(sessionId: string, tool: string): boolean {
    return this.sql.exec("SELECT 1 FROM chat_grants WHERE session_id = ? AND tool = ?", sessionId, tool).toArray().length > 0;
  }

  /** `id` lets a streamed answer keep the id its deltas were sent under; `choices` are an answer's buttons. */
  appendMessage(
    sessionId: string,
    role: ChatRole,
    text: string,
    id: string = crypto.randomUUID(),
    choices?: ChatChoice[],
  ): { id: string; at: string } | undefined {
    const at = new Date().toISOString();
    const session = this.sql.exec("UPDATE chat_sessions SET updated_at = ? WHERE id = ? RETURNING id", at, sessionId).toArray();
    if (session.length === 0) return undefined;
    this.sql.exec(
      "INSERT INTO chat_messages (id, session_id, role, text, choices, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      sessionId,
      role,
      text,
      choices?.length ? JSON.stringify(choices) : null,
      at,
    );
    return { id, at };
  }

  /**
   * A compression summary, placed right after the last message it summarizes (same time, later
   * row), so the turns it does not replace still follow it.
   */
  insertSummary(sessionId: string, text: string, afterMessageId: string): { id: string; at: string } | undefined {
    const [after] = this.sql
      .exec<{ created_at: string }>("SELECT created_at FROM chat_messages WHERE id = ? AND session_id = ?", afterMessageId, sessionId)
      .toArray();
    if (!after) return undefined;
    const id = crypto.randomUUID();
    this.sql.exec(
      "INSERT INTO chat_messages (id, session_id, role, text, created_at) VALUES (?, ?, 'summary', ?, ?)",
      id,
      sessionId,
      text,
      after.created_at,
    );
    return { id, at: after.created_at };
  }

  /** The person's own messages, newest first, with the title of the session each was said in. */
  recentUserMessages(limit: number): UserChatMessage[] {
    const messages = this.sql
      .exec<{ message_id: string; session_id: string; title: string; text: string; created_at: string }>(
        `SELECT m.id AS message_id, m.session_id, s.title, m.text, m.created_at
         FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
         WHERE m.role = 'user' ORDER BY m.created_at DESC LIMIT ?`,
        limit,
      )
      .toArray();
    // The meters each message's turn acted on ("keep the peak of the London house under 3 kW" set that meter's goal).
    const meterIds = new Map<string, string[]>();
    if (messages.length > 0) {
      const calls = this.sql
        .exec<{ message_id: string; meter_id: string }>(
          `SELECT message_id, json_extract(input, '$.meterId') AS meter_id FROM chat_tool_calls
           WHERE message_id IN (SELECT value FROM json_each(?)) AND json_extract(input, '$.meterId') IS NOT NULL
             AND error IS NULL AND decision NOT IN ('deny', 'timeout')`,
          JSON.stringify(messages.map((m) => m.message_id)),
        )
        .toArray();
      for (const call of calls) meterIds.set(call.message_id, [...(meterIds.get(call.message_id) ?? []), call.meter_id]);
    }
    return messages.map((r) => ({
      messageId: r.message_id,
      sessionId: r.session_id,
      sessionTitle: r.title,
      text: r.text,
      at: r.created_at,
      meterIds: meterIds.get(r.message_id) ?? [],
    }));
  }
}

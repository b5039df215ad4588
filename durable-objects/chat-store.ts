import type { ChatQuote } from "../worker/schemas/notifications";

const EXCERPT_CHARS = 160;

/** Chat sessions and messages of one user, in the UserHub's SQLite. */
export class ChatStore {
  constructor(private readonly sql: SqlStorage) {}

  createSession(title: string): { id: string } {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    this.sql.exec("INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)", id, title, now, now);
    return { id };
  }

  appendMessage(sessionId: string, role: "user" | "assistant" | "tool", text: string): { id: string; at: string } | undefined {
    const id = crypto.randomUUID();
    const at = new Date().toISOString();
    const session = this.sql.exec("UPDATE chat_sessions SET updated_at = ? WHERE id = ? RETURNING id", at, sessionId).toArray();
    if (session.length === 0) return undefined;
    this.sql.exec("INSERT INTO chat_messages (id, session_id, role, text, created_at) VALUES (?, ?, ?, ?, ?)", id, sessionId, role, text, at);
    return { id, at };
  }

  /**
   * The person's own most recent messages that mention any of `terms` (names of the meter, its
   * charts and tabs) or match one of `goals` (what the person wanted, e.g. a peak limit).
   */
  findMentions(terms: string[], goals: RegExp[], limit = 2): ChatQuote[] {
    const rows = this.sql
      .exec<{ message_id: string; session_id: string; title: string; text: string; created_at: string }>(
        `SELECT m.id AS message_id, m.session_id, s.title, m.text, m.created_at
         FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
         WHERE m.role = 'user' ORDER BY m.created_at DESC LIMIT 500`,
      )
      .toArray();
    const lowered = terms.map((t) => t.toLowerCase()).filter((t) => t.length >= 3);
    const scored = rows
      .map((row) => {
        const text = row.text.toLowerCase();
        const mentions = lowered.filter((t) => text.includes(t)).length;
        const goal = goals.some((g) => g.test(row.text));
        return { row, score: mentions * 2 + (goal ? 1 : 0), goal, mentions };
      })
      // A goal counts only when it is about this meter, or said in a session that is.
      .filter(({ mentions, goal, row }) => mentions > 0 || (goal && rows.some((other) => other.session_id === row.session_id && lowered.some((t) => other.text.toLowerCase().includes(t)))))
      .sort((a, b) => b.score - a.score || b.row.created_at.localeCompare(a.row.created_at));
    return scored.slice(0, limit).map(({ row }) => ({
      sessionId: row.session_id,
      sessionTitle: row.title,
      messageId: row.message_id,
      excerpt: row.text.length > EXCERPT_CHARS ? `${row.text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : row.text,
      at: row.created_at,
    }));
  }
}

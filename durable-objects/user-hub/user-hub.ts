import { DurableObject } from "cloudflare:workers";
import type {
  ChatChoice,
  ChatRole,
  ChatSession,
  ChatTranscript,
  PermissionDecision,
  PermissionRequest,
  ToolCallRecord,
} from "../../worker/chat/contract";
import type { Env } from "../../worker/env";
import type { UserChatMessage } from "../../worker/notifications/quotes";
import type { FailedRun } from "../../worker/runs/contract";
import { ChatStore } from "./chat-store";
import { migrateHubStorage } from "./hub-storage";
import { ACCESS_CHANGED_CLOSE, ClientMessage, type ServerEvent, TICKET_TTL_MS } from "./live-contract";

/** How many past events a reconnecting client can catch up on (at least; see BACKLOG_TRIM_EVERY). */
const BACKLOG_LIMIT = 1_000;
/** The backlog is trimmed every this many events, not on each one: it holds 1,000 to 1,099 events. */
const BACKLOG_TRIM_EVERY = 100;

/**
 * One per user (idFromName(userId)). Holds the user's WebSockets through the Hibernation API and a
 * numbered backlog of the events sent to them, both in SQLite so they survive eviction.
 */
export class UserHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly chat: ChatStore;
  /** Tool calls waiting for the person's answer; a waiting call keeps the object in memory. */
  private readonly pendingPermissions = new Map<string, (decision: PermissionDecision) => void>();
  /**
   * The latest event's seq, read from storage once per life of the object: only publish() writes
   * events, and it writes the seq itself, so a publish is one INSERT (no RETURNING, no max()).
   */
  private seq: number | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateHubStorage(this.sql);
    this.chat = new ChatStore(this.sql);
  }

  createChatSession(title: string, agentId: string | null = null): ChatSession {
    return this.chat.createSession(title, agentId);
  }

  listChatSessions(): ChatSession[] {
    return this.chat.listSessions();
  }

  getChatSession(id: string): ChatSession | undefined {
    return this.chat.getSession(id);
  }

  updateChatSession(id: string, changes: { title?: string; agentId?: string | null }): ChatSession | undefined {
    return this.chat.updateSession(id, changes);
  }

  deleteChatSession(id: string): boolean {
    return this.chat.deleteSession(id);
  }

  chatTranscript(sessionId: string): ChatTranscript {
    return { messages: this.chat.listMessages(sessionId), toolCalls: this.chat.listToolCalls(sessionId) };
  }

  recordToolCall(sessionId: string, call: Omit<ToolCallRecord, "id" | "at">): ToolCallRecord {
    return this.chat.recordToolCall(sessionId, call);
  }

  hasToolGrant(sessionId: string, tool: string): boolean {
    return this.chat.hasGrant(sessionId, tool);
  }

  grantTool(sessionId: string, tool: string): void {
    this.chat.grant(sessionId, tool);
  }

  /** Asks the person over their sockets whether a tool may run, and waits for the answer or the timeout. */
  async askPermission(
    request: Omit<PermissionRequest, "id" | "timeoutSeconds">,
    timeoutMs: number,
  ): Promise<PermissionDecision | "timeout"> {
    const id = crypto.randomUUID();
    this.sql.exec(
      "INSERT INTO permission_requests (id, session_id, tool, input, created_at) VALUES (?, ?, ?, ?, ?)",
      id,
      request.sessionId,
      request.tool,
      JSON.stringify(request.input ?? null),
      new Date().toISOString(),
    );
    const answered = new Promise<PermissionDecision>((resolve) => this.pendingPermissions.set(id, resolve));
    this.publish("permission.request", { id, ...request, timeoutSeconds: Math.round(timeoutMs / 1000) } satisfies PermissionRequest);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const decision = await Promise.race([
      answered,
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.pendingPermissions.delete(id);
    this.sql.exec("UPDATE permission_requests SET decision = ? WHERE id = ?", decision, id);
    this.publish("permission.resolved", { id, decision });
    return decision;
  }

  /** The person's answer (from the socket or the HTTP API); false when nothing is waiting. */
  answerPermission(id: string, decision: PermissionDecision): boolean {
    const resolve = this.pendingPermissions.get(id);
    if (!resolve) return false;
    resolve(decision);
    return true;
  }

  appendChatMessage(
    sessionId: string,
    role: ChatRole,
    text: string,
    id?: string,
    choices?: ChatChoice[],
  ): { id: string; at: string } | undefined {
    return this.chat.appendMessage(sessionId, role, text, id, choices);
  }

  insertChatSummary(sessionId: string, text: string, afterMessageId: string): { id: string; at: string } | undefined {
    return this.chat.insertSummary(sessionId, text, afterMessageId);
  }

  /** The person's latest messages with their session titles; notifications quote from them. */
  recentUserMessages(limit: number): UserChatMessage[] {
    return this.chat.recentUserMessages(limit);
  }

  /**
   * A model run that failed every retry (from the dead letter queue). Kept here, not in Postgres:
   * Postgres being down is a common reason to end up here. The last 100 are kept.
   */
  recordFailedRun(run: FailedRun): void {
    this.sql.exec(
      "INSERT INTO failed_runs (meter_id, trigger, newest_ts, failed_at) VALUES (?, ?, ?, ?)",
      run.meterId,
      run.trigger,
      run.newestTs,
      run.failedAt,
    );
    this.sql.exec("DELETE FROM failed_runs WHERE id <= (SELECT max(id) FROM failed_runs) - 100");
  }

  failedRuns(): FailedRun[] {
    return this.sql
      .exec<{ meter_id: string; trigger: string; newest_ts: string; failed_at: string }>(
        "SELECT meter_id, trigger, newest_ts, failed_at FROM failed_runs ORDER BY id DESC",
      )
      .toArray()
      .map((row) => ({
        meterId: row.meter_id,
        trigger: row.trigger as FailedRun["trigger"],
        newestTs: row.newest_ts,
        failedAt: row.failed_at,
      }));
  }

  /** A single-use ticket for the WebSocket upgrade; the user id prefix routes it to this hub. */
  issueTicket(userId: string): string {
    const now = Date.now();
    this.sql.exec("DELETE FROM tickets WHERE expires_at <= ?", now);
    const secret = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const ticket = `${userId}.${secret}`;
    this.sql.exec("INSERT INTO tickets (ticket, expires_at) VALUES (?, ?)", ticket, now + TICKET_TTL_MS);
    return ticket;
  }

  /**
   * Records an event and sends it to every open socket of the user: the event is serialised once
   * for all sockets. The sends leave once the INSERT is durable (the output gate), so a client never
   * sees a seq that a restarted hub could hand out again.
   */
  publish(type: string, payload: unknown): { id: string; seq: number; at: string } {
    const id = crypto.randomUUID();
    const at = new Date().toISOString();
    const seq = this.lastSeq() + 1;
    this.sql.exec("INSERT INTO events (seq, id, type, at, payload) VALUES (?, ?, ?, ?, ?)", seq, id, type, at, JSON.stringify(payload));
    this.seq = seq;
    if (seq % BACKLOG_TRIM_EVERY === 0) this.sql.exec("DELETE FROM events WHERE seq <= ?", seq - BACKLOG_LIMIT);
    const text = JSON.stringify({ id, type, seq, at, payload } satisfies ServerEvent);
    for (const socket of this.ctx.getWebSockets()) socket.send(text);
    return { id, seq, at };
  }

  /**
   * The person lost access to a home: their open sockets close at once and the tickets not used yet
   * are refused, so every connection starts over and hears only the homes they are still in.
   */
  disconnect(reason: string): number {
    this.sql.exec("DELETE FROM tickets");
    const sockets = this.ctx.getWebSockets();
    for (const socket of sockets) socket.close(ACCESS_CHANGED_CLOSE, reason);
    return sockets.length;
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const ticket = new URL(request.url).searchParams.get("ticket") ?? "";
    const consumed = this.sql
      .exec("DELETE FROM tickets WHERE ticket = ? AND expires_at > ? RETURNING ticket", ticket, Date.now())
      .toArray();
    if (consumed.length === 0) {
      return Response.json(
        { error: { code: "unauthorized", message: "The ticket is invalid, used or expired: request a new one" } },
        { status: 401 },
      );
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send(this.controlMessage("hello"));
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    let parsed: ClientMessage;
    try {
      parsed = ClientMessage.parse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
    } catch {
      socket.send(this.controlMessage("error", { message: 'Unknown message: send {"type":"resume","after":N} or {"type":"ping"}' }));
      return;
    }
    if (parsed.type === "permission") {
      this.answerPermission(parsed.id, parsed.decision);
      return;
    }
    if (parsed.type === "ping") {
      socket.send(this.controlMessage("pong"));
      return;
    }
    this.replay(socket, parsed.after);
  }

  webSocketClose(socket: WebSocket, code: number): void {
    // A close without a code arrives as 1005, which may not be sent back.
    socket.close(code === 1005 ? 1000 : code);
  }

  /** Sends the events after `after`; if some were already dropped from the backlog, says to reload. */
  private replay(socket: WebSocket, after: number): void {
    const oldest = this.sql.exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM events").one().seq;
    if (oldest !== null && after < oldest - 1) {
      socket.send(this.controlMessage("reload", { reason: "missed too many events" }));
      return;
    }
    for (const row of this.sql.exec<{ id: string; seq: number; type: string; at: string; payload: string }>(
      "SELECT id, seq, type, at, payload FROM events WHERE seq > ? ORDER BY seq",
      after,
    )) {
      socket.send(JSON.stringify({ id: row.id, type: row.type, seq: row.seq, at: row.at, payload: JSON.parse(row.payload) }));
    }
  }

  /** Messages that are not events of the backlog carry the latest seq, so a client knows where it stands. */
  private controlMessage(type: string, payload: Record<string, unknown> = {}): string {
    return JSON.stringify({
      id: crypto.randomUUID(),
      type,
      seq: this.lastSeq(),
      at: new Date().toISOString(),
      payload,
    } satisfies ServerEvent);
  }

  private lastSeq(): number {
    this.seq ??= this.sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM events").one().seq ?? 0;
    return this.seq;
  }
}

import { ServerEvent } from "../../durable-objects/user-hub/live-contract";
import { wattboard } from "./api/wattboard";

type Listener = (event: ServerEvent) => void;

/**
 * The browser's one WebSocket to its UserHub. Reconnects with backoff and asks for the events it
 * missed (resume after the last seq it saw), so a dropped connection loses nothing.
 */
export class LiveChannel {
  private socket: WebSocket | null = null;
  private lastSeq = 0;
  /** Whether a hello has set lastSeq: from then on every reconnect resumes, even from seq 0. */
  private synced = false;
  private retryMs = 1_000;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private connecting = false;
  private closed = false;
  private readonly listeners = new Set<Listener>();
  /** Back online: reconnect now rather than when the backoff (up to 30 s) says. */
  private readonly reconnectNow = () => {
    if (this.connecting || this.socket?.readyState === WebSocket.OPEN || this.socket?.readyState === WebSocket.CONNECTING) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryMs = 1_000;
    void this.connect();
  };

  constructor() {
    addEventListener("online", this.reconnectNow);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(): Promise<void> {
    if (this.closed || this.connecting) return;
    this.connecting = true;
    try {
      const { ticket } = await wattboard.liveTicket();
      // Closed while the ticket was on its way (e.g. React StrictMode's double mount): stay closed.
      if (this.closed) return;
      const url = new URL(`/api/ws?ticket=${encodeURIComponent(ticket)}`, location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      const socket = new WebSocket(url);
      this.socket = socket;
      socket.onopen = () => {
        this.retryMs = 1_000;
        if (this.synced) socket.send(JSON.stringify({ type: "resume", after: this.lastSeq }));
      };
      socket.onmessage = (message) => this.receive(message.data as string);
      socket.onclose = () => this.scheduleReconnect();
    } catch {
      this.scheduleReconnect();
    } finally {
      this.connecting = false;
    }
  }

  close(): void {
    this.closed = true;
    removeEventListener("online", this.reconnectNow);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close(1000);
  }

  private receive(data: string) {
    const parsed = ServerEvent.safeParse(JSON.parse(data));
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === "hello") {
      // Only the first: a reconnect's hello must not skip what the resume is about to replay.
      if (!this.synced) this.lastSeq = event.seq;
      this.synced = true;
      return;
    }
    if (event.type === "reload") return location.reload();
    if (event.seq > this.lastSeq) this.lastSeq = event.seq;
    for (const listener of this.listeners) listener(event);
  }

  private scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }
}

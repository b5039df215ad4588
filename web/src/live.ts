import { ServerEvent } from "../../durable-objects/live-events";
import { api } from "./api";

type Listener = (event: ServerEvent) => void;

/**
 * The browser's one WebSocket to its UserHub. Reconnects with backoff and asks for the events it
 * missed (resume after the last seq it saw), so a dropped connection loses nothing.
 */
export class LiveChannel {
  private socket: WebSocket | null = null;
  private lastSeq = 0;
  private retryMs = 1_000;
  private closed = false;
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(): Promise<void> {
    if (this.closed) return;
    try {
      const { ticket } = await api<{ ticket: string }>("POST", "/api/ws/ticket");
      // Closed while the ticket was on its way (e.g. React StrictMode's double mount): stay closed.
      if (this.closed) return;
      const url = new URL(`/api/ws?ticket=${encodeURIComponent(ticket)}`, location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      const socket = new WebSocket(url);
      this.socket = socket;
      socket.onopen = () => {
        this.retryMs = 1_000;
        if (this.lastSeq > 0) socket.send(JSON.stringify({ type: "resume", after: this.lastSeq }));
      };
      socket.onmessage = (message) => this.receive(message.data as string);
      socket.onclose = () => this.scheduleReconnect();
    } catch {
      this.scheduleReconnect();
    }
  }

  close(): void {
    this.closed = true;
    this.socket?.close(1000);
  }

  private receive(data: string) {
    const parsed = ServerEvent.safeParse(JSON.parse(data));
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === "hello") {
      if (this.lastSeq === 0) this.lastSeq = event.seq;
      return;
    }
    if (event.type === "reload") return location.reload();
    if (event.seq > this.lastSeq) this.lastSeq = event.seq;
    for (const listener of this.listeners) listener(event);
  }

  private scheduleReconnect() {
    if (this.closed) return;
    setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }
}

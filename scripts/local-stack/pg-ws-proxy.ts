import http from "node:http";
import net from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { type SqlObserver, sqlOverHttp } from "./sql-over-http";

/**
 * The Neon driver speaks the Postgres protocol over a WebSocket; Neon's edge turns it into TCP.
 * Locally this proxy does that job in front of PGlite or a real Postgres. It only forwards to
 * loopback addresses so it can never be used to reach another host. On the same port it serves
 * Neon's SQL-over-HTTP endpoint (`POST /sql`, sql-over-http.ts) for the Worker's one-shot queries.
 */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export interface PgWebSocketProxy {
  /** host:port to give the driver as its wsProxy base */
  address: string;
  port: number;
  /** Tunnels currently open (each is one driver connection). */
  openTunnels(): number;
  /** Sees every statement POST /sql receives until the returned function is called. */
  observeSql(observer: SqlObserver): () => void;
  close(): Promise<void>;
}

/**
 * Connections to Postgres at once, across targets. The Worker opens one per request, so a burst
 * of requests would otherwise exceed Postgres's max_connections (100 by default) and fail with
 * "too many clients"; beyond this many, upgrades wait their turn, as Neon's pooler makes them
 * do in production. Leaves room for other clients of the same server (tests, psql).
 */
const DEFAULT_MAX_CONNECTIONS = 40;

export async function startPgWebSocketProxy(
  port = 0,
  maxConnections = Number(process.env.PG_PROXY_MAX_CONNECTIONS ?? DEFAULT_MAX_CONNECTIONS),
  options: { oneSession?: boolean } = {},
): Promise<PgWebSocketProxy> {
  const sockets = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, SharedSession>();
  const spares = new SpareConnections();
  const slots = new Slots(maxConnections);
  const sessionOf = (key: string) => sessions.get(key) ?? sessions.set(key, new SharedSession()).get(key)!;
  // On a shared session an HTTP query takes its turn like a tunnel: never inside another's transaction.
  const sql = sqlOverHttp((target) => {
    if (!options.oneSession) return undefined;
    return (work) =>
      new Promise<void>((resolve, reject) => {
        const turn = {};
        sessionOf(target).acquire(turn, () => {
          work()
            .then(resolve, reject)
            .finally(() => sessionOf(target).release(turn));
        });
      });
  });
  const server = http.createServer((request, response) => {
    if (request.method === "POST" && request.url === "/sql") return sql.handle(request, response);
    response.writeHead(426).end("WebSocket only; POST /sql for SQL over HTTP");
  });
  // workerd keeps its HTTP connections to /sql open between requests. With Node's default 5 s,
  // the server could close one just as workerd reused it, and that query failed with "Network
  // connection lost" (seen in tests after a few idle seconds): the client gives up idle
  // connections first.
  server.keepAliveTimeout = 10 * 60_000;
  server.headersTimeout = server.keepAliveTimeout + 1_000;
  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "", "http://proxy");
    const [host, portText] = (url.searchParams.get("address") ?? "").split(/:(?=\d+$)/);
    if (url.pathname !== "/v1" || !LOOPBACK.has(host) || !/^\d+$/.test(portText ?? "")) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    // Accept the WebSocket only once Postgres answers: a refused connection then fails the
    // upgrade cleanly instead of closing a socket the driver is already writing to.
    // The driver may give up while it waits (its connection timeout). Then nothing must stay open,
    // or its place would be held until Postgres drops the idle connection. The socket must be read
    // to notice: a paused one reports no hang-up, and HTTP sockets are half-open, so a FIN shows
    // as "end". A WebSocket client sends nothing before the 101, and the upgrade below attaches its
    // reader in the same turn, so nothing read is lost.
    let gone = false;
    let bridged = false;
    const giveUp = () => {
      gone = true;
      // Half-open, it would stay open for good (and keep the server from closing).
      if (!bridged) socket.destroy();
    };
    socket.once("end", giveUp).once("close", giveUp).once("error", giveUp);
    socket.resume();
    void slots.acquire().then(async (release) => {
      if (gone) return release();
      let tcp: net.Socket;
      try {
        tcp = await spares.take(host, Number(portText));
      } catch {
        release();
        socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
      }
      tcp.once("close", release);
      if (gone) return void tcp.destroy();
      socket.once("close", () => bridged || tcp.destroy());
      sockets.handleUpgrade(request, socket, head, (ws) => {
        bridged = true;
        const session = options.oneSession ? sessionOf(`${host}:${portText}`) : undefined;
        bridge(ws, tcp, session);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
    server.listen(port, "127.0.0.1");
  });
  const actualPort = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${actualPort}`,
    port: actualPort,
    openTunnels: () => sockets.clients.size,
    observeSql: (observer) => sql.observe(observer),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        spares.close();
        server.closeAllConnections();
        server.close(() => void sql.close().then(() => resolve()));
      }),
  };
}

/** A counting semaphore with a FIFO queue. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `used` stays the same.
      if (next) next();
      else this.used--;
    };
  }
}

/**
 * One tunnel. With a shared session (PGlite), the tunnel sends its client's messages only while it
 * holds the session, from its first message until Postgres is idle again (ReadyForQuery outside a
 * transaction), so no other tunnel's messages land in the middle of its query or transaction.
 */
function bridge(ws: WebSocket, tcp: net.Socket, session?: SharedSession): void {
  const frames = new FrontendMessageReader();
  const replies = new ReadyForQueryReader();
  const tunnel = {};
  let holding = !session;
  let asked = false;
  const waiting: Buffer[] = [];
  let closed = false;
  const closeBoth = () => {
    if (closed) return;
    closed = true;
    session?.release(tunnel);
    tcp.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
  };
  const send = (data: Buffer) => {
    tcp.write(data);
    // The driver's Client.end() sends Terminate but leaves the WebSocket open: close it here.
    if (frames.push(data)) tcp.end(() => closeBoth());
  };
  ws.on("message", (data: Buffer) => {
    if (holding) return send(data);
    waiting.push(data);
    if (asked || !session) return;
    asked = true;
    session.acquire(tunnel, () => {
      holding = true;
      asked = false;
      for (const queued of waiting.splice(0)) send(queued);
    });
  });
  tcp.on("data", (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk);
    // Read every chunk, held or not, so the reader stays at message boundaries.
    const atRest = session ? replies.push(chunk, frames.sslRequests) : false;
    if (session && holding && atRest) {
      holding = false;
      session.release(tunnel);
    }
  });
  ws.on("close", closeBoth);
  ws.on("error", closeBoth);
  tcp.on("close", closeBoth);
  tcp.on("error", closeBoth);
}

/**
 * PGlite is one Postgres session behind many sockets, and pglite-socket interleaves their traffic
 * at whatever chunks the sockets deliver: a large Bind from one connection, split in two, let
 * another connection's Parse in between ("bind message supplies 8 parameters, but prepared
 * statement "" requires 2"). Tunnels take turns here instead, a whole query or transaction each.
 */
class SharedSession {
  private holder: object | null = null;
  private readonly queue: { tunnel: object; grant: () => void }[] = [];

  acquire(tunnel: object, grant: () => void): void {
    if (this.holder === null) {
      this.holder = tunnel;
      grant();
    } else this.queue.push({ tunnel, grant });
  }

  release(tunnel: object): void {
    if (this.holder !== tunnel) {
      const index = this.queue.findIndex((entry) => entry.tunnel === tunnel);
      if (index >= 0) this.queue.splice(index, 1);
      return;
    }
    const next = this.queue.shift();
    this.holder = next?.tunnel ?? null;
    next?.grant();
  }
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': not in a transaction

/**
 * Follows the backend side of the protocol just enough to see ReadyForQuery with the idle status:
 * the one-byte answers to SSL/GSS requests first, then typed messages.
 */
class ReadyForQueryReader {
  private buffer: Buffer = Buffer.alloc(0);
  private encryptionAnswers = 0;

  /** Returns true when the chunk ends a turn: ReadyForQuery, idle, as its last complete message. */
  push(chunk: Buffer, encryptionRequests: number): boolean {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let idle = false;
    for (;;) {
      if (this.encryptionAnswers < encryptionRequests) {
        if (this.buffer.length < 1) return idle;
        this.encryptionAnswers++;
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (this.buffer.length < 5) return idle && this.buffer.length === 0;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return false;
      idle = this.buffer[0] === READY_FOR_QUERY && this.buffer[5] === IDLE;
      this.buffer = this.buffer.subarray(1 + length);
    }
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/**
 * Follows the frontend side of the Postgres protocol just enough to notice Terminate: untyped
 * startup packets first (SSL/GSS requests, then StartupMessage), then typed messages.
 */
class FrontendMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private inStartup = true;
  /** SSL and GSS encryption requests seen: Postgres answers each with one byte. */
  sslRequests = 0;

  /** Returns true once a Terminate message has been seen. */
  push(chunk: Buffer): boolean {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.inStartup) {
        if (this.buffer.length < 8) return false;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return false;
        const code = this.buffer.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) this.sslRequests++;
        else this.inStartup = false;
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return false;
      const type = this.buffer[0];
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return false;
      if (type === TERMINATE) return true;
      this.buffer = this.buffer.subarray(1 + length);
    }
  }
}

/**
 * Postgres forks a backend for every TCP connection it accepts, which takes most of the 10 ms a
 * local connection costs. Neon's pooler hides that in production; locally we keep a few accepted
 * TCP connections ready (nothing is sent on them until a driver takes one, so they carry no
 * session state) and replace each one that is taken. Spares older than 20 s are dropped before
 * Postgres's authentication_timeout would close them.
 */
class SpareConnections {
  private static readonly PER_TARGET = 4;
  private static readonly MAX_AGE_MS = 20_000;
  private readonly ready = new Map<string, { socket: net.Socket; openedAt: number }[]>();
  private readonly opening = new Map<string, number>();
  private closed = false;

  async take(host: string, port: number): Promise<net.Socket> {
    const key = `${host}:${port}`;
    const pool = this.ready.get(key) ?? [];
    this.ready.set(key, pool);
    let spare: net.Socket | undefined;
    while (!spare && pool.length) {
      const candidate = pool.shift()!;
      if (!candidate.socket.destroyed && Date.now() - candidate.openedAt < SpareConnections.MAX_AGE_MS) spare = candidate.socket;
      else candidate.socket.destroy();
    }
    const socket = spare ?? (await this.open(host, port));
    // Only a target that just answered gets spares.
    this.refill(key, host, port);
    socket.removeAllListeners("error");
    return socket;
  }

  close(): void {
    this.closed = true;
    for (const pool of this.ready.values()) for (const { socket } of pool) socket.destroy();
    this.ready.clear();
  }

  private open(host: string, port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      socket.once("connect", () => resolve(socket));
      socket.once("error", reject);
    });
  }

  private refill(key: string, host: string, port: number): void {
    const pool = this.ready.get(key)!;
    const missing = SpareConnections.PER_TARGET - pool.length - (this.opening.get(key) ?? 0);
    for (let i = 0; i < missing; i++) {
      this.opening.set(key, (this.opening.get(key) ?? 0) + 1);
      this.open(host, port)
        .then(
          (socket) => {
            if (this.closed) return void socket.destroy();
            socket.on("error", () => socket.destroy());
            pool.push({ socket, openedAt: Date.now() });
          },
          () => {},
        )
        .finally(() => this.opening.set(key, this.opening.get(key)! - 1));
    }
  }
}

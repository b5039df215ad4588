import { Client } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type LocalDatabase, startLocalDatabase } from "../../scripts/local-stack/database";
import { configureNodeDriver } from "../../scripts/local-stack/node-driver";
import { startPgWebSocketProxy } from "../../scripts/local-stack/pg-ws-proxy";

let database: LocalDatabase;
beforeAll(async () => {
  database = await startLocalDatabase({ databaseUrl: process.env.TEST_DATABASE_URL });
});
afterAll(() => database.stop());

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on("open", () => {
      socket.close();
      resolve(101);
    });
    socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    socket.on("error", () => resolve(0));
  });
}

describe("the local Postgres WebSocket proxy", () => {
  it("speaks the Neon driver's protocol and closes the tunnel when the client ends", async () => {
    const proxy = await startPgWebSocketProxy();
    try {
      configureNodeDriver(proxy.address);
      const client = new Client(database.databaseUrl);
      await client.connect();
      expect((await client.query("SELECT 40 + 2 AS answer")).rows).toEqual([{ answer: 42 }]);
      expect(proxy.openTunnels()).toBe(1);
      await client.end();
      for (let i = 0; i < 50 && proxy.openTunnels() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(proxy.openTunnels()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it("refuses to reach anything but loopback, and fails the upgrade when Postgres is down", async () => {
    const proxy = await startPgWebSocketProxy();
    try {
      expect(await upgradeStatus(`ws://${proxy.address}/v1?address=10.0.0.1:5432`)).toBe(403);
      expect(await upgradeStatus(`ws://${proxy.address}/v1?address=example.com:5432`)).toBe(403);
      expect(await upgradeStatus(`ws://${proxy.address}/other?address=127.0.0.1:5432`)).toBe(403);
      expect(await upgradeStatus(`ws://${proxy.address}/v1?address=127.0.0.1:1`)).toBe(502);
    } finally {
      await proxy.close();
    }
  });

  it("queues connections beyond its limit instead of failing, and one that gives up while queued frees its place", async () => {
    const proxy = await startPgWebSocketProxy(0, 2);
    const connect = async () => {
      const client = new Client(database.databaseUrl);
      await client.connect();
      return client;
    };
    try {
      configureNodeDriver(proxy.address);
      const held = [await connect(), await connect()];
      // Two wait for a place: a driver, and a bare upgrade that gives up (as a driver's timeout does).
      const queued = connect();
      const quitter = new WebSocket(`ws://${proxy.address}/v1?address=${new URL(database.databaseUrl).host}`);
      quitter.on("error", () => {});
      await new Promise((r) => setTimeout(r, 200));
      quitter.terminate();
      expect(proxy.openTunnels()).toBe(2);
      await held[0].end();
      const third = await queued;
      expect((await third.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await Promise.all([held[1].end(), third.end()]);
      // Both places are free again: the quitter's turn came and went.
      const again = [await connect(), await connect()];
      await Promise.all(again.map((client) => client.end()));
      for (let i = 0; i < 50 && proxy.openTunnels() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(proxy.openTunnels()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe("the embedded Postgres behind the proxy", () => {
  it("keeps each connection's queries whole when large parameterized writes and transactions run side by side", async () => {
    const embedded = await startLocalDatabase({});
    const clients: Client[] = [];
    try {
      configureNodeDriver(embedded.wsProxy);
      for (let i = 0; i < 4; i++) {
        const client = new Client(embedded.databaseUrl);
        await client.connect();
        clients.push(client);
      }
      await clients[0].query("CREATE TABLE interleave (writer int, n int, label text)");
      // Each write's Bind is hundreds of kB, which reaches PGlite in several chunks.
      const rows = 20_000;
      const label = "x".repeat(20);
      const write = (client: Client, writer: number) =>
        client.query("INSERT INTO interleave SELECT $1::int, n, l FROM unnest($2::int[], $3::text[]) AS t(n, l)", [
          writer,
          Array.from({ length: rows }, (_, n) => n),
          Array.from({ length: rows }, () => label),
        ]);
      const transaction = async (client: Client) => {
        await client.query("BEGIN");
        await client.query("INSERT INTO interleave VALUES (99, $1, $2)", [1, "in a transaction"]);
        await client.query("COMMIT");
      };
      const small = async (client: Client) => (await client.query("SELECT $1::int + $2::int AS sum", [20, 22])).rows[0].sum;
      const results = await Promise.all([
        write(clients[0], 0),
        write(clients[1], 1),
        transaction(clients[2]),
        ...Array.from({ length: 20 }, () => small(clients[3])),
      ]);
      expect(results.slice(3)).toEqual(Array(20).fill(42));
      const counts = await clients[0].query("SELECT writer, count(*)::int AS n FROM interleave GROUP BY writer ORDER BY writer");
      expect(counts.rows).toEqual([
        { writer: 0, n: rows },
        { writer: 1, n: rows },
        { writer: 99, n: 1 },
      ]);
    } finally {
      for (const client of clients) await client.end().catch(() => {});
      await embedded.stop();
    }
  });
});

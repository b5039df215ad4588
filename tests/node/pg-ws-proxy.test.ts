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

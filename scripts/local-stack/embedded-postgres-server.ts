/**
 * Runs PGlite (Postgres in wasm) behind a Postgres wire-protocol socket, as its own process so a
 * heavy query never stalls the dev server. Prints "ready <port>" when it accepts connections.
 * Usage: tsx embedded-postgres-server.ts [--data DIR] [--port N]   (no --data: in memory)
 */

import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const { values } = parseArgs({ options: { data: { type: "string" }, port: { type: "string", default: "0" } } });

const db = await PGlite.create(values.data);
const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: Number(values.port), maxConnections: 256 });
await server.start();
const address = server.getServerConn();
process.stdout.write(`ready ${address.split(":").pop()}\n`);

// Checkpoint so the data folder is consistent, then exit hard: PGlite's close() can hang.
const shutdown = async () => {
  try {
    await db.query("CHECKPOINT");
  } finally {
    process.exit(0);
  }
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.on("disconnect", shutdown);

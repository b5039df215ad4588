/**
 * Runs once (in Node) before the Workers tests: a real Postgres, empty and migrated, behind the
 * WebSocket proxy the Neon driver needs, plus a JWKS endpoint standing in for Supabase's.
 * TEST_DATABASE_URL picks a real Postgres (its public schema is wiped); otherwise the embedded
 * PGlite runs in memory.
 */

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import type { TestProject } from "vitest/node";
import { migrateDatabase, resetDatabase } from "../../scripts/local-stack/apply-migrations";
import { startLocalDatabase } from "../../scripts/local-stack/database";
import { startRecordingServer } from "./recording-server";
import { startStoppablePostgres } from "./stoppable-postgres";

export default async function setup(project: TestProject) {
  const database = await startLocalDatabase({ databaseUrl: process.env.TEST_DATABASE_URL });
  await resetDatabase(database.databaseUrl, database.wsProxy);
  await migrateDatabase(database.databaseUrl, database.wsProxy);

  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: "test-key-1", alg: "ES256", use: "sig" };
  const jwks = createServer((request, response) => {
    if (request.url === "/auth/v1/.well-known/jwks.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));

  // The same database behind a front the fault tests stop and start (tests/worker/faults-*.test.ts).
  const target = new URL(database.databaseUrl);
  const stoppable = await startStoppablePostgres({ host: target.hostname, port: Number(target.port || 5432) });
  target.port = String(stoppable.port);

  // Where alert channels in the tests point (tests/worker/channels.test.ts).
  const receiver = await startRecordingServer();

  project.provide("databaseUrl", database.databaseUrl);
  project.provide("stoppableDatabaseUrl", target.toString());
  project.provide("stoppableControl", stoppable.controlUrl);
  project.provide("dbWsProxy", database.wsProxy ?? "");
  project.provide("databaseKind", database.kind);
  project.provide("supabaseUrl", `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`);
  project.provide("supabasePrivateJwk", JSON.stringify({ ...(await exportJWK(privateKey)), kid: "test-key-1", alg: "ES256" }));
  project.provide("supabasePublicJwk", JSON.stringify(publicJwk));
  project.provide("receiverUrl", receiver.url);

  return async () => {
    await new Promise((resolve) => jwks.close(resolve));
    await receiver.close();
    await stoppable.close();
    await database.stop();
  };
}

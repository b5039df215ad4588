import type { Database } from "./db/client";
import type { Env } from "./env";

/**
 * Who acts, and with what: every operation (worker/<domain>/service.ts) takes one, whether a
 * route or a chat tool calls it, so a rule is written once for both.
 */
export interface Actor {
  db: Database;
  env: Env;
  userId: string;
  /** Where the app is served, for the links an operation hands out. */
  origin: string;
}

import type { Database } from "./db/client";
import type { Env } from "./env";
import type { HomeRole } from "./homes/contract";

/**
 * Who acts, and with what: every operation (worker/<domain>/service.ts) takes one, whether a
 * route or a chat tool calls it, so a rule is written once for both.
 */
export interface Actor {
  db: Database;
  env: Env;
  userId: string;
  /**
   * The home whose meters, tabs, charts… the operation reads and changes (the `home` parameter,
   * the home of the resource addressed by id, or the personal home, whose id is userId), and the
   * person's role there: worker/homes/policy.ts decides what the role allows.
   */
  homeId: string;
  role: HomeRole;
  /** Where the app is served, for the links an operation hands out. */
  origin: string;
}

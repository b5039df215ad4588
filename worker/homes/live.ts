import { userHub } from "../../durable-objects/user-hub/stub";
import type { Actor } from "../actor";
import { audit, type Detail } from "../audit/service";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { memberIds } from "./queries";

/** What every member's open dashboards hear when a member changes a tab, a chart or a note of their home. */
export const HOME_CHANGED_EVENT = "home.changed";

export interface HomeChange {
  homeId: string;
  kind: "tab" | "chart" | "annotation";
  id: string;
  action: "created" | "updated" | "deleted";
  /** The tab a chart is on, so a dashboard showing it reloads that tab. */
  tabId?: string;
  /** The meter a note is on, so the charts drawing it read their notes again. */
  meterId?: string;
  /** Who changed it: their own dashboard has already drawn the change. */
  by: string;
}

/**
 * Publishes an event to the hub of every member of the home, after the change is committed (never
 * inside a transaction). A hub that cannot be reached costs that member a live update, not the
 * change: it is logged, not thrown.
 */
export async function publishToHome(env: Env, db: Database, homeId: string, type: string, payload: unknown): Promise<void> {
  for (const member of await memberIds(db, homeId))
    await userHub(env, member)
      .publish(type, payload)
      .then(
        () => {},
        (error: Error) => console.error(`live: could not publish ${type} to a member of home ${homeId}: ${error.message}`),
      );
}

/** A member changed a tab, a chart or a note: it goes into the home's audit log, then to every member's dashboards. */
export async function announceChange(actor: Actor, change: Omit<HomeChange, "homeId" | "by">, detail?: Detail): Promise<void> {
  const verb = { created: "create", updated: "update", deleted: "delete" }[change.action];
  await audit(actor, `${change.kind}.${verb}`, { kind: change.kind, id: change.id }, detail);
  await publishToHome(actor.env, actor.db, actor.homeId, HOME_CHANGED_EVENT, {
    ...change,
    homeId: actor.homeId,
    by: actor.userId,
  } satisfies HomeChange);
}

import type { Actor } from "../actor";
import { ApiError } from "../errors";
import type { HomeRole } from "./contract";

const RANK: Record<HomeRole, number> = { viewer: 0, editor: 1, owner: 2 };

/**
 * The one place roles are enforced: every operation that changes a home's data calls this first,
 * whether a route or a chat tool called the operation. Viewers read (and ask the chat); editors
 * change meters, tabs, charts, tariffs, shares, tokens, rules and settings; owners also manage
 * members and delete the home. A non-member never gets here: their home does not resolve (404).
 */
export function requireRole(actor: Pick<Actor, "role">, needed: "editor" | "owner"): void {
  if (RANK[actor.role] < RANK[needed]) {
    const refusal = roleRefusal(actor, needed);
    throw new ApiError(403, "forbidden", refusal[0].toUpperCase() + refusal.slice(1), { needed, role: actor.role });
  }
}

/** The refusal in words, to follow "… did not run: " in the chat or to stand alone. */
export const roleRefusal = (actor: Pick<Actor, "role">, needed: "editor" | "owner") =>
  `this needs the ${needed} role in this home, and you are ${actor.role === "viewer" ? "a" : "an"} ${actor.role}`;

export const canEdit = (actor: Pick<Actor, "role">) => RANK[actor.role] >= RANK.editor;

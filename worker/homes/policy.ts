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
  if (RANK[actor.role] < RANK[needed]) throw new ApiError(403, "forbidden", roleRefusal(actor, needed), { needed, role: actor.role });
}

export const roleRefusal = (actor: Pick<Actor, "role">, needed: "editor" | "owner") =>
  `this needs the ${needed} role in this home, and you are a ${actor.role}`;

export const canEdit = (actor: Pick<Actor, "role">) => RANK[actor.role] >= RANK.editor;

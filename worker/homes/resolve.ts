import type { Context } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { isUuid } from "../id-contract";
import { HOME_HEADER, type HomeRole } from "./contract";
import { homeOfAddressed, isAddressedKind, membership } from "./queries";

export interface ResolvedHome {
  homeId: string;
  role: HomeRole;
}

/**
 * The home a request acts on, and the person's role there: the home of /api/homes/<id>/…, or the
 * `home` query parameter or header when given (a home they are not a member of is answered 404, like a missing one); otherwise the
 * home of the row the path names by id (GET /api/tabs/<id> of a shared tab); otherwise the
 * personal home. One query either way.
 */
export async function resolveHome(c: Context<AppEnv>, userId: string): Promise<ResolvedHome> {
  const db = c.var.db;
  const [, api, kind, id] = c.req.path.split("/");
  // /api/homes/<id>/… names its home in the path.
  const requested = (api === "api" && kind === "homes" && id ? id : undefined) ?? c.req.query("home") ?? c.req.header(HOME_HEADER);
  if (requested !== undefined) {
    const homeId = requested.toLowerCase();
    const role = isUuid(homeId) ? await membership(db, userId, homeId) : undefined;
    if (!role) throw notFound("Home");
    return { homeId, role };
  }
  const addressed = api === "api" && kind && id && isAddressedKind(kind) && (kind === "shares" || isUuid(id));
  const found = addressed ? await homeOfAddressed(db, userId, kind, kind === "shares" ? id : id.toLowerCase()) : undefined;
  if (found) return found;
  const role = await membership(db, userId, userId);
  // The personal home cannot be left (homes/service.ts), so this holds for every signed-in person.
  if (!role) throw notFound("Home");
  return { homeId: userId, role };
}

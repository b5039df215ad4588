import type { Context } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { isUuid } from "../id-contract";
import { HOME_HEADER, type HomeRole } from "./contract";
import { homeOfAddressed, isAddressedKind, membership } from "./queries";

const SHARE_TOKEN = /^[A-Za-z0-9_-]{1,100}$/;

export interface ResolvedHome {
  homeId: string;
  role: HomeRole;
}

/**
 * The home a request acts on, and the person's role there: the home of /api/homes/<id>/…, or the
 * `home` query parameter or header when given (a home they are not a member of is answered 404, like a missing one); otherwise the
 * home of the row the path names by id (GET /api/tabs/<id> of a shared tab); otherwise the
 * personal home. At most one query.
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
  // A share is named by its base64url token, every other row by a uuid: anything else names nothing (and NUL would fail the query).
  const wellFormed = kind === "shares" ? SHARE_TOKEN.test(id ?? "") : isUuid(id ?? "");
  const addressed = api === "api" && kind && id && isAddressedKind(kind) && wellFormed;
  const found = addressed ? await homeOfAddressed(db, userId, kind, kind === "shares" ? id : id.toLowerCase()) : undefined;
  if (found) return found;
  // Without a query: the personal home's person is always its owner (homes/service.ts refuses to
  // remove or demote them), and ensureUser made it before this runs.
  return { homeId: userId, role: "owner" };
}

import { createMiddleware } from "hono/factory";
import { ensureUser } from "../users/queries";
import { unauthorized } from "../errors";
import type { AppEnv } from "../env";
import { authConfig, verifyAccessToken } from "./tokens";

/** Requires a valid access token; sets c.var.user and makes sure the user has a row. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization");
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw unauthorized();
  const user = await verifyAccessToken(authConfig(c.env), match[1]);
  await ensureUser(c.var.db, user);
  c.set("user", user);
  await next();
});

import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { routeNotFound, unauthorized } from "../errors";
import { resolveHome } from "../homes/resolve";
import { ensureUser } from "../users/queries";
import { authConfig, verifyAccessToken } from "./tokens";

/** Requires a valid access token; sets c.var.user and makes sure the user has a row. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization");
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw unauthorized();
  const user = await verifyAccessToken(authConfig(c.env), match[1]);
  await ensureUser(c.var.db, user);
  c.set("user", user);
  c.set("home", await resolveHome(c, user.id));
  await next();
});

const encoder = new TextEncoder();
const digest = async (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));

/** Compares digests in constant time, so the secret cannot be guessed a byte at a time. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  return crypto.subtle.timingSafeEqual(await digest(given), await digest(expected));
}

/**
 * Requires the secret shared with the opencode server (its tools call back with it). Runs before
 * the body is validated, so without the secret nothing about the endpoint is revealed; without a
 * configured secret the endpoint does not exist.
 */
export const requireOpencodeToolSecret = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.env.OPENCODE_TOOL_SECRET) throw routeNotFound(c.req.method, c.req.path);
  const token = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  if (!token || !(await sameSecret(token, c.env.OPENCODE_TOOL_SECRET)))
    throw unauthorized("Send the opencode tool secret: Authorization: Bearer <OPENCODE_TOOL_SECRET>");
  await next();
});

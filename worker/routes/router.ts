import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { Actor } from "../actor";
import type { AppEnv } from "../env";
import { ApiError, notFound, validationError } from "../errors";
import { isUuid } from "../id-contract";
import type { IngestContext } from "../readings/ingest";

const TARGET_NAMES: Record<string, string> = { json: "body", query: "query string", param: "path", header: "headers" };

/**
 * Every route file builds its router here, so validation failures all use the error envelope, and
 * no NUL character in a parameter or body gets past validation: Postgres text cannot hold one.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      const where = TARGET_NAMES[result.target] ?? result.target;
      if (!result.success) throw validationError(result.error, where);
      const path = nulPath(result.data);
      if (path) throw new ApiError(400, "invalid_request", `Invalid ${where}: ${path}: ${NUL_MESSAGE}`, [{ path, message: NUL_MESSAGE }]);
    },
  });
}

const NUL_MESSAGE = "must not contain a NUL character (\\u0000)";

/** Where the first string (or key) holding a NUL character is, e.g. "spec.series.0.label", or undefined. */
function nulPath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "(root)" : undefined;
  if (value === null || typeof value !== "object" || value instanceof Date) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000")) return [...path, key].join(".");
    const found = nulPath(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Path ids are validated in the handler: a malformed id is answered like a missing resource. */
export const IdParam = z.object({ id: z.string() });

export function resourceId(id: string, what: string): string {
  if (!isUuid(id)) throw notFound(what);
  return id.toLowerCase();
}

export const bearerAuth = [{ bearerAuth: [] }];

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}

/** The signed-in person behind a request, as the operations take it. */
export function actorOf(c: Context<AppEnv>): Actor {
  const { homeId, role } = c.var.home;
  return { db: c.var.db, env: c.env, userId: c.var.user.id, homeId, role, origin: new URL(c.req.url).origin };
}

/** What a meter's write needs: no user, the request's database, and work that outlives the answer. */
export function ingestContextOf(c: Context<AppEnv>): IngestContext {
  return { db: c.var.db, env: c.env, waitUntil: (work) => c.executionCtx.waitUntil(work) };
}

import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { Actor } from "../actor";
import type { AppEnv } from "../env";
import { notFound, validationError } from "../errors";
import { isUuid } from "../id-contract";
import type { IngestContext } from "../readings/ingest";

const TARGET_NAMES: Record<string, string> = { json: "body", query: "query string", param: "path", header: "headers" };

/** Every route file builds its router here, so validation failures all use the error envelope. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, TARGET_NAMES[result.target] ?? result.target);
    },
  });
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
  return { db: c.var.db, env: c.env, userId: c.var.user.id, origin: new URL(c.req.url).origin };
}

/** What a meter's write needs: no user, the request's database, and work that outlives the answer. */
export function ingestContextOf(c: Context<AppEnv>): IngestContext {
  return { db: c.var.db, env: c.env, waitUntil: (work) => c.executionCtx.waitUntil(work) };
}

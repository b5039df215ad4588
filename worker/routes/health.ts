import { createRoute } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { createRouter, jsonResponse } from "./router";

const HEALTH_TIMEOUT_MS = 3_000;
const Health = z.object({ ok: z.boolean(), db: z.enum(["ok", "down"]) });

export const healthRoutes = createRouter();

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/health",
    tags: ["health"],
    summary: "Liveness and database reachability",
    responses: { 200: jsonResponse("Healthy", Health), 503: jsonResponse("Postgres is unreachable", Health) },
  }),
  async (c) => {
    const reachable = await Promise.race([
      c.var.db.execute(sql`select 1`).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS)),
    ]);
    return reachable ? c.json({ ok: true, db: "ok" as const }, 200) : c.json({ ok: false, db: "down" as const }, 503);
  },
);

import { createRoute } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { MODEL_VERSION } from "../../ml/runtime/forecast";
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

const ModelHealth = z.object({ ok: z.boolean(), model: z.string(), loadMs: z.number().optional() });

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/health/model",
    tags: ["health"],
    summary: "Readiness of the forecast model: loads the ONNX runtime and the model once per isolate",
    responses: { 200: jsonResponse("Loaded", ModelHealth), 503: jsonResponse("The runtime or the model did not load", ModelHealth) },
  }),
  async (c) => {
    const started = performance.now();
    try {
      const { forecastSession } = await import("../runs/forecast-session");
      await forecastSession();
      return c.json({ ok: true, model: MODEL_VERSION, loadMs: Math.round(performance.now() - started) }, 200);
    } catch (error) {
      console.error(`model health: ${error instanceof Error ? error.message : String(error)}`);
      return c.json({ ok: false, model: MODEL_VERSION }, 503);
    }
  },
);

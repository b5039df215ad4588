import { createRoute } from "@hono/zod-openapi";
import { Health, ModelHealth } from "../health/contract";
import { databaseHealth, modelHealth } from "../health/service";
import { createRouter, jsonResponse } from "./router";

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
    const health = await databaseHealth(c.var.db);
    return health.ok ? c.json(health, 200) : c.json(health, 503);
  },
);

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/health/model",
    tags: ["health"],
    summary: "Readiness of the forecast model: loads the ONNX runtime and the model once per isolate",
    responses: { 200: jsonResponse("Loaded", ModelHealth), 503: jsonResponse("The runtime or the model did not load", ModelHealth) },
  }),
  async (c) => {
    const health = await modelHealth();
    return health.ok ? c.json(health, 200) : c.json(health, 503);
  },
);

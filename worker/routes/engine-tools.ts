import { createRoute } from "@hono/zod-openapi";
import { requireOpencodeToolSecret } from "../auth/middleware";
import { EngineToolCallBody, ToolOutcome } from "../chat/contract";
import { runEngineToolCall } from "../chat/tool-calls";
import { ErrorBody, errorResponses } from "../errors";
import { createRouter, jsonBody, jsonResponse } from "./router";

export const engineToolsRoutes = createRouter();

engineToolsRoutes.use("/api/internal/opencode/*", requireOpencodeToolSecret);

engineToolsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/internal/opencode/tool",
    tags: ["internal"],
    summary: "A tool call from the opencode server (Bearer OPENCODE_TOOL_SECRET); runs under the chat's permissions",
    request: jsonBody(EngineToolCallBody),
    responses: {
      200: jsonResponse("What the model reads: the result, or why the tool did not run", ToolOutcome),
      401: jsonResponse("Missing or wrong secret", ErrorBody),
      ...errorResponses(400, 404),
    },
  }),
  async (c) => {
    const call = c.req.valid("json");
    return c.json(await runEngineToolCall(c.var.db, c.env, call.sessionID, call.tool, call.input), 200);
  },
);

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { runEngineToolCall } from "../chat/chat-service";
import { ErrorBody, errorResponses, routeNotFound, unauthorized } from "../errors";
import { createRouter, jsonBody, jsonResponse } from "./router";

export const engineToolsRoutes = createRouter();

const ToolCallBody = z
  .object({
    sessionID: z.string().min(1).max(200),
    messageID: z.string().max(200).optional(),
    callID: z.string().max(200).optional(),
    agent: z.string().max(200).optional(),
    tool: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict();

const ToolOutcome = z.union([
  z.object({ ok: z.literal(true), summary: z.string(), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

const encoder = new TextEncoder();
const digest = async (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));

/** Compares digests in constant time, so the secret cannot be guessed a byte at a time. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  return crypto.subtle.timingSafeEqual(await digest(given), await digest(expected));
}

// Before the body is validated: without the secret, nothing about the endpoint is revealed.
engineToolsRoutes.use("/api/internal/opencode/*", async (c, next) => {
  // Without a configured secret the endpoint does not exist.
  if (!c.env.OPENCODE_TOOL_SECRET) throw routeNotFound(c.req.method, c.req.path);
  const token = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  if (!token || !(await sameSecret(token, c.env.OPENCODE_TOOL_SECRET))) throw unauthorized("Send the opencode tool secret: Authorization: Bearer <OPENCODE_TOOL_SECRET>");
  await next();
});

engineToolsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/internal/opencode/tool",
    tags: ["internal"],
    summary: "A tool call from the opencode server (Bearer OPENCODE_TOOL_SECRET); runs under the chat's permissions",
    request: jsonBody(ToolCallBody),
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

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { authConfig, devUserId, mintDevToken } from "../auth/tokens";
import { ensureUser } from "../users/queries";
import { ApiError, errorResponses } from "../errors";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "./router";

export const authRoutes = createRouter();

const AuthSetup = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("dev") }),
  z.object({ mode: z.literal("supabase"), supabaseUrl: z.string(), anonKey: z.string() }),
  z.object({ mode: z.literal("unconfigured") }),
]);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/auth/config",
    tags: ["auth"],
    summary: "How the web app should sign people in",
    responses: { 200: jsonResponse("Sign-in mode", AuthSetup) },
  }),
  (c) => {
    const config = authConfig(c.env);
    if (config.mode === "supabase") {
      return c.json({ mode: "supabase" as const, supabaseUrl: c.env.SUPABASE_URL!, anonKey: c.env.SUPABASE_ANON_KEY ?? "" }, 200);
    }
    return c.json({ mode: config.mode }, 200);
  },
);

const DevSignInBody = z.object({ email: z.email().max(254).toLowerCase() }).strict();
const DevSignIn = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_at: z.int(),
  user: z.object({ id: z.uuid(), email: z.string() }),
});

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/auth/dev",
    tags: ["auth"],
    summary: "Dev sign-in by email (only when no Supabase project is configured)",
    request: jsonBody(DevSignInBody),
    responses: { 200: jsonResponse("An access token for the email's user", DevSignIn), ...errorResponses(400, 404, 429) },
  }),
  async (c) => {
    const config = authConfig(c.env);
    // With Supabase (or nothing) configured this route must look like it does not exist.
    if (config.mode !== "dev") throw new ApiError(404, "route_not_found", "No route POST /api/auth/dev");
    const { email } = c.req.valid("json");
    const user = { id: await devUserId(email), email };
    await ensureUser(c.var.db, user);
    const { token, expiresAt } = await mintDevToken(config.secret, user);
    return c.json({ access_token: token, token_type: "bearer" as const, expires_at: expiresAt, user }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/me",
    tags: ["auth"],
    summary: "The signed-in user",
    security: bearerAuth,
    responses: { 200: jsonResponse("The user", z.object({ id: z.uuid(), email: z.string().nullable() })), ...errorResponses(401) },
  }),
  (c) => c.json(c.var.user, 200),
);

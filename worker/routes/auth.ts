import { createRoute } from "@hono/zod-openapi";
import { AuthSetup, CurrentUser, DevSignIn, DevSignInBody } from "../auth/contract";
import { authSetup, devSignIn } from "../auth/service";
import { errorResponses } from "../errors";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "./router";

export const authRoutes = createRouter();

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/auth/config",
    tags: ["auth"],
    summary: "How the web app should sign people in",
    responses: { 200: jsonResponse("Sign-in mode", AuthSetup) },
  }),
  (c) => c.json(authSetup(c.env), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/auth/dev",
    tags: ["auth"],
    summary: "Dev sign-in by email (only when no Supabase project is configured)",
    request: jsonBody(DevSignInBody),
    responses: { 200: jsonResponse("An access token for the email's user", DevSignIn), ...errorResponses(400, 404, 429) },
  }),
  async (c) => c.json(await devSignIn(c.var.db, c.env, c.req.valid("json").email), 200),
);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/me",
    tags: ["auth"],
    summary: "The signed-in user",
    security: bearerAuth,
    responses: { 200: jsonResponse("The user", CurrentUser), ...errorResponses(401) },
  }),
  (c) => c.json(c.var.user satisfies CurrentUser, 200),
);

import { z } from "zod";

/** How the web app signs people in: a dev sign-in by email, Supabase, or nothing configured yet. */
export const AuthSetup = z
  .discriminatedUnion("mode", [
    z.object({ mode: z.literal("dev") }),
    z.object({ mode: z.literal("supabase"), supabaseUrl: z.string(), anonKey: z.string() }),
    z.object({ mode: z.literal("unconfigured") }),
  ])
  .meta({ id: "AuthSetup" });
export type AuthSetup = z.infer<typeof AuthSetup>;

export const DevSignInBody = z
  .object({ email: z.email().max(254).toLowerCase() })
  .strict()
  .meta({ id: "DevSignInBody" });
export type DevSignInBody = z.infer<typeof DevSignInBody>;

/** The signed-in person. */
export const CurrentUser = z.object({ id: z.uuid(), email: z.string().nullable() }).meta({ id: "CurrentUser" });
export type CurrentUser = z.infer<typeof CurrentUser>;

/** An access token shaped like Supabase's sign-in answer, so the web app handles both alike. */
export const DevSignIn = z
  .object({
    access_token: z.string(),
    token_type: z.literal("bearer"),
    expires_at: z.int(),
    user: z.object({ id: z.uuid(), email: z.string() }),
  })
  .meta({ id: "DevSignIn" });
export type DevSignIn = z.infer<typeof DevSignIn>;

import { z } from "zod";

export const HOME_ROLES = ["owner", "editor", "viewer"] as const;
export const HomeRole = z.enum(HOME_ROLES).meta({ id: "HomeRole" });
export type HomeRole = z.infer<typeof HomeRole>;

export const HomeName = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

export const Home = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: HomeRole,
    /** The home made for this person at first sign-in (its id is theirs): it cannot be deleted or left. */
    personal: z.boolean(),
  })
  .meta({ id: "Home" });
export type Home = z.infer<typeof Home>;

export const HomeList = z.array(Home).meta({ id: "HomeList" });

export const CreateHomeBody = z.object({ name: HomeName }).strict().meta({ id: "CreateHomeBody" });
export const RenameHomeBody = z.object({ name: HomeName }).strict().meta({ id: "RenameHomeBody" });

export const Member = z
  .object({ userId: z.uuid(), email: z.string().nullable(), role: HomeRole, since: z.string() })
  .meta({ id: "HomeMember" });
export type Member = z.infer<typeof Member>;
export const MemberList = z.array(Member).meta({ id: "HomeMemberList" });

export const UpdateMemberBody = z.object({ role: HomeRole }).strict().meta({ id: "UpdateHomeMemberBody" });

export const CreateInviteBody = z
  .object({
    role: HomeRole,
    /** With Supabase configured, Supabase's invite e-mail sends the link to this address too. */
    email: z.email("must be an e-mail address").optional(),
  })
  .strict()
  .meta({ id: "CreateInviteBody" });
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;

export const Invite = z
  .object({
    /** Shown once: only its SHA-256 is stored. */
    token: z.string(),
    url: z.string(),
    role: HomeRole,
    expiresAt: z.string(),
    /** Whether Supabase's invite e-mail was sent as well (only with Supabase configured and an address given). */
    emailed: z.boolean(),
  })
  .meta({ id: "Invite" });
export type Invite = z.infer<typeof Invite>;

export const AcceptedInvite = z.object({ homeId: z.uuid(), role: HomeRole }).meta({ id: "AcceptedInvite" });
export type AcceptedInvite = z.infer<typeof AcceptedInvite>;

/** The home a request acts on: `?home=<id>` or the X-Wattboard-Home header; without either, the personal home. */
export const HOME_HEADER = "X-Wattboard-Home";

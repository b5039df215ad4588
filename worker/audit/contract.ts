import { z } from "zod";

export const AuditEvent = z
  .object({
    at: z.string(),
    /** Who did it: their id and address (null once the person's account is gone). */
    actor: z.object({ id: z.string().nullable(), email: z.string().nullable() }),
    /** What was done, as `<target kind>.<verb>`, e.g. "tab.update", "member.remove", "auth.sign_in". */
    action: z.string(),
    target: z.object({ kind: z.string(), id: z.string().nullable() }),
    /** A few plain facts (a name, a role); never a secret, a token or a request body. */
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
  })
  .meta({ id: "AuditEvent" });
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditList = z.array(AuditEvent).meta({ id: "AuditList" });

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Events before this instant (the `at` of the last one seen), for the next page. */
  before: z.iso.datetime({ offset: true }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** How long the log keeps an event: a year (scheduled.ts deletes older ones). */
export const AUDIT_KEPT_DAYS = 365;

import { z } from "zod";

/** Every write token starts with this, so a leaked one is recognisable (and scanners can flag it). */
export const WRITE_TOKEN_PREFIX = "wbt_";
/** `wbt_` + 32 random bytes in base64url: 256 bits. */
export const WRITE_TOKEN_PATTERN = /^wbt_[A-Za-z0-9_-]{43}$/;

export const CreateWriteTokenBody = z
  .object({ name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters") })
  .strict()
  .meta({ id: "CreateWriteTokenBody" });
export type CreateWriteTokenBody = z.infer<typeof CreateWriteTokenBody>;

export const WriteToken = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** The token's first characters, so a person can tell their tokens apart; not enough to use one. */
    prefix: z.string(),
    createdAt: z.string(),
    /** Updated at most once a minute. */
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: "WriteToken" });
export type WriteToken = z.infer<typeof WriteToken>;

/** The token itself is in this answer only: it is stored as a hash and cannot be shown again. */
export const CreatedWriteToken = WriteToken.extend({ token: z.string() }).meta({ id: "CreatedWriteToken" });
export type CreatedWriteToken = z.infer<typeof CreatedWriteToken>;

export const WriteTokenList = z.object({ tokens: z.array(WriteToken) }).meta({ id: "WriteTokenList" });
export type WriteTokenList = z.infer<typeof WriteTokenList>;

/** Path ids are checked in the handler, like every id: a malformed one answers 404. */
export const WriteTokenParams = z.object({ id: z.string(), tokenId: z.string() });

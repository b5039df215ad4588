import type { Actor } from "../actor";
import { audit } from "../audit/service";
import type { Database } from "../db/client";
import { ApiError, notFound, unauthorized } from "../errors";
import { requireRole } from "../homes/policy";
import type { Revoked } from "../shares/contract";
import type { MeterRow } from "./queries";
import { requireMeter } from "./service";
import * as stored from "./write-token-queries";
import type { CreatedWriteToken, CreateWriteTokenBody, WriteToken, WriteTokenList } from "./write-tokens-contract";
import { WRITE_TOKEN_PATTERN, WRITE_TOKEN_PREFIX } from "./write-tokens-contract";

/**
 * Write tokens let a meter, Home Assistant or Telegraf write readings to one site (and its device
 * meters) without a user session: they read nothing, and no user route accepts them. Only the
 * SHA-256 of a token is stored.
 */

/** `wbt_` and 8 characters of the random part: enough to tell tokens apart, far too little to guess the rest. */
const SHOWN_PREFIX_LENGTH = WRITE_TOKEN_PREFIX.length + 8;
/** last_used_at is a hint for the person, not an audit log: one write a minute per token at most. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** What a valid token grants: writing to `siteId` and its device meters, all owned by `ownerId`. */
export interface WriteGrant {
  ownerId: string;
  siteId: string;
}

function newWriteToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const base64url = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return `${WRITE_TOKEN_PREFIX}${base64url}`;
}

async function sha256(token: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

function tokenDto(row: stored.WriteTokenRow): WriteToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** The user's site meter; a device meter is refused, naming where its tokens are made. */
async function requireSite(actor: Actor, meterId: string): Promise<MeterRow> {
  const meter = await requireMeter(actor.db, actor.homeId, meterId);
  if (meter.kind !== "site")
    throw new ApiError(
      400,
      "not_a_site_meter",
      `"${meter.name}" is a device meter: write tokens are made on its site meter${meter.parentId ? ` (${meter.parentId})` : ""}, and a site's tokens write to its device meters too`,
    );
  return meter;
}

/** Creates a token for a site meter; the answer is the only time the token is shown. */
export async function createWriteToken(actor: Actor, meterId: string, body: CreateWriteTokenBody): Promise<CreatedWriteToken> {
  requireRole(actor, "editor");
  const site = await requireSite(actor, meterId);
  const token = newWriteToken();
  const row = await stored.insertWriteToken(actor.db, {
    ownerId: actor.homeId,
    meterId: site.id,
    name: body.name,
    tokenHash: hex(await sha256(token)),
    prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
  });
  await audit(actor, "token.create", { kind: "write_token", id: row.id }, { name: row.name, meterId: site.id });
  return { ...tokenDto(row), token };
}

export async function listWriteTokens(actor: Actor, meterId: string): Promise<WriteTokenList> {
  const site = await requireSite(actor, meterId);
  const rows = await stored.listWriteTokens(actor.db, actor.homeId, site.id);
  return { tokens: rows.map(tokenDto) };
}

/** Revokes a token: the next write with it gets 401. */
export async function revokeWriteToken(actor: Actor, meterId: string, tokenId: string): Promise<Revoked> {
  requireRole(actor, "editor");
  const site = await requireSite(actor, meterId);
  if (!(await stored.revokeWriteToken(actor.db, actor.homeId, site.id, tokenId))) throw notFound("Write token");
  await audit(actor, "token.revoke", { kind: "write_token", id: tokenId }, { meterId: site.id });
  return { revoked: true };
}

/**
 * The grant of a live token, or undefined for a malformed, unknown or revoked one. The row is
 * found by the token's hash (which tells a prober nothing about any token), and the hashes are
 * then compared in constant time, so equality never rests on how the index compares text.
 */
export async function resolveWriteToken(db: Database, token: string, now = new Date()): Promise<WriteGrant | undefined> {
  if (!WRITE_TOKEN_PATTERN.test(token)) return undefined;
  const digest = await sha256(token);
  const row = await stored.findLiveWriteToken(db, hex(digest));
  if (!row || !crypto.subtle.timingSafeEqual(digest, hexBytes(row.tokenHash))) return undefined;
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < staleBefore) await stored.touchWriteToken(db, row.id, now, staleBefore);
  return { ownerId: row.ownerId, siteId: row.meterId };
}

/** For the write routes: the grant of a live token, or 401. */
export async function requireWriteGrant(db: Database, token: string): Promise<WriteGrant> {
  const grant = await resolveWriteToken(db, token);
  if (!grant) throw unauthorized("Unknown or revoked write token: create one on the site meter's page (POST /api/meters/{id}/tokens)");
  return grant;
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export const bearerToken = (authorization: string | undefined) => /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];

function hexBytes(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(text.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? []);
}

/** The meter a grant may write to: its site or one of the site's device meters; undefined for any other. */
export function meterOfGrant(db: Database, grant: WriteGrant, meterId: string): Promise<MeterRow | undefined> {
  return stored.findMeterOfSite(db, grant.ownerId, grant.siteId, meterId);
}

/** The site a grant writes to and its device meters; undefined once the site is gone. */
export async function metersOfGrant(db: Database, grant: WriteGrant): Promise<{ site: MeterRow; devices: MeterRow[] } | undefined> {
  const rows = await stored.listMetersOfSite(db, grant.ownerId, grant.siteId);
  const site = rows.find((meter) => meter.id === grant.siteId);
  return site && { site, devices: rows.filter((meter) => meter.parentId === site.id) };
}

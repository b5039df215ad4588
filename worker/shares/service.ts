import type { Actor } from "../actor";
import { audit } from "../audit/service";
import { requireChart } from "../charts/service";
import { notFound } from "../errors";
import { requireRole } from "../homes/policy";
import { isShareToken } from "../id-contract";
import { requireTab } from "../tabs/service";
import type { LiveShare, Revoked, Share, ShareList, ShareRequest, ShareTargetQuery } from "./contract";
import { shareUrls } from "./public-view";
import type { ShareRow } from "./queries";
import * as queries from "./queries";
import { forgetCachedShare } from "./share-cache";

/** A link as its owner sees it: where it lives, what it shows, how often it was opened. */
function sharePayload(origin: string, row: ShareRow, title: string | null): Share {
  const { url, embedUrl } = shareUrls(origin, row.token);
  return {
    token: row.token,
    url,
    embedUrl,
    kind: row.kind,
    targetId: row.targetId,
    title,
    viewerMayChangeRange: row.viewerMayChangeRange,
    showAnnotations: row.showAnnotations,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    viewCount: row.viewCount,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The target's live link, or a new one when there is none or `renew` asks for it (renewing revokes
 * the live one). The one place links are made; concurrent first shares give one link.
 */
async function liveOrNewShare(
  { db, homeId, origin }: Actor,
  { kind, id, expiresAt, viewerMayChangeRange = false, showAnnotations = false, renew = false }: ShareRequest,
): Promise<ShareRow> {
  const target = { ownerId: homeId, kind, targetId: id };
  const live = renew ? undefined : await queries.findLiveShare(db, homeId, kind, id);
  if (live) return live;
  const { share, replaced } = await db.transaction(async (tx) => {
    const replaced = await queries.revokeReplacedShares(tx, target, renew);
    const share = await queries.createShareOnce(tx, {
      ...target,
      viewerMayChangeRange,
      showAnnotations,
      expiresAt: expiresAt ? new Date(expiresAt) : null,
    });
    return { share, replaced };
  });
  await Promise.all(replaced.map((token) => forgetCachedShare(origin, token)));
  return share;
}

/** Shares one of the user's charts or tabs as a public link (404 for a missing or foreign one). */
export async function shareTarget(actor: Actor, request: ShareRequest): Promise<Share> {
  requireRole(actor, "editor");
  const target = await requireTarget(actor, request);
  const share = await liveOrNewShare(actor, request);
  // The token is the link's only key: the log names the target, never the token.
  await audit(actor, "share.create", { kind: request.kind, id: request.id }, { title: target.title });
  return sharePayload(actor.origin, share, target.title);
}

const requireTarget = (actor: Actor, { kind, id }: ShareTargetQuery) =>
  kind === "chart" ? requireChart(actor, id) : requireTab(actor, id);

/** The live link of one of the user's charts or tabs, if there is one; nothing is made (404 for a foreign one). */
export async function liveShareOf(actor: Actor, query: ShareTargetQuery): Promise<LiveShare> {
  const target = await requireTarget(actor, query);
  const live = await queries.findLiveShare(actor.db, actor.homeId, query.kind, query.id);
  return { share: live ? sharePayload(actor.origin, live, target.title) : null };
}

/** The user's links that are not revoked (expired ones too), newest first. */
export async function listShares(actor: Actor): Promise<ShareList> {
  const rows = await queries.listShares(actor.db, actor.homeId);
  return { shares: rows.map((row) => sharePayload(actor.origin, row, row.title)) };
}

/** Revokes a link and drops it from this location's edge cache, so it dies here at once. */
export async function revokeShare(actor: Actor, token: string): Promise<Revoked> {
  requireRole(actor, "editor");
  const { db, homeId, origin } = actor;
  // Not a token's shape: no such link, without asking the database.
  if (!isShareToken(token) || !(await queries.revokeShare(db, homeId, token))) throw notFound("Share");
  await forgetCachedShare(origin, token);
  await audit(actor, "share.revoke", { kind: "share" });
  return { revoked: true };
}

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { getChart } from "../charts/queries";
import { createShare, findLiveShare, listShares, revokeShare, type ShareRow } from "../shares/queries";
import { getTab } from "../tabs/queries";
import { errorResponses, notFound } from "../errors";
import { CreateShareBody, Share } from "../shares/contract";
import { forgetCachedShare } from "../shares/share-cache";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "./router";

export const sharesRoutes = createRouter();

function shareDto(row: ShareRow & { title: string | null }, requestUrl: string): Share {
  return {
    token: row.token,
    url: new URL(`/s/${row.token}`, requestUrl).toString(),
    embedUrl: new URL(`/embed/${row.token}`, requestUrl).toString(),
    kind: row.kind,
    targetId: row.targetId,
    title: row.title,
    viewerMayChangeRange: row.viewerMayChangeRange,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    viewCount: row.viewCount,
    createdAt: row.createdAt.toISOString(),
  };
}

sharesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/shares",
    tags: ["shares"],
    summary: "Share a chart or a tab as a public link (the live link is returned again unless renew is set)",
    security: bearerAuth,
    request: jsonBody(CreateShareBody),
    responses: { 201: jsonResponse("The link", Share), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { kind, id, expiresAt, viewerMayChangeRange, renew } = c.req.valid("json");
    const userId = c.var.user.id;
    const target = kind === "chart" ? await getChart(c.var.db, userId, id) : await getTab(c.var.db, userId, id);
    if (!target) throw notFound(kind === "chart" ? "Chart" : "Tab");
    const existing = renew ? undefined : await findLiveShare(c.var.db, userId, kind, id);
    const share = existing ?? (await createShare(c.var.db, { ownerId: userId, kind, targetId: id, viewerMayChangeRange, expiresAt: expiresAt ? new Date(expiresAt) : null }));
    return c.json(shareDto({ ...share, title: target.title }, c.req.url), 201);
  },
);

sharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/shares",
    tags: ["shares"],
    summary: "My live and expired (not revoked) links, newest first, with view counts",
    security: bearerAuth,
    responses: { 200: jsonResponse("Links", z.object({ shares: z.array(Share) })), ...errorResponses(401) },
  }),
  async (c) => c.json({ shares: (await listShares(c.var.db, c.var.user.id)).map((row) => shareDto(row, c.req.url)) }, 200),
);

sharesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/shares/{token}",
    tags: ["shares"],
    summary: "Revoke a link; it stops working within seconds everywhere",
    security: bearerAuth,
    request: { params: z.object({ token: z.string().max(100) }) },
    responses: { 200: jsonResponse("Revoked", z.object({ revoked: z.literal(true) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const { token } = c.req.valid("param");
    if (!(await revokeShare(c.var.db, c.var.user.id, token))) throw notFound("Share");
    c.executionCtx.waitUntil(forgetCachedShare(c.req.url, token));
    return c.json({ revoked: true as const }, 200);
  },
);

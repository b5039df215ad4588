import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { errorResponses } from "../errors";
import { clientIp } from "../rate-limits";
import { OEmbed, OEmbedQuery, PublicShare, PublicShareRange } from "../shares/contract";
import { sharePreviewSvg } from "../shares/preview-svg";
import { openPublicShare, publicOEmbed, type Visitor } from "../shares/public-view";
import { cachedShare, cacheShare, SHARE_CACHE_SECONDS } from "../shares/share-cache";
import { createRouter, jsonResponse } from "./router";

export const publicSharesRoutes = createRouter();

/** Whoever opens a public link, as the public share operations take them. */
export function visitorOf(c: Context<AppEnv>): Visitor {
  return { db: c.var.db, env: c.env, origin: new URL(c.req.url).origin, ip: clientIp((name) => c.req.header(name)) };
}

const TokenParam = z.object({ token: z.string() });

publicSharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/public/shares/{token}",
    tags: ["shares"],
    summary: "A shared chart or tab with its data (no sign-in); 404 once revoked or expired",
    request: { params: TokenParam, query: PublicShareRange },
    responses: { 200: jsonResponse("The shared objects", PublicShare), ...errorResponses(400, 404, 429) },
  }),
  async (c) => {
    const { token } = c.req.valid("param");
    const range = c.req.valid("query");
    const visitor = visitorOf(c);
    // A hit needs no rate limit: guesses and hot links that reach Postgres are the ones limited.
    const cached = await cachedShare(visitor.origin, token, range);
    // A cached response's headers are immutable: copy it so middleware can add its own.
    if (cached) return new Response(cached.body, cached) as never;
    const response = c.json(await openPublicShare(visitor, token, range), 200, {
      "Cache-Control": `public, max-age=${SHARE_CACHE_SECONDS}`,
    });
    c.executionCtx.waitUntil(cacheShare(visitor.origin, token, range, response.clone()));
    return response;
  },
);

publicSharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/public/shares/{token}/preview.svg",
    tags: ["shares"],
    summary: "The link's unfurl image: title and the first chart, drawn on the server",
    request: { params: TokenParam },
    responses: { 200: { description: "SVG image", content: { "image/svg+xml": { schema: z.string() } } }, ...errorResponses(404, 429) },
  }),
  async (c) => {
    const svg = sharePreviewSvg(await openPublicShare(visitorOf(c), c.req.valid("param").token));
    return c.body(svg, 200, { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": `public, max-age=${SHARE_CACHE_SECONDS}` });
  },
);

publicSharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/public/oembed",
    tags: ["shares"],
    summary: "oEmbed for a shared link, so pages and editors can embed it",
    request: { query: OEmbedQuery },
    responses: { 200: jsonResponse("oEmbed rich response", OEmbed), ...errorResponses(400, 404, 429) },
  }),
  async (c) => c.json(await publicOEmbed(visitorOf(c), c.req.valid("query")), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { openShare } from "../shares/queries";
import { errorResponses, notFound } from "../errors";
import { clientIp, enforceLimit } from "../rate-limits";
import { PublicShare } from "../shares/contract";
import { publicShareView } from "../shares/public-view";
import { cachedShare, cacheShare, SHARE_CACHE_SECONDS } from "../shares/share-cache";
import { createRouter, jsonResponse } from "./router";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { sharePreviewSvg } from "../shares/preview-svg";
import { isShareToken, SHARE_TOKEN_PATTERN } from "../id-contract";

export const publicSharesRoutes = createRouter();

const gone = () => notFound("Share");

const SHARE_LIMIT_MESSAGE = "Too many requests for shared links; wait a minute and try again";

/** Rate limits a public read by client IP and by token; 429 with Retry-After past either. */
async function limitPublicRead(c: { env: Env; req: { header(name: string): string | undefined } }, token: string): Promise<void> {
  await Promise.all([
    enforceLimit(c.env, "SHARE_IP_LIMITER", clientIp((name) => c.req.header(name)), SHARE_LIMIT_MESSAGE),
    enforceLimit(c.env, "SHARE_TOKEN_LIMITER", token, SHARE_LIMIT_MESSAGE),
  ]);
}

async function loadPublicShare(db: Database, token: string, range?: { from: Date; to: Date }) {
  if (!isShareToken(token)) throw gone();
  const share = await openShare(db, token);
  if (!share) throw gone();
  const view = await publicShareView(db, share, range);
  if (!view) throw gone();
  return view;
}

publicSharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/public/shares/{token}",
    tags: ["shares"],
    summary: "A shared chart or tab with its data (no sign-in); 404 once revoked or expired",
    request: {
      params: z.object({ token: z.string() }),
      query: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
    },
    responses: { 200: jsonResponse("The shared objects", PublicShare), ...errorResponses(400, 404, 429) },
  }),
  async (c) => {
    const { token } = c.req.valid("param");
    const { from, to } = c.req.valid("query");
    const search = from && to ? `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : "";
    // Only live links are ever cached, so a hit needs no limit: guesses and hot links that reach
    // Postgres are the ones limited.
    const cached = isShareToken(token) ? await cachedShare(c.req.url, token, search) : undefined;
    // A cached response's headers are immutable: copy it so middleware can add its own.
    if (cached) return new Response(cached.body, cached) as never;
    await limitPublicRead(c, token);
    if (!isShareToken(token)) throw gone();

    const range = from && to && Date.parse(from) < Date.parse(to) ? { from: new Date(from), to: new Date(to) } : undefined;
    const view = await loadPublicShare(c.var.db, token, range);
    const response = c.json(view, 200, { "Cache-Control": `public, max-age=${SHARE_CACHE_SECONDS}` });
    c.executionCtx.waitUntil(cacheShare(c.req.url, token, search, response.clone()));
    return response;
  },
);

publicSharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/public/shares/{token}/preview.svg",
    tags: ["shares"],
    summary: "The link's unfurl image: title and the first chart, drawn on the server",
    request: { params: z.object({ token: z.string() }) },
    responses: { 200: { description: "SVG image", content: { "image/svg+xml": { schema: z.string() } } }, ...errorResponses(404, 429) },
  }),
  async (c) => {
    const { token } = c.req.valid("param");
    await limitPublicRead(c, token);
    const svg = sharePreviewSvg(await loadPublicShare(c.var.db, token));
    return c.body(svg, 200, { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": `public, max-age=${SHARE_CACHE_SECONDS}` });
  },
);

const EMBED = { width: 800, height: 450 };

publicSharesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/public/oembed",
    tags: ["shares"],
    summary: "oEmbed for a shared link, so pages and editors can embed it",
    request: { query: z.object({ url: z.url(), format: z.enum(["json"]).default("json"), maxwidth: z.coerce.number().int().min(100).optional(), maxheight: z.coerce.number().int().min(100).optional() }) },
    responses: { 200: jsonResponse("oEmbed rich response", z.record(z.string(), z.unknown())), ...errorResponses(400, 404, 429) },
  }),
  async (c) => {
    const { url, maxwidth, maxheight } = c.req.valid("query");
    const token = new RegExp(`/(?:s|embed)/(${SHARE_TOKEN_PATTERN})$`).exec(new URL(url).pathname)?.[1];
    if (!token) throw gone();
    await limitPublicRead(c, token);
    const view = await loadPublicShare(c.var.db, token);
    const origin = new URL(c.req.url).origin;
    const width = Math.min(maxwidth ?? EMBED.width, EMBED.width);
    const height = Math.min(maxheight ?? EMBED.height, EMBED.height);
    return c.json(
      {
        type: "rich",
        version: "1.0",
        title: view.title,
        provider_name: "Wattboard",
        provider_url: origin,
        width,
        height,
        html: `<iframe src="${origin}/embed/${token}" width="${width}" height="${height}" style="border:0" loading="lazy" title="${view.title.replace(/"/g, "&quot;")}"></iframe>`,
        thumbnail_url: `${origin}/api/public/shares/${token}/preview.svg`,
        thumbnail_width: 1200,
        thumbnail_height: 630,
      },
      200,
    );
  },
);

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { openShare } from "../db/shares";
import { ApiError, errorResponses, notFound } from "../errors";
import { PublicShare } from "../schemas/shares";
import { publicShareView } from "../shares/public-view";
import { cachedShare, cacheShare, SHARE_CACHE_SECONDS } from "../shares/share-cache";
import { createRouter, jsonResponse } from "./router";

export const publicSharesRoutes = createRouter();

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const gone = () => notFound("Share");

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
    const ip = c.req.header("CF-Connecting-IP") ?? "unknown";
    const [byIp, byToken] = await Promise.all([c.env.SHARE_IP_LIMITER.limit({ key: ip }), c.env.SHARE_TOKEN_LIMITER.limit({ key: token })]);
    if (!byIp.success || !byToken.success) {
      c.header("Retry-After", "60");
      throw new ApiError(429, "rate_limited", "Too many requests for shared links; wait a minute and try again");
    }
    if (!TOKEN.test(token)) throw gone();
    const { from, to } = c.req.valid("query");
    const search = from && to ? `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : "";
    const cached = await cachedShare(c.req.url, token, search);
    if (cached) return cached as never;

    const share = await openShare(c.var.db, token);
    if (!share) throw gone();
    const range = from && to && Date.parse(from) < Date.parse(to) ? { from: new Date(from), to: new Date(to) } : undefined;
    const view = await publicShareView(c.var.db, share, range);
    if (!view) throw gone();
    const response = c.json(view, 200, { "Cache-Control": `public, max-age=${SHARE_CACHE_SECONDS}` });
    c.executionCtx.waitUntil(cacheShare(c.req.url, token, search, response.clone()));
    return response;
  },
);

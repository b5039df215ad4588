import { isShareToken } from "../id-contract";
import type { PublicShareRange } from "./contract";

/**
 * Public share payloads are cached at the edge (Cache API) for a few seconds: a link pasted in a
 * busy channel is served without touching Postgres. Revoking deletes the local entry at once; in
 * other locations an entry lives at most SHARE_CACHE_SECONDS, so a revoked link dies in seconds.
 */
export const SHARE_CACHE_SECONDS = 10;

function cacheKey(origin: string, token: string, range: PublicShareRange = {}): Request {
  const search = range.from && range.to ? `?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}` : "";
  return new Request(new URL(`/api/public/shares/${encodeURIComponent(token)}${search}`, origin).toString());
}

/** Only live links are ever cached, so a malformed token is not even looked up. */
export async function cachedShare(origin: string, token: string, range: PublicShareRange): Promise<Response | undefined> {
  if (!isShareToken(token)) return undefined;
  return (await caches.default.match(cacheKey(origin, token, range))) ?? undefined;
}

export async function cacheShare(origin: string, token: string, range: PublicShareRange, response: Response): Promise<void> {
  await caches.default.put(cacheKey(origin, token, range), response);
}

export async function forgetCachedShare(origin: string, token: string): Promise<void> {
  await caches.default.delete(cacheKey(origin, token));
}

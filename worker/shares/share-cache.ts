/**
 * Public share payloads are cached at the edge (Cache API) for a few seconds: a link pasted in a
 * busy channel is served without touching Postgres. Revoking deletes the local entry at once; in
 * other locations an entry lives at most SHARE_CACHE_SECONDS, so a revoked link dies in seconds.
 */
export const SHARE_CACHE_SECONDS = 10;

function cacheKey(requestUrl: string, token: string, search = ""): Request {
  return new Request(new URL(`/api/public/shares/${encodeURIComponent(token)}${search}`, requestUrl).toString());
}

export async function cachedShare(requestUrl: string, token: string, search: string): Promise<Response | undefined> {
  return (await caches.default.match(cacheKey(requestUrl, token, search))) ?? undefined;
}

export async function cacheShare(requestUrl: string, token: string, search: string, response: Response): Promise<void> {
  await caches.default.put(cacheKey(requestUrl, token, search), response);
}

export async function forgetCachedShare(requestUrl: string, token: string): Promise<void> {
  await caches.default.delete(cacheKey(requestUrl, token));
}

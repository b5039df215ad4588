/**
 * Which home the app shows: the URL says it (`?home=<id>`; none is the personal home), so a link
 * or a reload opens the same home. Every API call sends it (api/client.ts), and a switch reloads
 * the page, so nothing of the previous home stays on screen.
 */
export function currentHomeParam(): string | null {
  return new URLSearchParams(location.search).get("home");
}

/** An app path in the home being shown. */
export function inHome(path: string): string {
  const home = currentHomeParam();
  return home ? `${path}?home=${encodeURIComponent(home)}` : path;
}

/** Opens another home (null: the personal one) on its dashboard. */
export function switchHome(id: string | null) {
  location.assign(id ? `/?home=${encodeURIComponent(id)}` : "/");
}

/**
 * Whether an event of `homeId` is about the home on screen. Without a `home` in the URL the
 * personal home is shown, whose id the page does not hold: events of the homes the URL does not
 * name are taken as its own (a needless refresh at worst).
 */
export function isShownHome(homeId: string): boolean {
  const home = currentHomeParam();
  return home === null || home === homeId;
}

/**
 * Which URLs Wattboard may call on a person's behalf (alert channels), checked when a channel is
 * made or changed AND again before every delivery, so the feature cannot be turned against hosts
 * behind the Worker. In production: https only, and no loopback, private, link-local or shared
 * address, no local-only name, no IP literal in an odd form (decimal, octal, hex, IPv4-mapped
 * IPv6). The local dev stack and the tests set ALLOW_LOCAL_CHANNEL_URLS=true, which allows http
 * and those addresses. Host names are not resolved here (a Worker has no DNS lookup): a public
 * name pointing at a private address is refused by the platform's own egress, not by this check.
 * No Node or Worker imports: the web app and Node tests may use it too.
 */

export interface OutgoingUrlPolicy {
  /** ALLOW_LOCAL_CHANNEL_URLS=true: http and loopback/private addresses are allowed (dev, tests). */
  allowLocal: boolean;
}

export const MAX_CHANNEL_URL_LENGTH = 2000;

/** Why the URL is refused (words that complete "url …"), or null when it may be called. */
export function outgoingUrlProblem(raw: string, policy: OutgoingUrlPolicy): string | null {
  if (raw.length > MAX_CHANNEL_URL_LENGTH) return `must be at most ${MAX_CHANNEL_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL";
  if (url.protocol === "http:" && !policy.allowLocal) return "must use https";
  if (url.username || url.password) return "must not carry a user name or password";
  if (policy.allowLocal) return null;

  const host = url.hostname.toLowerCase();
  // The WHATWG parser rewrites 2130706433, 0x7f.1 and 0177.0.0.1 to 127.0.0.1: compare with
  // what was written, so an IP literal in any form but the plain one is refused outright.
  const written = writtenHost(raw);
  if (isIpv4(host) && written !== host) return "must not use an IP address in an unusual form";
  if (host.startsWith("[")) {
    const groups = ipv6Groups(host.slice(1, -1));
    if (!groups) return "must not use an IP address in an unusual form";
    const refused = refusedIpv6(groups);
    if (refused) return `must not point at ${refused}`;
    return null;
  }
  if (isIpv4(host)) {
    const refused = refusedIpv4(host.split(".").map(Number));
    return refused ? `must not point at ${refused}` : null;
  }
  const name = host.replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return "must not point at localhost";
  if (name.endsWith(".local") || name.endsWith(".internal") || name.endsWith(".localdomain") || name.endsWith(".home.arpa"))
    return "must not point at a local network name";
  if (!name.includes(".")) return "must be a public host name";
  return null;
}

/** The host part as the person typed it (lower case, brackets kept), before the URL parser normalised it. */
function writtenHost(raw: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#\\]*@)?(\[[^\]]*\]|[^:/?#\\]*)/i.exec(raw.trim());
  return (match?.[1] ?? "").toLowerCase();
}

const isIpv4 = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/** What a refused IPv4 address is, or null for a public one. */
function refusedIpv4([a, b]: number[]): string | null {
  if (a === 0) return "an unspecified address (0.0.0.0/8)";
  if (a === 127) return "a loopback address";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private address";
  if (a === 169 && b === 254) return "a link-local address";
  if (a === 100 && b >= 64 && b <= 127) return "a shared (carrier-grade NAT) address";
  if (a === 192 && b === 0) return "a reserved address";
  if (a === 198 && (b === 18 || b === 19)) return "a reserved address";
  if (a >= 224) return "a multicast or reserved address";
  return null;
}

/** The eight 16-bit groups of an IPv6 address as the URL parser prints it (compressed, hex), or null. */
function ipv6Groups(address: string): number[] | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) =>
    part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : Number.NaN));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array(missing).fill(0), ...tail];
  return groups.some(Number.isNaN) ? null : groups;
}

function refusedIpv6(groups: number[]): string | null {
  const leadingZeros = groups.findIndex((g) => g !== 0);
  if (leadingZeros === -1) return "an unspecified address (::)";
  if (leadingZeros === 7 && groups[7] === 1) return "a loopback address";
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) reach IPv4 hosts: an odd form for any of them.
  if (leadingZeros >= 5 && (groups[5] === 0xffff || groups[5] === 0)) return "an IPv4 address written as IPv6";
  if (groups[0] === 0x64 && groups[1] === 0xff9b) return "an IPv4 address written as IPv6 (NAT64)";
  if ((groups[0] & 0xfe00) === 0xfc00) return "a private address (fc00::/7)";
  if ((groups[0] & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((groups[0] & 0xff00) === 0xff00) return "a multicast address";
  return null;
}

/** The URL with its path, query and fragment hidden, for messages: they may hold a token. */
export function urlForLogs(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return "(invalid URL)";
  }
}

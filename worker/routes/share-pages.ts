import { Hono } from "hono";
import type { AppEnv } from "../env";
import { sharePageTitle, shareUrls } from "../shares/public-view";
import { visitorOf } from "./public-shares";

/**
 * The public pages of a shared link: the SPA's page, with link-preview tags for the shared title
 * and headers that allow framing only for /embed. The data comes from /api/public/shares/:token.
 */
export const sharePagesRoutes = new Hono<AppEnv>();

/**
 * Sources the SPA needs: its own scripts, the exact inline ones it ships (by hash: the theme
 * bootstrap, and Vite's preamble in dev), eval for Plotly, inline styles for Vite and Plotly.
 */
function contentSecurityPolicy(inlineScriptHashes: string[], embed: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-eval' ${inlineScriptHashes.map((hash) => `'sha256-${hash}'`).join(" ")}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    // Only the embed page may be framed, by any site; the share page never.
    `frame-ancestors ${embed ? "*" : "'none'"}`,
  ].join("; ");
}

/** The SPA's page is the same for every request of a deployment: its hashes are computed once per isolate. */
let scriptHashes: { html: string; hashes: Promise<string[]> } | undefined;

function inlineScriptHashes(html: string): Promise<string[]> {
  if (scriptHashes?.html !== html) {
    const bodies = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1]);
    const hashes = Promise.all(
      bodies.map(async (body) =>
        btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body))))),
      ),
    );
    scriptHashes = { html, hashes };
  }
  return scriptHashes.hashes;
}

const escapeAttribute = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

for (const [path, embed] of [
  ["/s/:token", false],
  ["/embed/:token", true],
] as const) {
  sharePagesRoutes.get(path, async (c) => {
    const visitor = visitorOf(c);
    const token = c.req.param("token");
    const title = await sharePageTitle(visitor, token);
    const html = await (await c.env.ASSETS.fetch(new Request(new URL("/", c.req.url)))).text();
    const { url, previewUrl, oEmbedUrl } = shareUrls(visitor.origin, token);
    const meta = title
      ? [
          `<meta property="og:title" content="${escapeAttribute(title)}">`,
          `<meta property="og:description" content="Live energy chart shared from Wattboard">`,
          `<meta property="og:url" content="${url}">`,
          `<meta property="og:image" content="${previewUrl}">`,
          `<meta name="twitter:card" content="summary_large_image">`,
          `<link rel="alternate" type="application/json+oembed" href="${oEmbedUrl}" title="${escapeAttribute(title)}">`,
        ].join("")
      : `<meta name="robots" content="noindex">`;
    const rewritten = new HTMLRewriter()
      .on("title", {
        element: (element) => void element.setInnerContent(title ? `${title} · Wattboard` : "Link not available · Wattboard"),
      })
      .on("head", { element: (element) => void element.append(meta, { html: true }) })
      .transform(new Response(html));
    const headers = new Headers();
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    headers.set("Content-Security-Policy", contentSecurityPolicy(await inlineScriptHashes(html), embed));
    if (!embed) headers.set("X-Frame-Options", "DENY");
    return new Response(rewritten.body, { status: title ? 200 : 404, headers });
  });
}

import { type MouseEvent, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type Share, sharesApi } from "../api/shares";
import { Dialog } from "../ui/Dialog";
import "./shares.css";
import { ErrorLine } from "../ui/ErrorLine";

function embedCode(share: Share, title: string): string {
  const safeTitle = title.replace(/"/g, "&quot;");
  return `<iframe src="${share.embedUrl}" width="800" height="450" style="border:0" loading="lazy" title="${safeTitle}"></iframe>`;
}

const EXPIRY = [
  { label: "Never", days: 0 },
  { label: "1 day", days: 1 },
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
];

/**
 * Share a chart or tab: its live link if it has one, else a "Create link" button (opening the
 * dialog makes nothing); embed code, expiry, range option, revoke, and the way to all links.
 */
export function ShareDialog({ kind, id, title, onClose }: { kind: "chart" | "tab"; id: string; title: string; onClose: () => void }) {
  /** undefined while the live link is looked up, null when there is none. */
  const [share, setShare] = useState<Share | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [revoked, setRevoked] = useState(false);

  useEffect(() => {
    sharesApi.live({ kind, id }).then(setShare, (caught) => setError(errorText(caught)));
  }, [kind, id]);

  async function create() {
    try {
      setShare(await sharesApi.share({ kind, id }));
      setRevoked(false);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  /** A new link with other options; the server revokes the one it replaces. */
  async function renew(options: { days?: number; viewerMayChangeRange?: boolean; showAnnotations?: boolean }) {
    const days = options.days ?? (share?.expiresAt ? Math.round((Date.parse(share.expiresAt) - Date.now()) / 86_400_000) : 0);
    try {
      const next = await sharesApi.share({
        kind,
        id,
        renew: true,
        viewerMayChangeRange: options.viewerMayChangeRange ?? share?.viewerMayChangeRange ?? false,
        showAnnotations: options.showAnnotations ?? share?.showAnnotations ?? false,
        ...(days > 0 ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
      });
      setShare(next);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function revoke() {
    if (!share) return;
    try {
      await sharesApi.revoke(share.token);
      setShare(null);
      setRevoked(true);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  function openSharedPage(event: MouseEvent) {
    event.preventDefault();
    history.pushState(null, "", "/shared");
    // The shell follows the address on popstate.
    dispatchEvent(new PopStateEvent("popstate"));
    onClose();
  }

  async function copy(text: string, what: string) {
    await navigator.clipboard?.writeText(text).catch(() => {});
    setCopied(what);
  }

  const expiryDays = share?.expiresAt ? Math.max(1, Math.round((Date.parse(share.expiresAt) - Date.now()) / 86_400_000)) : 0;

  return (
    <Dialog title={`Share “${title}”`} onClose={onClose} className="share-dialog">
      <ErrorLine error={error} />
      {share === undefined && !error && <p className="muted">Looking for a link…</p>}
      {share === null && (
        <div className="share-body">
          <p>
            {revoked
              ? "The link is revoked: anyone who opens it now sees that it is no longer available."
              : `This ${kind} has no public link. A link lets anyone who has it see the ${kind === "tab" ? "tab's charts" : "chart"} and its data, without an account.`}
          </p>
          <button type="button" className="primary" onClick={() => void create()}>
            Create link
          </button>
        </div>
      )}
      {share && (
        <div className="share-body">
          <p className="muted">
            Anyone with the link can see this {kind === "tab" ? "tab's charts" : "chart"} and its data, live, without an account. Nothing
            else of your account is reachable from it.
          </p>
          <label>
            Link
            <span className="copy-row">
              <input readOnly value={share.url} aria-label="Share link" onFocus={(e) => e.target.select()} />
              <button type="button" onClick={() => void copy(share.url, "link")}>
                {copied === "link" ? "Copied" : "Copy link"}
              </button>
            </span>
          </label>
          <label>
            Embed code
            <span className="copy-row">
              <input readOnly value={embedCode(share, title)} aria-label="Embed code" onFocus={(e) => e.target.select()} />
              <button type="button" onClick={() => void copy(embedCode(share, title), "embed")}>
                {copied === "embed" ? "Copied" : "Copy embed"}
              </button>
            </span>
          </label>
          <div className="share-options">
            <label>
              Expires
              <select
                value={EXPIRY.some((e) => e.days === expiryDays) ? expiryDays : 0}
                onChange={(e) => void renew({ days: Number(e.target.value) })}
              >
                {EXPIRY.map((option) => (
                  <option key={option.days} value={option.days}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={share.viewerMayChangeRange}
                onChange={(e) => void renew({ viewerMayChangeRange: e.target.checked })}
              />
              Viewers may change the time range
            </label>
            <label className="check">
              <input type="checkbox" checked={share.showAnnotations} onChange={(e) => void renew({ showAnnotations: e.target.checked })} />
              Show the notes on the charts (“away”, “heat pump installed”)
            </label>
          </div>
          <p className="muted small">
            Changing these makes a new link and revokes this one. {share.viewCount} view{share.viewCount === 1 ? "" : "s"} so far.
          </p>
          <footer className="share-actions">
            <a href={share.url} target="_blank" rel="noreferrer">
              Open the link
            </a>
            <button type="button" className="danger" onClick={() => void revoke()}>
              Revoke link
            </button>
          </footer>
        </div>
      )}
      <p className="share-audit small">
        <a href="/shared" onClick={openSharedPage}>
          All shared links
        </a>{" "}
        <span className="muted">(who can see what, views, revoke)</span>
      </p>
    </Dialog>
  );
}

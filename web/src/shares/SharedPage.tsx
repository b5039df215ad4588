import { useCallback, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type Share, sharesApi } from "../api/shares";
import "./shares.css";
import { useHomeRole } from "../homes/home-role";
import { ErrorLine } from "../ui/ErrorLine";
import { RevokeButton } from "../ui/RevokeButton";

/** Every public link of the person: what it shows, how often it was opened, and revoke. */
export function SharedPage() {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { canEdit } = useHomeRole();

  const reload = useCallback(() => sharesApi.list().then(setShares, (caught) => setError(errorText(caught))), []);
  useEffect(() => void reload(), [reload]);

  async function revoke(share: Share) {
    if (!confirm("Revoke this link? Anyone who opens it will see that it is no longer available.")) return;
    try {
      await sharesApi.revoke(share.token);
      await reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  const now = Date.now();
  return (
    <main className="workspace shared-page">
      <h2>Shared links</h2>
      <ErrorLine error={error} />
      {shares?.length === 0 && (
        <p className="muted">Nothing is shared. Share a chart from its ⋯ menu, or a whole tab from the tab's menu.</p>
      )}
      {shares && shares.length > 0 && (
        <table className="card">
          <thead>
            <tr>
              <th>Link</th>
              <th>Shows</th>
              <th>Expires</th>
              <th>Views</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shares.map((share) => {
              const expired = share.expiresAt !== null && Date.parse(share.expiresAt) <= now;
              return (
                <tr key={share.token}>
                  <td>
                    <a href={share.url} target="_blank" rel="noreferrer">
                      {share.url}
                    </a>
                  </td>
                  <td>
                    {share.title ? `${share.kind === "tab" ? "Tab" : "Chart"} “${share.title}”` : "Deleted since"}
                    {share.viewerMayChangeRange ? " · viewers pick the range" : ""}
                  </td>
                  <td>{share.expiresAt ? (expired ? "Expired" : new Date(share.expiresAt).toLocaleString()) : "Never"}</td>
                  <td>{share.viewCount}</td>
                  <td>{canEdit && <RevokeButton onRevoke={() => void revoke(share)} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </main>
  );
}

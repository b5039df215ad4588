import type { Share } from "../../../worker/shares/contract";
import { api } from "../api";

export type { Share };

export const sharesApi = {
  share: (body: { kind: "chart" | "tab"; id: string; expiresAt?: string; viewerMayChangeRange?: boolean; renew?: boolean }) => api<Share>("POST", "/api/shares", body),
  list: () => api<{ shares: Share[] }>("GET", "/api/shares").then((r) => r.shares),
  revoke: (token: string) => api<{ revoked: true }>("DELETE", `/api/shares/${token}`),
};

export function embedCode(share: Share, title: string): string {
  const safeTitle = title.replace(/"/g, "&quot;");
  return `<iframe src="${share.embedUrl}" width="800" height="450" style="border:0" loading="lazy" title="${safeTitle}"></iframe>`;
}

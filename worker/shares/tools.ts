import { getChart } from "../charts/queries";
import { createShare, findLiveShare } from "./queries";
import { getTab } from "../tabs/queries";
import { notFound } from "../errors";
import { implement } from "../chat/tools/tool";

/** Chat tools that share. */
export const shareTools = [
  implement("share", {
    async run({ db, userId, origin }, { kind, id }) {
      const target = kind === "chart" ? await getChart(db, userId, id) : await getTab(db, userId, id);
      if (!target) throw notFound(kind === "chart" ? "Chart" : "Tab");
      const share = (await findLiveShare(db, userId, kind, id)) ?? (await createShare(db, { ownerId: userId, kind, targetId: id, viewerMayChangeRange: false, expiresAt: null }));
      const url = `${origin}/s/${share.token}`;
      return { result: { url, embedUrl: `${origin}/embed/${share.token}` }, summary: `Anyone with this link can see "${target.title}": ${url}` };
    },
  }),
] as const;

import { implement } from "../chat/tools/tool";
import { shareTarget } from "./service";

/** Chat tools that share: the operation POST /api/shares calls. */
export const shareTools = [
  implement("share", {
    async run(context, { kind, id }) {
      const { url, embedUrl, title } = await shareTarget(context, { kind, id });
      return { result: { url, embedUrl }, summary: `Anyone with this link can see "${title}": ${url}` };
    },
  }),
] as const;

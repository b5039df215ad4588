import { implement } from "../chat/tools/tool";
import { chatExcerpt } from "../notifications/quotes";
import { createRule } from "./rules-service";

/** Chat tools over alert rules: the operation the route calls, with a summary for the person. */
export const alertTools = [
  implement("create_alert_rule", {
    async run(context, input) {
      const { sessionId, sessionTitle, messageId, messageAt, messageText } = context;
      const asked = messageText ? { sessionId, sessionTitle, messageId, excerpt: chatExcerpt(messageText), at: messageAt } : undefined;
      const rule = await createRule(context, input, asked);
      return {
        result: { id: rule.id, name: rule.name, kind: rule.kind, state: rule.state },
        summary: `Made the alert rule "${rule.name}": you will hear when it fires and when it resolves.`,
      };
    },
  }),
] as const;

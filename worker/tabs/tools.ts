import { createTab, listTabs } from "./queries";
import { implement } from "../chat/tools/tool";

/** Chat tools over dashboard tabs. */
export const tabTools = [
  implement("list_tabs", {
    async run({ db, userId }) {
      const tabs = await listTabs(db, userId);
      return { result: tabs.map((t) => ({ id: t.id, title: t.title })), summary: tabs.length ? `Tabs: ${tabs.map((t) => t.title).join(", ")}` : "No tabs yet" };
    },
  }),
  implement("create_tab", {
    async run({ db, userId }, { title }) {
      const tab = await createTab(db, userId, title);
      return { result: { id: tab.id, title: tab.title }, summary: `Created tab "${tab.title}"` };
    },
  }),
] as const;

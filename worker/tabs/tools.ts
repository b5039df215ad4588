import { implement } from "../chat/tools/tool";
import { createTab, listTabs } from "./service";

/** Chat tools over dashboard tabs: the operations the tabs routes call. */
export const tabTools = [
  implement("list_tabs", {
    async run(context) {
      const { tabs } = await listTabs(context);
      return {
        result: tabs.map((t) => ({ id: t.id, title: t.title })),
        summary: tabs.length ? `Tabs: ${tabs.map((t) => t.title).join(", ")}` : "No tabs yet",
      };
    },
  }),
  implement("create_tab", {
    async run(context, { title }) {
      const tab = await createTab(context, title);
      return { result: { id: tab.id, title: tab.title }, summary: `Created tab "${tab.title}"` };
    },
  }),
] as const;

import { z } from "zod";
import { Chart } from "../charts/contract";

export const TabTitle = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

export const CreateTabBody = z.object({ title: TabTitle }).strict().meta({ id: "CreateTabBody" });

export const UpdateTabBody = z
  .object({
    title: TabTitle.optional(),
    /** The tab's new index in the list (0 = first); larger values put it last. */
    position: z.int().min(0).optional(),
  })
  .strict()
  .refine((b) => b.title !== undefined || b.position !== undefined, { message: "give a title or a position" })
  .meta({ id: "UpdateTabBody" });
export type UpdateTabBody = z.infer<typeof UpdateTabBody>;

export const Tab = z
  .object({
    id: z.uuid(),
    title: z.string(),
    position: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Tab" });
export type Tab = z.infer<typeof Tab>;

export const TabWithCharts = Tab.extend({ charts: z.array(Chart) }).meta({ id: "TabWithCharts" });
export type TabWithCharts = z.infer<typeof TabWithCharts>;

export const TabList = z.object({ tabs: z.array(Tab) }).meta({ id: "TabList" });
export type TabList = z.infer<typeof TabList>;

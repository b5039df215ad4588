import { z } from "zod";
import { ChartLayout, ChartProvenance, ChartSpec } from "./chart-spec-contract";

export const ChartTitle = z.string().trim().min(1, "must not be empty").max(120, "must be at most 120 characters");

export const CreateChartBody = z
  .object({
    tabId: z.uuid(),
    title: ChartTitle,
    spec: ChartSpec,
    /** Omit to place the chart below the tab's other charts. */
    layout: ChartLayout.optional(),
  })
  .strict()
  .meta({ id: "CreateChartBody" });
export type CreateChartBody = z.infer<typeof CreateChartBody>;

export const UpdateChartBody = z
  .object({
    title: ChartTitle.optional(),
    spec: ChartSpec.optional(),
    layout: ChartLayout.optional(),
    /** Moves the chart to another of the user's tabs. */
    tabId: z.uuid().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "give at least one of title, spec, layout, tabId" })
  .meta({ id: "UpdateChartBody" });
export type UpdateChartBody = z.infer<typeof UpdateChartBody>;

export const Chart = z
  .object({
    id: z.uuid(),
    tabId: z.uuid(),
    title: z.string(),
    spec: ChartSpec,
    layout: ChartLayout,
    source: z.enum(["manual", "chat"]),
    provenance: ChartProvenance.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Chart" });
export type Chart = z.infer<typeof Chart>;

/** What deleting a tab or a chart answers. */

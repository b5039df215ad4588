import { z } from "zod";
import { ChartLayout, ChartPresentation } from "../charts/chart-spec-contract";
import { MeterSeries } from "../series/contract";

export const CreateShareBody = z
  .object({
    kind: z.enum(["chart", "tab"]),
    id: z.uuid(),
    /** Omit for a link that lasts until revoked. */
    expiresAt: z.iso.datetime({ offset: true }).refine((at) => Date.parse(at) > Date.now(), { message: "must be in the future" }).optional(),
    viewerMayChangeRange: z.boolean().default(false),
    /** Sharing again returns the live link; true makes a new one. */
    renew: z.boolean().default(false),
  })
  .strict();

export const Share = z
  .object({
    token: z.string(),
    url: z.string(),
    embedUrl: z.string(),
    kind: z.enum(["chart", "tab"]),
    targetId: z.uuid(),
    /** The shared chart's or tab's title (null if it was deleted since). */
    title: z.string().nullable(),
    viewerMayChangeRange: z.boolean(),
    expiresAt: z.string().nullable(),
    viewCount: z.int(),
    createdAt: z.string(),
  })
  .meta({ id: "Share" });
export type Share = z.infer<typeof Share>;

/** What a public viewer gets: the shared charts and their data, nothing that points elsewhere. */
export const PublicChart = z.object({
  title: z.string(),
  spec: ChartPresentation,
  layout: ChartLayout,
  unit: z.string(),
  series: z.array(MeterSeries.omit({ meterId: true })),
});
export const PublicShare = z
  .object({
    kind: z.enum(["chart", "tab"]),
    title: z.string(),
    viewerMayChangeRange: z.boolean(),
    expiresAt: z.string().nullable(),
    charts: z.array(PublicChart),
  })
  .meta({ id: "PublicShare" });
export type PublicShare = z.infer<typeof PublicShare>;

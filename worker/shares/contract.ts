import { z } from "zod";
import { PublicAnnotation } from "../annotations/contract";
import { ChartLayout, ChartPresentation } from "../charts/chart-spec-contract";
import { MeterSummary } from "../costs/contract";
import { MeterSeries } from "../series/contract";

export const CreateShareBody = z
  .object({
    kind: z.enum(["chart", "tab"]),
    id: z.uuid(),
    /** Omit for a link that lasts until revoked. */
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) > Date.now(), { message: "must be in the future" })
      .optional(),
    viewerMayChangeRange: z.boolean().default(false),
    /** Viewers also see the notes on the shared charts' meters (annotations); off unless chosen. */
    showAnnotations: z.boolean().default(false),
    /** Sharing again returns the live link; true makes a new one. */
    renew: z.boolean().default(false),
  })
  .strict()
  .meta({ id: "CreateShareBody" });
/** What sharing takes: the body, with its defaults left out. */
export type ShareRequest = z.input<typeof CreateShareBody>;

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
    showAnnotations: z.boolean(),
    expiresAt: z.string().nullable(),
    viewCount: z.int(),
    createdAt: z.string(),
  })
  .meta({ id: "Share" });
export type Share = z.infer<typeof Share>;

/** Which chart or tab: the live link of it is looked up. */
export const ShareTargetQuery = z
  .object({ kind: CreateShareBody.shape.kind, id: CreateShareBody.shape.id })
  .meta({ id: "ShareTargetQuery" });
export type ShareTargetQuery = z.infer<typeof ShareTargetQuery>;

/** The target's live link, or null when it has none (nothing is made by looking). */
export const LiveShare = z.object({ share: Share.nullable() }).meta({ id: "LiveShare" });
export type LiveShare = z.infer<typeof LiveShare>;

export const ShareList = z.object({ shares: z.array(Share) }).meta({ id: "ShareList" });
export type ShareList = z.infer<typeof ShareList>;

export const Revoked = z.object({ revoked: z.literal(true) }).meta({ id: "Revoked" });
export type Revoked = z.infer<typeof Revoked>;

/** A meter summary as a public viewer sees it: names, no meter ids. */
export const PublicMeterSummary = MeterSummary.omit({ meterId: true, byDevice: true }).extend({
  byDevice: z.array(MeterSummary.shape.byDevice.element.omit({ meterId: true })),
});
export type PublicMeterSummary = z.infer<typeof PublicMeterSummary>;

/** The summary periods a chart of type `summary` shows as stat cards, in this order. */
export const SUMMARY_CARD_PERIODS = ["day", "week", "month"] as const;

/** What a public viewer gets: the shared charts and their data, nothing that points elsewhere. */
export const PublicChart = z.object({
  title: z.string(),
  spec: ChartPresentation,
  layout: ChartLayout,
  unit: z.string(),
  series: z.array(MeterSeries.omit({ meterId: true })),
  /**
   * Only for charts of type summary and breakdown (their series is empty): a `summary` chart gets
   * one per SUMMARY_CARD_PERIODS (today, this week, this month, in progress); a `breakdown` chart
   * gets one, for the period its window names (see breakdownPeriodOf in worker/charts/chart-spec-contract.ts:
   * last_hour/last_24h → day, last_7d → week, last_30d/this_month → month, this_year → year),
   * whose byDevice and untracked it draws.
   */
  summaries: z.array(PublicMeterSummary).optional(),
  /** The notes on the chart's meters over its window, only when the owner chose to show them. */
  annotations: z.array(PublicAnnotation).optional(),
});
export type PublicChart = z.infer<typeof PublicChart>;
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

/** The range a viewer asks for; used only when the link allows it and both ends are given. */
export const PublicShareRange = z
  .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .meta({ id: "PublicShareRange" });
export type PublicShareRange = z.infer<typeof PublicShareRange>;

export const OEmbedQuery = z
  .object({
    url: z.url(),
    format: z.enum(["json"]).default("json"),
    maxwidth: z.coerce.number().int().min(100).optional(),
    maxheight: z.coerce.number().int().min(100).optional(),
  })
  .meta({ id: "OEmbedQuery" });
export type OEmbedQuery = z.infer<typeof OEmbedQuery>;

/** oEmbed's "rich" response (oembed.com): an iframe of the embed page. */
export const OEmbed = z
  .object({
    type: z.literal("rich"),
    version: z.literal("1.0"),
    title: z.string(),
    provider_name: z.string(),
    provider_url: z.string(),
    width: z.int(),
    height: z.int(),
    html: z.string(),
    thumbnail_url: z.string(),
    thumbnail_width: z.int(),
    thumbnail_height: z.int(),
  })
  .meta({ id: "OEmbed" });
export type OEmbed = z.infer<typeof OEmbed>;

import { sharedAnnotations } from "../annotations/service";
import { breakdownPeriodOf } from "../charts/chart-spec-contract";
import type { ChartRow } from "../charts/queries";
import { getChart } from "../charts/queries";
import type { MeterSummary } from "../costs/contract";
import { summarizeMeter } from "../costs/summary";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { isShareToken, SHARE_TOKEN_PATTERN } from "../id-contract";
import { enforceLimit } from "../rate-limits";
import type { SeriesSet } from "../series/contract";
import { loadSeries } from "../series/service";
import { getTab, getTabWithCharts } from "../tabs/queries";
import {
  type OEmbed,
  type OEmbedQuery,
  type PublicChart,
  type PublicMeterSummary,
  type PublicShare,
  type PublicShareRange,
  SUMMARY_CARD_PERIODS,
} from "./contract";
import { PREVIEW_SIZE } from "./preview-svg";
import { openShare, peekShare, type ShareRow } from "./queries";

/** A breakdown's period and the instant it is around (now, unless a custom range names its start). */
const periodAt = ({ period, at }: ReturnType<typeof breakdownPeriodOf>, now: Date) => ({ period, at: at ? new Date(at) : now });

/** Someone opening a public link: no account, only an address (for the rate limits). */
export interface Visitor {
  db: Database;
  env: Env;
  /** Where the app is served, for the links handed out. */
  origin: string;
  ip: string;
}

/** Where a link's pages live. */
export function shareUrls(origin: string, token: string) {
  const url = `${origin}/s/${token}`;
  return {
    url,
    embedUrl: `${origin}/embed/${token}`,
    previewUrl: `${origin}/api/public/shares/${token}/preview.svg`,
    oEmbedUrl: `${origin}/api/public/oembed?url=${encodeURIComponent(url)}`,
  };
}

/** Malformed, unknown, revoked and expired tokens, and links whose target is gone, all look the same. */
const gone = () => notFound("Share");

const SHARE_LIMIT_MESSAGE = "Too many requests for shared links; wait a minute and try again";

/** Rate limits a public read by client IP and by token; 429 with Retry-After past either. */
async function limitPublicRead({ env, ip }: Visitor, token: string): Promise<void> {
  await Promise.all([
    enforceLimit(env, "SHARE_IP_LIMITER", ip, SHARE_LIMIT_MESSAGE),
    enforceLimit(env, "SHARE_TOKEN_LIMITER", token, SHARE_LIMIT_MESSAGE),
  ]);
}

const PUBLIC_POINTS = 500;

/** One chart as a visitor sees it: stat cards and breakdowns draw meter summaries, the others series. */
async function publicChart(
  db: Database,
  ownerId: string,
  chart: ChartRow,
  viewerRange: { from: Date; to: Date } | undefined,
  now: Date,
  showAnnotations: boolean,
): Promise<PublicChart> {
  const { meterIds, ...spec } = chart.spec;
  if (spec.chartType === "summary" || spec.chartType === "breakdown") {
    const asked =
      spec.chartType === "summary"
        ? SUMMARY_CARD_PERIODS.map((period) => ({ period, at: now }))
        : [
            periodAt(
              breakdownPeriodOf(
                viewerRange ? { kind: "absolute", from: viewerRange.from.toISOString(), to: viewerRange.to.toISOString() } : spec.window,
              ),
              now,
            ),
          ];
    const summaries: PublicMeterSummary[] = [];
    for (const { period, at } of asked) summaries.push(publicSummary(await summarizeMeter(db, ownerId, meterIds[0], period, at, now)));
    return {
      title: chart.title,
      spec,
      layout: chart.layout,
      unit: spec.metric === "cost" ? summaries[0].currency : "kWh",
      series: [],
      summaries,
    };
  }
  const data: SeriesSet = await loadSeries(db, ownerId, {
    meterIds,
    metric: spec.metric,
    ...(viewerRange ? { from: viewerRange.from, to: viewerRange.to } : { window: spec.window }),
    points: PUBLIC_POINTS,
    bucket: spec.chartType === "heatmap" ? "1h" : spec.bucket,
    compare: spec.compare,
    untracked: spec.untracked,
  });
  const window = data.series[0];
  return {
    title: chart.title,
    spec,
    layout: chart.layout,
    unit: data.unit,
    series: data.series.map(({ meterId: _id, ...series }) => series),
    ...(showAnnotations && window
      ? { annotations: await sharedAnnotations(db, ownerId, meterIds, new Date(window.from), new Date(window.to)) }
      : {}),
  };
}

/**
 * The shared chart, or the charts now on the shared tab (a chart moved away is no longer shown),
 * with their series. Undefined when the target is gone. Meter ids never leave: only names.
 */
async function publicShareView(db: Database, share: ShareRow, range?: { from: Date; to: Date }): Promise<PublicShare | undefined> {
  let title: string;
  let charts: ChartRow[];
  if (share.kind === "chart") {
    const chart = await getChart(db, share.ownerId, share.targetId);
    if (!chart) return undefined;
    title = chart.title;
    charts = [chart];
  } else {
    const tab = await getTabWithCharts(db, share.ownerId, share.targetId);
    if (!tab) return undefined;
    title = tab.title;
    charts = tab.charts;
  }
  const viewerRange = share.viewerMayChangeRange ? range : undefined;
  const views: PublicChart[] = [];
  const now = new Date();
  for (const chart of charts) {
    try {
      views.push(await publicChart(db, share.ownerId, chart, viewerRange, now, share.showAnnotations));
    } catch (error) {
      // A chart whose meter was deleted since is left out, not the whole share.
      if (error instanceof ApiError && error.status === 404) continue;
      throw error;
    }
  }
  return {
    kind: share.kind,
    title,
    viewerMayChangeRange: share.viewerMayChangeRange,
    expiresAt: share.expiresAt?.toISOString() ?? null,
    charts: views,
  };
}

/** A summary without meter ids: public pages name meters, never point at them. */
function publicSummary({ meterId: _id, byDevice, ...summary }: MeterSummary): PublicMeterSummary {
  return { ...summary, byDevice: byDevice.map(({ meterId: _device, ...device }) => device) };
}

/** What a link shows, with its data, counting a view; the range applies only if the link allows it. */
export async function openPublicShare(visitor: Visitor, token: string, { from, to }: PublicShareRange = {}): Promise<PublicShare> {
  await limitPublicRead(visitor, token);
  if (!isShareToken(token)) throw gone();
  const share = await openShare(visitor.db, token);
  if (!share) throw gone();
  const range = from && to && Date.parse(from) < Date.parse(to) ? { from: new Date(from), to: new Date(to) } : undefined;
  const view = await publicShareView(visitor.db, share, range);
  if (!view) throw gone();
  return view;
}

const EMBED = { width: 800, height: 450 };
const SHARE_PAGE_PATH = new RegExp(`/(?:s|embed)/(${SHARE_TOKEN_PATTERN})$`);

/** oEmbed for a link's share or embed page, so pages and editors can embed it. */
export async function publicOEmbed(visitor: Visitor, { url, maxwidth, maxheight }: OEmbedQuery): Promise<OEmbed> {
  const token = SHARE_PAGE_PATH.exec(new URL(url).pathname)?.[1];
  if (!token) throw gone();
  const view = await openPublicShare(visitor, token);
  const { embedUrl, previewUrl } = shareUrls(visitor.origin, token);
  const width = Math.min(maxwidth ?? EMBED.width, EMBED.width);
  const height = Math.min(maxheight ?? EMBED.height, EMBED.height);
  return {
    type: "rich",
    version: "1.0",
    title: view.title,
    provider_name: "Wattboard",
    provider_url: visitor.origin,
    width,
    height,
    html: `<iframe src="${embedUrl}" width="${width}" height="${height}" style="border:0" loading="lazy" title="${view.title.replace(/"/g, "&quot;")}"></iframe>`,
    thumbnail_url: previewUrl,
    thumbnail_width: PREVIEW_SIZE.width,
    thumbnail_height: PREVIEW_SIZE.height,
  };
}

/** The title of what a live link shows, for the page around the data (no view counted); undefined for a dead link. */
export async function sharePageTitle(visitor: Visitor, token: string): Promise<string | undefined> {
  await enforceLimit(visitor.env, "SHARE_IP_LIMITER", visitor.ip, "Too many requests for shared links; wait a minute");
  if (!isShareToken(token)) return undefined;
  const share = await peekShare(visitor.db, token);
  if (!share) return undefined;
  const target =
    share.kind === "chart"
      ? await getChart(visitor.db, share.ownerId, share.targetId)
      : await getTab(visitor.db, share.ownerId, share.targetId);
  return target?.title;
}

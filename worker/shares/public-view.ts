import { getChart } from "../charts/queries";
import type { ChartRow } from "../charts/queries";
import type { Database } from "../db/client";
import type { ShareRow } from "./queries";
import { getTabWithCharts } from "../tabs/queries";
import type { PublicShare } from "./contract";
import { loadSeries } from "../series/service";
import { ApiError } from "../errors";

const PUBLIC_POINTS = 500;

/**
 * The shared chart, or the charts now on the shared tab (a chart moved away is no longer shown),
 * with their series. Undefined when the target is gone. Meter ids never leave: only names.
 */
export async function publicShareView(db: Database, share: ShareRow, range?: { from: Date; to: Date }): Promise<PublicShare | undefined> {
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
  const views = [];
  for (const chart of charts) {
    const { meterIds, ...spec } = chart.spec;
    let data;
    try {
      data = await loadSeries(db, share.ownerId, {
        meterIds,
        metric: spec.metric,
        ...(viewerRange ? { from: viewerRange.from, to: viewerRange.to } : { window: spec.window }),
        points: PUBLIC_POINTS,
        bucket: spec.chartType === "heatmap" ? "1h" : spec.bucket,
      });
    } catch (error) {
      // A chart whose meter was deleted since is left out, not the whole share.
      if (error instanceof ApiError && error.status === 404) continue;
      throw error;
    }
    views.push({ title: chart.title, spec, layout: chart.layout, unit: data.unit, series: data.series.map(({ meterId: _id, ...series }) => series) });
  }
  return { kind: share.kind, title, viewerMayChangeRange: share.viewerMayChangeRange, expiresAt: share.expiresAt?.toISOString() ?? null, charts: views };
}

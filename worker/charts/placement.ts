import type { ChartLayout } from "./chart-spec-contract";

const COLUMNS = 12;
/** Narrower than half the grid, a chart's title and chips no longer fit beside each other. */
const MIN_WIDTH = COLUMNS / 2;

/**
 * Where a new chart lands on a tab: beside the tab's last row of charts when that row leaves at
 * least half the grid free on its right, filling it; otherwise below everything at full width.
 * Never in one narrow column under the first chart, which is where chat-made charts piled up
 * when every new chart was half width at x = 0.
 */
export function placeNewChart(existing: ChartLayout[], h: number): ChartLayout {
  const bottom = Math.max(0, ...existing.map((l) => l.y + l.h));
  const below: ChartLayout = { x: 0, y: bottom, w: COLUMNS, h };
  const lastRow = existing.filter((l) => l.y + l.h === bottom);
  if (lastRow.length === 0) return below;
  const top = Math.min(...lastRow.map((l) => l.y));
  const candidate = { y: top, h, x: Math.max(...lastRow.map((l) => l.x + l.w)) };
  const w = COLUMNS - candidate.x;
  if (w < MIN_WIDTH) return below;
  const overlaps = existing.some(
    (l) => l.x < candidate.x + w && candidate.x < l.x + l.w && l.y < candidate.y + h && candidate.y < l.y + l.h,
  );
  return overlaps ? below : { ...candidate, w };
}

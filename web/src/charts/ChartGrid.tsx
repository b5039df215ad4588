import { type ReactNode, useEffect } from "react";
import ReactGridLayout, { type Layout, useContainerWidth, verticalCompactor } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import type { ChartLayout } from "../../../worker/charts/chart-spec-contract";
import type { Chart } from "../api/wattboard";
import { useHomeRole } from "../homes/home-role";

export const ROW_HEIGHT_PX = 30;
export const GRID_GAP_PX = 16;
/** Below this width the grid becomes one column in layout order, and dragging is off. */
const STACK_BELOW_PX = 720;
/**
 * Below this width (a laptop with the chat drawer open) a chart narrower than half the grid cuts
 * its title: the charts reflow two to a row, and dragging is off, as the saved layout is not shown.
 */
const REFLOW_BELOW_PX = 1000;

/**
 * The tab's layout reflowed for a medium width: in reading order, a chart of half the grid or less
 * takes half, a wider one the whole row, and a half chart left alone in its row takes the row;
 * each row is as tall as its tallest chart. No two overlap.
 */
function reflowLayout(layouts: ({ i: string } & ChartLayout)[]): ({ i: string } & ChartLayout)[] {
  const rows: ({ i: string } & ChartLayout)[][] = [];
  for (const item of [...layouts].sort((a, b) => a.y - b.y || a.x - b.x)) {
    const w = item.w <= 6 ? 6 : 12;
    const row = rows.at(-1);
    if (row && row.reduce((sum, placed) => sum + placed.w, 0) + w <= 12) row.push({ ...item, w });
    else rows.push([{ ...item, w }]);
  }
  let y = 0;
  return rows.flatMap((row) => {
    let x = 0;
    const placed = row.map((item) => {
      const at = { ...item, x, y, w: row.length === 1 ? 12 : item.w };
      x += at.w;
      return at;
    });
    y += Math.max(...row.map((item) => item.h));
    return placed;
  });
}

const height = (rows: number) => rows * ROW_HEIGHT_PX + (rows - 1) * GRID_GAP_PX;

/**
 * The tab's charts on a 12-column grid (react-grid-layout): drag by the handle, resize from the
 * corner; each change is reported once the gesture ends. Its height is reserved before the
 * width is measured, so nothing below it moves when the charts appear. Whether charts can be
 * moved at the measured width is told to `onMovable`, so the page's hint says the same.
 */
export function ChartGrid({
  charts,
  onLayouts,
  onMovable,
  children,
}: {
  charts: Chart[];
  onLayouts: (changes: { id: string; layout: ChartLayout }[]) => void;
  onMovable: (movable: boolean) => void;
  children: (chart: Chart, movable: boolean) => ReactNode;
}) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true });
  const { canEdit } = useHomeRole();
  const rows = Math.max(0, ...charts.map((c) => c.layout.y + c.layout.h));
  // A width of 0 is no layout at all (a page being captured or hidden), not a phone: switching would remount every chart.
  const stacked = mounted && width > 0 && width < STACK_BELOW_PX;
  const reflowed = mounted && width > 0 && width < REFLOW_BELOW_PX;
  const saved = charts.map((c) => ({ i: c.id, ...c.layout }));
  const layout = reflowed ? reflowLayout(saved) : saved;
  // A viewer's layout is the home's, to look at: nothing to drag.
  const movable = !reflowed && canEdit;
  useEffect(() => onMovable(!reflowed), [onMovable, reflowed]);

  const saveIfMoved = (layout: Layout) => {
    const changes = layout.flatMap((item) => {
      const chart = charts.find((c) => c.id === item.i);
      const next = { x: item.x, y: item.y, w: item.w, h: item.h };
      if (!chart || (["x", "y", "w", "h"] as const).every((k) => chart.layout[k] === next[k])) return [];
      return [{ id: chart.id, layout: next }];
    });
    if (changes.length) onLayouts(changes);
  };

  if (stacked) {
    const ordered = [...charts].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);
    return (
      <div ref={containerRef} className="chart-stack">
        {ordered.map((chart) => (
          // Stat cards take the height of their text; a plot needs a height to fill.
          <div key={chart.id} style={{ height: chart.spec.chartType === "summary" ? undefined : height(Math.max(chart.layout.h, 7)) }}>
            {children(chart, false)}
          </div>
        ))}
      </div>
    );
  }

  return (
    <div ref={containerRef} className="chart-grid" style={{ minHeight: mounted ? undefined : height(rows) }}>
      {mounted && (
        <ReactGridLayout
          width={width}
          layout={layout.map((item) => ({ ...item, minW: 2, minH: 4 }))}
          gridConfig={{ cols: 12, rowHeight: ROW_HEIGHT_PX, margin: [GRID_GAP_PX, GRID_GAP_PX], containerPadding: [0, 0] }}
          dragConfig={{ enabled: movable, handle: ".chart-drag" }}
          resizeConfig={{ enabled: movable, handles: ["se"] }}
          compactor={verticalCompactor}
          onDragStop={saveIfMoved}
          onResizeStop={saveIfMoved}
        >
          {charts.map((chart) => (
            <div key={chart.id}>{children(chart, movable)}</div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}

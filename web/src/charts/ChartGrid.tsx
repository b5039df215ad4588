import type { ReactNode } from "react";
import ReactGridLayout, { type Layout, useContainerWidth, verticalCompactor } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import type { ChartLayout } from "../../../worker/charts/chart-spec-contract";
import type { Chart } from "../api/wattboard";

export const ROW_HEIGHT_PX = 30;
export const GRID_GAP_PX = 16;
/** Below this width the grid becomes one column in layout order, and dragging is off. */
const STACK_BELOW_PX = 720;

const height = (rows: number) => rows * ROW_HEIGHT_PX + (rows - 1) * GRID_GAP_PX;

/**
 * The tab's charts on a 12-column grid (react-grid-layout): drag by the handle, resize from the
 * corner; each change is reported once the gesture ends. Its height is reserved before the
 * width is measured, so nothing below it moves when the charts appear.
 */
export function ChartGrid({
  charts,
  onLayouts,
  children,
}: {
  charts: Chart[];
  onLayouts: (changes: { id: string; layout: ChartLayout }[]) => void;
  children: (chart: Chart, movable: boolean) => ReactNode;
}) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true });
  const rows = Math.max(0, ...charts.map((c) => c.layout.y + c.layout.h));
  // A width of 0 is no layout at all (a page being captured or hidden), not a phone: switching would remount every chart.
  const stacked = mounted && width > 0 && width < STACK_BELOW_PX;

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
          layout={charts.map((c) => ({ i: c.id, ...c.layout, minW: 2, minH: 4 }))}
          gridConfig={{ cols: 12, rowHeight: ROW_HEIGHT_PX, margin: [GRID_GAP_PX, GRID_GAP_PX], containerPadding: [0, 0] }}
          dragConfig={{ enabled: true, handle: ".chart-drag" }}
          resizeConfig={{ enabled: true, handles: ["se"] }}
          compactor={verticalCompactor}
          onDragStop={saveIfMoved}
          onResizeStop={saveIfMoved}
        >
          {charts.map((chart) => (
            <div key={chart.id}>{children(chart, true)}</div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}

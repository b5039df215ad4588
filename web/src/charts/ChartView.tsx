import type { Ref } from "react";
import type { ChartSpec } from "../../../worker/charts/chart-spec-contract";
import type { LiveChannel } from "../live-socket";
import { BreakdownChart } from "./Breakdown";
import { ChartPlot, type PlotHandle } from "./ChartPlot";
import { SummaryChart } from "./SummaryCards";

/** A chart of any type: stat cards and breakdowns read the meter's summary, the others its series. */
export function ChartView(props: { spec: ChartSpec; live?: LiveChannel | null; handle?: Ref<PlotHandle> }) {
  if (props.spec.chartType === "summary") return <SummaryChart {...props} />;
  if (props.spec.chartType === "breakdown") return <BreakdownChart {...props} />;
  return <ChartPlot {...props} />;
}

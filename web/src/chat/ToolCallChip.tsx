import type { ToolCallRecord } from "../api/chat";
import type { Tab } from "../api/wattboard";
import { chartOf } from "./dashboard-link";
import { DECISION_LABELS, toolLabel } from "./tool-words";

/** A tool call in the conversation: what ran and how it was decided; a link to the chart it made. */
export function ToolCallChip({
  call,
  tabs,
  onOpenChart,
  onShow,
}: {
  call: ToolCallRecord;
  tabs: Tab[];
  onOpenChart: (tabId: string, chartId: string) => void;
  onShow: () => void;
}) {
  const chart = chartOf(call);
  const failed = !!call.error;
  const tabTitle = chart && tabs.find((t) => t.id === chart.tabId)?.title;
  return (
    <div className={failed ? "chat-tool failed" : "chat-tool"} data-testid="chat-tool-call">
      <button type="button" className="chat-tool-name" onClick={onShow} title="Show input and result in the workspace">
        <span aria-hidden="true">{failed ? "⚠" : "⚙"}</span> {toolLabel(call.tool)}{" "}
        <span className="muted">· {DECISION_LABELS[call.decision]}</span>
      </button>
      {chart && (
        <button type="button" className="link chat-chart-link" onClick={() => onOpenChart(chart.tabId, chart.id)}>
          Open chart “{chart.title}”{tabTitle ? ` on ${tabTitle}` : ""}
        </button>
      )}
      {failed && <span className="error chat-tool-error">{call.error}</span>}
    </div>
  );
}

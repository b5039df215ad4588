import { useEffect } from "react";
import type { ToolCallRecord } from "../api/chat";
import type { Tab } from "../api/wattboard";
import { chartOf } from "./dashboard-link";
import { DECISION_LABELS, prettyJson, toolLabel } from "./tool-words";

/** The workspace: every tool call of the session with its input, decision, and result or error. */
export function WorkspacePanel({
  calls,
  focus,
  tabs,
  onOpenChart,
  onClose,
}: {
  calls: ToolCallRecord[];
  focus?: string;
  tabs: Tab[];
  onOpenChart: (tabId: string, chartId: string) => void;
  onClose: () => void;
}) {
  useEffect(() => {
    const target = focus && document.getElementById(`workspace-call-${focus}`);
    if (!target) return;
    target.scrollIntoView({ block: "nearest" });
    target.focus({ preventScroll: true });
  }, [focus]);

  return (
    <section className="chat-workspace" aria-label="Workspace">
      <header className="chat-head">
        <h2>Workspace</h2>
        <span className="muted">
          {calls.length} tool call{calls.length === 1 ? "" : "s"}
        </span>
        <span className="spacer" />
        <button type="button" className="icon" aria-label="Close workspace" onClick={onClose}>
          ✕
        </button>
      </header>
      {calls.length === 0 && (
        <p className="muted chat-note">Tool calls the chat makes in this session appear here, with what went in and what came out.</p>
      )}
      <ol className="chat-workspace-list">
        {calls.map((call) => {
          const chart = chartOf(call);
          const tabTitle = chart && tabs.find((t) => t.id === chart.tabId)?.title;
          return (
            <li
              key={call.id}
              id={`workspace-call-${call.id}`}
              tabIndex={-1}
              className={focus === call.id ? "focused" : undefined}
              data-testid="workspace-call"
            >
              <header>
                <strong>{toolLabel(call.tool)}</strong> <code className="muted">{call.tool}</code>
                <span className={`chat-decision ${call.decision}`}>{DECISION_LABELS[call.decision]}</span>
              </header>
              <p className="muted">
                {call.agent} · {new Date(call.at).toLocaleTimeString()}
              </p>
              <h3>Input</h3>
              <pre>{prettyJson(call.input)}</pre>
              <h3>{call.error ? "Error" : "Result"}</h3>
              {call.error ? <p className="error">{call.error}</p> : <pre>{prettyJson(call.result)}</pre>}
              {chart && (
                <button type="button" className="link" onClick={() => onOpenChart(chart.tabId, chart.id)}>
                  Open chart “{chart.title}”{tabTitle ? ` on ${tabTitle}` : ""}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

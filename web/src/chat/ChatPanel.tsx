import { type KeyboardEvent, useState } from "react";
import { AgentPicker } from "./AgentPicker";
import { CommandInput } from "./CommandInput";
import { Conversation } from "./Conversation";
import { showChart } from "./dashboard-link";
import { SessionPicker } from "./SessionPicker";
import { TabPicker, usePickedTab } from "./TabPicker";
import type { ChatModel } from "./use-chat";
import { WorkspacePanel } from "./WorkspacePanel";

/** The chat drawer: pickers, the conversation, the input, and the workspace of tool calls beside it. */
export function ChatPanel({ chat, onClose, showDashboard }: { chat: ChatModel; onClose: () => void; showDashboard: () => void }) {
  const [workspace, setWorkspace] = useState<{ focus?: string } | null>(null);
  const tab = usePickedTab();
  const openChart = (tabId: string, chartId: string) => showChart(tabId, chartId, showDashboard);
  const calls = chat.conversation.toolCalls;

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    event.preventDefault();
    if (workspace) setWorkspace(null);
    else onClose();
  }

  return (
    <aside id="chat-panel" className={workspace ? "chat-drawer with-workspace" : "chat-drawer"} aria-label="Chat" onKeyDown={onKeyDown}>
      <section className="chat-main" aria-label="Conversation">
        <header className="chat-head">
          <SessionPicker chat={chat} />
          <button
            type="button"
            className={workspace ? "chat-workspace-toggle active" : "chat-workspace-toggle"}
            aria-pressed={!!workspace}
            onClick={() => setWorkspace(workspace ? null : {})}
            title="Every tool call of this session: input, result, decision"
          >
            Workspace{calls.length > 0 && <span className="count">{calls.length}</span>}
          </button>
          <button type="button" className="icon chat-close" aria-label="Close chat" title="Close (Esc)" onClick={onClose}>
            ✕
          </button>
        </header>
        <div className="chat-pickers">
          <AgentPicker chat={chat} />
          <TabPicker picked={tab} />
        </div>
        {chat.error && (
          <p className="error chat-error" role="alert">
            <span>{chat.error}</span>{" "}
            <button type="button" className="icon" aria-label="Dismiss" onClick={chat.dismissError}>
              ✕
            </button>
          </p>
        )}
        <Conversation
          chat={chat}
          tabs={tab.tabs}
          onOpenChart={openChart}
          onShowCall={(id) => setWorkspace({ focus: id })}
          onExample={(text) => chat.send(text, tab.tabId ?? undefined)}
        />
        <CommandInput
          chat={chat}
          busy={!!chat.conversation.pendingTurn}
          noTab={!tab.tabId}
          onSend={(text) => chat.send(text, tab.tabId ?? undefined)}
        />
      </section>
      {workspace && (
        <WorkspacePanel calls={calls} focus={workspace.focus} tabs={tab.tabs} onOpenChart={openChart} onClose={() => setWorkspace(null)} />
      )}
    </aside>
  );
}

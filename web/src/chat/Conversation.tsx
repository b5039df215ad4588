import { Fragment, useEffect, useRef } from "react";
import type { Tab } from "../api/wattboard";
import { examples } from "./commands";
import { callsByMessage, type Entry } from "./conversation-state";
import { PermissionCard } from "./PermissionCard";
import { ToolCallChip } from "./ToolCallChip";
import type { ChatModel } from "./use-chat";

/**
 * The conversation: each question, the tool calls it started (as they arrive over the socket),
 * the answer; a typing indicator and permission cards while a turn runs.
 */
export function Conversation({
  chat,
  tabs,
  onOpenChart,
  onShowCall,
  onExample,
}: {
  chat: ChatModel;
  tabs: Tab[];
  onOpenChart: (tabId: string, chartId: string) => void;
  onShowCall: (id: string) => void;
  onExample: (text: string) => void;
}) {
  const { conversation, requests, agent } = chat;
  const end = useRef<HTMLDivElement>(null);
  const groups = callsByMessage(conversation);
  const waiting = requests.filter((r) => r.sessionId === conversation.sessionId || !chat.sessions?.some((s) => s.id === r.sessionId));
  const elsewhere = requests.filter((r) => !waiting.includes(r));
  const lastText = conversation.messages.at(-1)?.text;
  // Only the latest answer's choices are offered: older ones were answered or passed over.
  const latest = conversation.messages.at(-1);
  const choices = latest?.role === "assistant" && !conversation.pendingTurn ? (latest.choices ?? []) : [];

  // Braces: scrollIntoView returns a promise in recent browsers, and an effect may only return a cleanup.
  // biome-ignore lint/correctness/useExhaustiveDependencies: these are the triggers: scroll to the end when a message, a tool call, a permission ask or choices arrive, or the answer streams in.
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [conversation.messages.length, lastText, conversation.toolCalls.length, requests.length, choices.length]);

  return (
    <div className="chat-conversation" role="log" aria-label="Messages" aria-busy={conversation.loading}>
      {conversation.loading && <p className="muted chat-note">Loading the conversation…</p>}
      {!conversation.loading && conversation.messages.length === 0 && (
        <div className="chat-empty">
          <p>
            Ask about your energy, or build charts by talking. Type <kbd>/</kbd> for commands.
          </p>
          <ul>
            {examples(chat.meterNames).map((text) => (
              <li key={text}>
                <button type="button" className="chat-example" onClick={() => onExample(text)}>
                  {text}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {conversation.messages.map((message) => (
        <Fragment key={message.id}>
          <MessageBubble message={message} />
          {groups.get(message.id)?.map((call) => (
            <ToolCallChip key={call.id} call={call} tabs={tabs} onOpenChart={onOpenChart} onShow={() => onShowCall(call.id)} />
          ))}
          {message === latest && choices.length > 0 && (
            <fieldset className="chat-choices" aria-label="Suggested answers" data-testid="chat-choices">
              {choices.map((choice) => (
                <button key={choice.label} type="button" className="chat-choice" title={choice.text} onClick={() => onExample(choice.text)}>
                  {choice.label}
                </button>
              ))}
            </fieldset>
          )}
        </Fragment>
      ))}
      {waiting.map((request) => (
        <PermissionCard key={request.id} request={request} onAnswer={(decision) => void chat.answer(request, decision)} />
      ))}
      {elsewhere.map((request) => (
        <PermissionCard
          key={request.id}
          request={request}
          otherSession={chat.sessions?.find((s) => s.id === request.sessionId)?.title}
          onAnswer={(decision) => void chat.answer(request, decision)}
        />
      ))}
      {conversation.pendingTurn && !conversation.messages.some((m) => m.status === "streaming") && (
        <div
          className="chat-typing"
          role="status"
          aria-label={waiting.length ? "Waiting for your answer" : `${agent?.name ?? "The assistant"} is answering`}
        >
          <span className="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <span className="muted">{waiting.length ? "Waiting for your answer…" : `${agent?.name ?? "The assistant"} is working…`}</span>
        </div>
      )}
      <div ref={end} />
    </div>
  );
}

function MessageBubble({ message }: { message: Entry }) {
  if (message.role === "summary") {
    return (
      <details id={`chat-message-${message.id}`} className="chat-summary" data-testid="chat-summary">
        <summary>Earlier messages summarized to fit the model's context</summary>
        <p className="chat-text">{message.text}</p>
      </details>
    );
  }
  const time = new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <div
      id={`chat-message-${message.id}`}
      className={`chat-message ${message.role} ${message.status}`}
      data-testid={`chat-${message.role}`}
    >
      <p className="chat-text">{message.text}</p>
      <span className="chat-meta muted">
        {message.status === "sending" ? (
          "sending…"
        ) : message.status === "failed" ? (
          <span className="error">Not sent: {message.error}</span>
        ) : (
          time
        )}
      </span>
    </div>
  );
}

import { type KeyboardEvent, useId, useMemo, useRef, useState } from "react";
import { COMMANDS, commandFor, permissionOf, type Suggestion, suggest } from "./commands";
import type { ChatModel } from "./use-chat";

/**
 * The message input. Starting with "/" opens the command list; after a command it offers the
 * next argument (metric, meter, window, chart type). ↑/↓ move, Tab completes, Enter sends (or
 * picks, once the list has been moved through), Shift+Enter adds a line, Esc closes the list.
 * While a turn runs (`busy`, e.g. waiting on a permission answer) what is sent is queued, shown
 * above the field, and sent after the answer: nothing typed is lost.
 */
export function CommandInput({
  chat,
  busy,
  noTab,
  onSend,
}: {
  chat: ChatModel;
  busy: boolean;
  noTab: boolean;
  onSend: (text: string) => void;
}) {
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const [moved, setMoved] = useState(false);
  const [closed, setClosed] = useState(false);
  const [picker, setPicker] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const listId = useId();

  const suggestions: Suggestion[] = useMemo(() => {
    if (picker)
      return COMMANDS.map((c) => ({
        label: c.usage,
        detail: c.description,
        value: `/${c.name}${c.args.length || c.name === "tab" ? " " : ""}`,
      }));
    return closed ? [] : suggest(text, chat.meterNames);
  }, [text, chat.meterNames, closed, picker]);
  const showList = suggestions.length > 0;
  const command = commandFor(text);
  const asks = command?.tool && permissionOf(command.tool, chat.tools, chat.agent, chat.settings);

  function change(value: string) {
    setText(value);
    setActive(0);
    setMoved(false);
    setClosed(false);
    setPicker(false);
  }

  function complete(suggestion: Suggestion) {
    change(suggestion.value);
    input.current?.focus();
  }

  function send() {
    const message = text.trim();
    if (!message) return;
    onSend(message);
    change("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (showList && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      setActive((i) => (i + (event.key === "ArrowDown" ? 1 : -1) + suggestions.length) % suggestions.length);
      setMoved(true);
    } else if (showList && event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      complete(suggestions[active]);
    } else if (showList && event.key === "Escape") {
      event.preventDefault();
      setClosed(true);
      setPicker(false);
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      // A command name being typed ("/ch") or a list moved through: Enter picks; otherwise it sends.
      if (showList && (moved || picker || /^\/\w*$/.test(text))) complete(suggestions[active]);
      else send();
    }
  }

  return (
    <div className="chat-composer">
      {chat.queued.length > 0 && (
        <ul className="chat-queued" aria-label="Queued messages">
          {chat.queued.map((q) => (
            <li key={q.id}>
              <span className="muted">Sent after the answer:</span> <span className="chat-queued-text">{q.text}</span>
              <button
                type="button"
                className="icon"
                aria-label={`Do not send “${q.text}”`}
                title="Do not send"
                onClick={() => chat.unqueue(q.id)}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {showList && (
        <div
          className="chat-suggestions card"
          role="listbox"
          id={listId}
          aria-label={picker || /^\/\w*$/.test(text) ? "Commands" : "Suggestions"}
        >
          {suggestions.map((s, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: the focus stays in the textarea, which points at the active option with aria-activedescendant (WAI-ARIA APG combobox).
            <div
              key={s.value}
              role="option"
              id={`${listId}-${i}`}
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                complete(s);
              }}
            >
              <code>{s.label}</code> <span className="muted">{s.detail}</span>
            </div>
          ))}
        </div>
      )}
      <p className="chat-hint muted" aria-live="polite">
        {command ? (
          <>
            <code>{command.usage}</code>
            {asks === "ask" && <> · {chat.agent?.name} asks first</>}
            {asks === "deny" && <span className="error"> · not allowed for {chat.agent?.name}</span>}
            {command.name === "chart" && noTab && <span className="error"> · pick a tab first</span>}
          </>
        ) : (
          <>
            Enter to send · Shift+Enter new line · <kbd>/</kbd> commands
            {chat.engine === "offline" && (
              <span title="No language model is configured: commands and a few plain requests work (see /help)"> · offline assistant</span>
            )}
          </>
        )}
      </p>
      <div className="chat-input-row">
        <button
          type="button"
          className="icon chat-command-button"
          aria-label="Commands"
          title="Commands"
          aria-expanded={picker}
          onClick={() => {
            setPicker(!picker);
            setActive(0);
            input.current?.focus();
          }}
        >
          /
        </button>
        <textarea
          ref={input}
          // biome-ignore lint/a11y/noAutofocus: the chat drawer opens with the focus in its message field, as a dialog does (WAI-ARIA APG).
          autoFocus
          rows={1}
          aria-label="Message"
          placeholder={busy ? "Type on: sent after the answer" : "Ask, or type / for commands"}
          value={text}
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showList ? `${listId}-${active}` : undefined}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="primary" onClick={send} disabled={!text.trim()}>
          {busy ? "Queue" : "Send"}
        </button>
      </div>
    </div>
  );
}

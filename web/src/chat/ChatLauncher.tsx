import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import type { LiveChannel } from "../live-socket";
import "./chat.css";
import { StrokeIcon } from "../ui/StrokeIcon";
import { ChatPanel } from "./ChatPanel";
import { ToastStack, useToasts } from "./Toasts";
import { useChat } from "./use-chat";

const OPEN_KEY = "wattboard.chat.open";

/**
 * The chat's entry point in the top bar: a button (Ctrl+/ too) that opens the chat panel, a
 * side drawer on wide screens and the whole screen on phones, and the chat's toasts.
 */
export function ChatLauncher({ live, showDashboard }: { live: LiveChannel | null; showDashboard: () => void }) {
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) === "1");
  const button = useRef<HTMLButtonElement>(null);
  const { toasts, push, dismiss } = useToasts();
  const chat = useChat(live, open, push, () => setOpen(true));
  const waiting = chat.requests.length;

  useEffect(() => {
    localStorage.setItem(OPEN_KEY, open ? "1" : "0");
    document.documentElement.toggleAttribute("data-chat-open", open);
    return () => document.documentElement.removeAttribute("data-chat-open");
  }, [open]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "/" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        setOpen((was) => !was);
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <>
      <button
        type="button"
        ref={button}
        className={open ? "chat-launcher active" : "chat-launcher"}
        aria-expanded={open}
        aria-controls="chat-panel"
        aria-label={waiting ? `Chat, ${waiting} waiting for your answer` : "Chat"}
        title="Chat (Ctrl+/)"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <StrokeIcon>
          <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
        </StrokeIcon>
        <span className="chat-launcher-text">Chat</span>
        {waiting > 0 && <span className="badge">{waiting}</span>}
      </button>
      {createPortal(
        <>
          {open && <ChatPanel chat={chat} onClose={close} showDashboard={showDashboard} />}
          <ToastStack toasts={toasts} dismiss={dismiss} />
        </>,
        document.body,
      )}
    </>
  );
}

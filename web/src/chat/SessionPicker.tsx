import { useState } from "react";
import { Menu } from "../ui/Menu";
import type { ChatModel } from "./use-chat";

/** Switch between sessions; start, rename or delete one. */
export function SessionPicker({ chat }: { chat: ChatModel }) {
  const [mode, setMode] = useState<"pick" | "rename" | "delete">("pick");
  const { session, sessions } = chat;

  if (mode === "rename" && session) {
    return (
      <RenameField
        title={session.title}
        onDone={(title) => {
          setMode("pick");
          if (title) void chat.renameSession(title);
        }}
      />
    );
  }
  if (mode === "delete" && session) {
    return (
      <fieldset className="chat-session" aria-label="Delete session">
        <span className="chat-confirm">Delete “{session.title}” and its messages?</span>
        <button
          type="button"
          className="danger-button"
          // biome-ignore lint/a11y/noAutofocus: this confirmation replaces the menu item that had the focus; focus moves into it, as into a dialog (WAI-ARIA APG).
          autoFocus
          onClick={() => {
            setMode("pick");
            void chat.deleteSession();
          }}
        >
          Delete
        </button>
        <button type="button" onClick={() => setMode("pick")}>
          Cancel
        </button>
      </fieldset>
    );
  }
  return (
    <div className="chat-session">
      <select
        aria-label="Chat session"
        value={session?.id ?? ""}
        onChange={(e) => chat.selectSession(e.target.value || null)}
        disabled={!sessions}
      >
        {!session && <option value="">New chat</option>}
        {sessions?.map((s) => (
          <option key={s.id} value={s.id}>
            {s.title}
          </option>
        ))}
      </select>
      <button type="button" className="icon" aria-label="New session" title="New session" onClick={() => void chat.newSession()}>
        +
      </button>
      <Menu
        label="Session actions"
        items={[
          { label: "New session", onSelect: () => void chat.newSession() },
          { label: "Rename", onSelect: () => setMode("rename"), disabledReason: session ? undefined : "nothing sent yet" },
          "separator",
          {
            label: "Delete session",
            danger: true,
            onSelect: () => setMode("delete"),
            disabledReason: session ? undefined : "nothing sent yet",
          },
        ]}
      />
    </div>
  );
}

function RenameField({ title, onDone }: { title: string; onDone: (title: string | null) => void }) {
  const [value, setValue] = useState(title);
  return (
    <form
      className="chat-session"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(value.trim());
      }}
    >
      <input
        aria-label="Session title"
        // biome-ignore lint/a11y/noAutofocus: an inline editor (menu → Rename) takes the focus when it opens, as a dialog does (WAI-ARIA APG).
        autoFocus
        value={value}
        maxLength={120}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => onDone(value.trim())}
        onKeyDown={(e) => {
          if (e.key !== "Escape") return;
          e.preventDefault();
          onDone(null);
        }}
      />
      <button type="submit" className="primary">
        Save
      </button>
    </form>
  );
}

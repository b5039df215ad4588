import { type FormEvent, type KeyboardEvent, useState } from "react";
import type { Tab } from "../api/wattboard";
import { useHomeRole } from "../homes/home-role";
import { ShareDialog } from "../shares/ShareDialog";
import { Menu } from "../ui/Menu";

export interface TabActions {
  select(id: string): void;
  create(title: string): Promise<void>;
  rename(id: string, title: string): void;
  move(id: string, index: number): void;
  remove(tab: Tab): void;
  /** The open tab's charts: one ZIP of CSVs, or one picture. */
  exportCsv(tab: Tab): void;
  exportPng(tab: Tab): void;
}

/**
 * The dashboard's tabs: click to open, drag (or Alt+arrow keys) to reorder, double-click (or F2)
 * to rename, and the active tab's menu for the rest.
 */
export function TabBar({ tabs, activeId, actions }: { tabs: Tab[]; activeId: string | null; actions: TabActions }) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [dragging, setDragging] = useState<string | null>(null);
  const [sharing, setSharing] = useState<Tab | null>(null);
  // A viewer opens and exports tabs; adding, renaming, reordering, sharing and deleting are for editors.
  const { canEdit } = useHomeRole();

  function onTabKey(event: KeyboardEvent, tab: Tab, index: number) {
    const step = event.key === "ArrowLeft" ? -1 : event.key === "ArrowRight" ? 1 : 0;
    if (step && event.altKey && canEdit) {
      event.preventDefault();
      const to = index + step;
      if (to >= 0 && to < tabs.length) actions.move(tab.id, to);
    } else if (step) {
      event.preventDefault();
      const next = tabs[(index + step + tabs.length) % tabs.length];
      actions.select(next.id);
      document.getElementById(`tab-${next.id}`)?.focus();
    } else if (event.key === "F2" && canEdit) {
      setRenaming(tab.id);
    } else if (event.key === "Delete" && canEdit) {
      actions.remove(tab);
    }
  }

  return (
    <nav className="tabbar" aria-label="Dashboard tabs">
      <div role="tablist" className="tabs" aria-label="Tabs (drag or Alt+arrows to reorder, F2 to rename)">
        {tabs.map((tab, index) =>
          renaming === tab.id ? (
            <RenameField
              key={tab.id}
              tab={tab}
              onDone={(title) => {
                setRenaming(null);
                if (title && title !== tab.title) actions.rename(tab.id, title);
              }}
            />
          ) : (
            // biome-ignore lint/a11y/noStaticElementInteractions: the slot is only the mouse drop target around a tab and its menu; the keyboard reorders with Alt+arrows on the tab itself (onTabKey).
            <span
              key={tab.id}
              className={dragging && dragging !== tab.id ? "tab-slot drop-target" : "tab-slot"}
              onDragOver={(e) => dragging && e.preventDefault()}
              onDrop={() => dragging && actions.move(dragging, index)}
            >
              <button
                type="button"
                id={`tab-${tab.id}`}
                role="tab"
                draggable={canEdit}
                aria-selected={tab.id === activeId}
                tabIndex={tab.id === activeId ? 0 : -1}
                className={tab.id === activeId ? "tab active" : "tab"}
                onClick={() => actions.select(tab.id)}
                onDoubleClick={() => canEdit && setRenaming(tab.id)}
                onKeyDown={(e) => onTabKey(e, tab, index)}
                onDragStart={(e) => {
                  e.dataTransfer.setData("text/plain", tab.title);
                  setDragging(tab.id);
                }}
                onDragEnd={() => setDragging(null)}
              >
                {tab.title}
              </button>
              {tab.id === activeId && (
                <Menu
                  label={`Tab actions for ${tab.title}`}
                  items={[
                    ...(canEdit
                      ? [
                          { label: "Rename", onSelect: () => setRenaming(tab.id) },
                          {
                            label: "Move left",
                            onSelect: () => actions.move(tab.id, index - 1),
                            disabledReason: index === 0 ? "already first" : undefined,
                          },
                          {
                            label: "Move right",
                            onSelect: () => actions.move(tab.id, index + 1),
                            disabledReason: index === tabs.length - 1 ? "already last" : undefined,
                          },
                          { label: "Share tab", onSelect: () => setSharing(tab) },
                        ]
                      : []),
                    { label: "Export tab as CSV (ZIP)", onSelect: () => actions.exportCsv(tab) },
                    { label: "Export tab as PNG", onSelect: () => actions.exportPng(tab) },
                    ...(canEdit ? ["separator" as const, { label: "Delete tab", danger: true, onSelect: () => actions.remove(tab) }] : []),
                  ]}
                />
              )}
            </span>
          ),
        )}
      </div>
      {!canEdit ? null : adding ? (
        <NewTabField onDone={() => setAdding(false)} create={actions.create} />
      ) : (
        <button type="button" className="add-tab" aria-label="New tab" title="New tab" onClick={() => setAdding(true)}>
          + <span className="add-tab-text">New tab</span>
        </button>
      )}
      {sharing && <ShareDialog kind="tab" id={sharing.id} title={sharing.title} onClose={() => setSharing(null)} />}
    </nav>
  );
}

function RenameField({ tab, onDone }: { tab: Tab; onDone: (title: string | null) => void }) {
  const [title, setTitle] = useState(tab.title);
  return (
    <form
      className="tab-form"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(title.trim());
      }}
    >
      <input
        aria-label={`Rename ${tab.title}`}
        // biome-ignore lint/a11y/noAutofocus: an inline editor (F2 or double-click) takes the focus when it opens, as a dialog does (WAI-ARIA APG).
        autoFocus
        value={title}
        maxLength={100}
        onChange={(e) => setTitle(e.target.value)}
        onBlur={() => onDone(title.trim())}
        onKeyDown={(e) => e.key === "Escape" && onDone(null)}
      />
    </form>
  );
}

function NewTabField({ create, onDone }: { create: (title: string) => Promise<void>; onDone: () => void }) {
  const [title, setTitle] = useState("");
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!title.trim()) return onDone();
    await create(title.trim());
    onDone();
  }
  return (
    <form className="tab-form" onSubmit={submit}>
      <input
        aria-label="New tab title"
        placeholder="Tab name, e.g. Heating"
        // biome-ignore lint/a11y/noAutofocus: an inline editor ("+ New tab") takes the focus when it opens, as a dialog does (WAI-ARIA APG).
        autoFocus
        value={title}
        maxLength={100}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onDone()}
      />
      <button type="submit" className="primary">
        Add
      </button>
    </form>
  );
}

import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

export interface MenuItem {
  label: string;
  onSelect?: () => void;
  /** Why the item cannot be used, shown as its tooltip. */
  disabledReason?: string;
  danger?: boolean;
}

/** A button that opens a list of actions; arrow keys move, Enter picks, Escape closes. */
export function Menu({ label, items, icon = "⋯" }: { label: string; items: (MenuItem | "separator")[]; icon?: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const outside = (event: PointerEvent) => !root.current?.contains(event.target as Node) && setOpen(false);
    addEventListener("pointerdown", outside);
    return () => removeEventListener("pointerdown", outside);
  }, [open]);

  function onKeyDown(event: KeyboardEvent) {
    const entries = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (event.key === "ArrowDown") focus(at + 1);
    else if (event.key === "ArrowUp") focus(at - 1);
    else if (event.key === "Home") focus(0);
    else if (event.key === "End") focus(entries.length - 1);
    else if (event.key === "Escape" || event.key === "Tab") {
      setOpen(false);
      if (event.key === "Escape") button.current?.focus();
      return;
    } else return;
    event.preventDefault();
  }

  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        ref={button}
        className="icon"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        onKeyDown={onKeyDown}
      >
        {icon}
      </button>
      {open && (
        <div className="menu-list card" role="menu" id={id} aria-label={label} onKeyDown={onKeyDown}>
          {items.map((item, i) =>
            item === "separator" ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: a separator has no identity or state, and the items are given anew, in order, on each render.
              <hr key={i} />
            ) : (
              <button
                type="button"
                key={item.label}
                role="menuitem"
                tabIndex={-1}
                className={item.danger ? "danger" : undefined}
                aria-disabled={item.disabledReason ? true : undefined}
                title={item.disabledReason}
                onClick={() => {
                  if (item.disabledReason) return;
                  setOpen(false);
                  item.onSelect?.();
                }}
              >
                {item.label}
                {item.disabledReason && <span className="muted"> · {item.disabledReason}</span>}
              </button>
            ),
          )}
        </div>
      )}
    </div>
  );
}

import { useCallback, useRef, useState } from "react";

export interface Toast {
  id: number;
  text: string;
  tone?: "info" | "ok" | "warn";
  action?: { label: string; run: () => void };
}

/** Short-lived messages (an agent picked, a tool ran); the ones with an action stay longer. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (toast: Omit<Toast, "id">) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), toast.action ? 12_000 : 5_000);
    },
    [dismiss],
  );
  return { toasts, push, dismiss };
}

export function ToastStack({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  return (
    <div className="chat-toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`chat-toast card ${toast.tone ?? "info"}`} data-testid="chat-toast">
          <span>{toast.text}</span>
          {toast.action && (
            <button
              type="button"
              className="primary"
              onClick={() => {
                toast.action!.run();
                dismiss(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

import { useCallback, useEffect, useRef, useState } from "react";
import type { PendingUndo } from "./UndoToast";

const UNDO_WINDOW_MS = 8_000;

interface Scheduled {
  message: string;
  commit: (keepalive: boolean) => Promise<unknown>;
  restore: () => void;
}

/**
 * Deletions that can be undone: the item disappears at once, the DELETE is sent when the undo
 * window ends, when another deletion starts, or when the page goes away (keepalive request).
 * The API deletes for good (a tab takes its charts with it), so undo must happen before.
 */
export function useDeferredDelete(onError: (caught: unknown) => void) {
  const current = useRef<Scheduled | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [pending, setPending] = useState<PendingUndo | null>(null);

  const flush = useCallback(
    (keepalive = false) => {
      clearTimeout(timer.current);
      const scheduled = current.current;
      current.current = null;
      setPending(null);
      if (scheduled) {
        scheduled.commit(keepalive).catch((caught) => {
          scheduled.restore();
          onError(caught);
        });
      }
    },
    [onError],
  );

  useEffect(() => {
    const onHide = () => flush(true);
    addEventListener("pagehide", onHide);
    return () => {
      removeEventListener("pagehide", onHide);
      flush(true);
    };
  }, [flush]);

  const schedule = useCallback(
    (item: Scheduled) => {
      flush();
      current.current = item;
      timer.current = setTimeout(() => flush(), UNDO_WINDOW_MS);
      setPending({
        message: item.message,
        undo: () => {
          clearTimeout(timer.current);
          current.current = null;
          setPending(null);
          item.restore();
        },
      });
    },
    [flush],
  );

  return { schedule, pending };
}

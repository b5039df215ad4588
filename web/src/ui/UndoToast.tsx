export interface PendingUndo {
  message: string;
  undo: () => void;
}

/** "Deleted X · Undo", at the bottom of the screen while the deletion can still be taken back. */
export function UndoToast({ pending }: { pending: PendingUndo | null }) {
  if (!pending) return null;
  return (
    <div className="toast card" role="status">
      <span>{pending.message}</span>
      <button type="button" className="primary" onClick={pending.undo}>
        Undo
      </button>
    </div>
  );
}

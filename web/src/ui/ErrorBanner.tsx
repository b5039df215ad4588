/** An API or network error in words, dismissible. */
export function ErrorBanner({ error, onDismiss }: { error: string | null; onDismiss: () => void }) {
  if (!error) return null;
  return (
    <p className="error banner" role="alert">
      <span>{error}</span>{" "}
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}

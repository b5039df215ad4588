/** The red "Revoke" of a credential or link row (write tokens, shared links). */
export function RevokeButton({ onRevoke }: { onRevoke: () => void }) {
  return (
    <button type="button" className="danger" onClick={onRevoke}>
      Revoke
    </button>
  );
}

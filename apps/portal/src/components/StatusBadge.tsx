const TRANSITIONAL = new Set(['pending', 'starting', 'stopping', 'deleting', 'building']);

/** A workspace (or version/build) status as text plus colour: never colour alone. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      {TRANSITIONAL.has(status) && <span className="spinner" aria-hidden="true" />}
      {status}
    </span>
  );
}

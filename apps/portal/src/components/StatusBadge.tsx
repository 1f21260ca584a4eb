import { settlingStatuses, type TemplateVersionStatus } from '../api/contract';

/** Statuses that change by themselves: a workspace's (from the contract) and a version being built. */
const BUILDING: TemplateVersionStatus = 'building';
const TRANSITIONAL: ReadonlySet<string> = new Set([...settlingStatuses, BUILDING]);

/** A workspace (or version/build) status as text plus colour: never colour alone. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      {TRANSITIONAL.has(status) && <span className="spinner" aria-hidden="true" />}
      {status}
    </span>
  );
}

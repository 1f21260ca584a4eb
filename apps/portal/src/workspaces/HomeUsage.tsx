import type { Workspace } from '../api/contract';
import { formatBytes, formatDateTime } from '../lib/format';

/** The home volume's size, and a warning when it is over the template's soft or hard limit. */
export function HomeUsage({ workspace }: { workspace: Workspace }) {
  const { usageBytes, measuredAt, limitState } = workspace.home;
  if (usageBytes === null) return <span className="muted">not measured yet</span>;
  return (
    <span title={`measured ${formatDateTime(measuredAt)}`}>
      {formatBytes(usageBytes)}
      {limitState === 'soft' && (
        <strong className="warning" role="note">
          {' '}
          — over the template&apos;s soft limit: free some space
        </strong>
      )}
      {limitState === 'hard' && (
        <strong className="error" role="alert">
          {' '}
          — over the template&apos;s hard limit: this workspace cannot start until it is under again
        </strong>
      )}
    </span>
  );
}

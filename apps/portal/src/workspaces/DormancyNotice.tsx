import type { Workspace } from '../api/contract';
import { formatDateTime, formatRelative } from '../lib/format';

/**
 * Retention, as the owner sees it: a dormant workspace says since when, and when it will be
 * deleted unless started (starting it is all it takes: any transition ends the dormancy).
 */
export function DormancyNotice({
  workspace: ws,
}: {
  workspace: Pick<Workspace, 'status' | 'dormantAt' | 'deletesAt'>;
}) {
  if (!ws.dormantAt || ws.status !== 'stopped') return null;
  return (
    <p className="notice warning dormancy" role="note">
      <strong>Dormant</strong> since <Time iso={ws.dormantAt} />
      {ws.deletesAt ? (
        <>
          {' '}
          — will be deleted on <Time iso={ws.deletesAt} /> ({formatRelative(ws.deletesAt)}), with its home volume,
          unless you start it.
        </>
      ) : (
        ' — unused for a while; start it to use it again.'
      )}
    </p>
  );
}

function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

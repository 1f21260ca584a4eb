import type { StatusEvent, Workspace } from '../api/contract';

/** Statuses that leave a dormancy in place; any other means a transition (a start…) ended it. */
const KEEPS_DORMANCY = new Set(['stopped', 'deleting', 'deleted']);

/**
 * What a status event changes on a workspace. A retention warning carries the dormancy and is
 * not use, so it leaves the "last activity" time alone.
 */
export function statusPatch(e: StatusEvent): Partial<Workspace> {
  if (e.dormantAt !== undefined)
    return { status: e.status, lastError: e.lastError, dormantAt: e.dormantAt, deletesAt: e.deletesAt ?? null };
  return {
    status: e.status,
    lastError: e.lastError,
    ...(e.at ? { updatedAt: e.at } : {}),
    ...(KEEPS_DORMANCY.has(e.status) ? {} : { dormantAt: null, deletesAt: null }),
  };
}

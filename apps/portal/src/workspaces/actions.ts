import { api } from '../api/client';
import { settlingStatuses, type Build, type Workspace, type WorkspaceStatus } from '../api/contract';

export type WorkspaceAction = 'start' | 'stop' | 'restart' | 'rebuild' | 'update' | 'delete';

/** The worker moves these on by itself (the contract's `settlingStatuses`, from libs/domain). */
export const TRANSITIONAL: ReadonlySet<WorkspaceStatus> = new Set(settlingStatuses);

/** Which actions make sense in a state (the API answers 409 to the others anyway). */
export function allowedActions(ws: Pick<Workspace, 'status' | 'outdated'>): Set<WorkspaceAction> {
  const allowed = new Set<WorkspaceAction>();
  switch (ws.status) {
    case 'running':
      allowed.add('stop').add('restart').add('rebuild');
      break;
    case 'stopped':
    case 'failed':
      allowed.add('start').add('rebuild');
      break;
    case 'pending':
    case 'starting':
    case 'stopping':
    case 'deleting':
    case 'deleted':
      break;
  }
  if (ws.outdated && (ws.status === 'running' || ws.status === 'stopped' || ws.status === 'failed'))
    allowed.add('update');
  if (ws.status !== 'deleting' && ws.status !== 'deleted') allowed.add('delete');
  return allowed;
}

/** `purge`: delete the home volume for good at once, confirmed by typing the workspace's name. */
export async function runAction(id: string, action: WorkspaceAction, purge?: { confirm: string }): Promise<Build> {
  const path = `/workspaces/${encodeURIComponent(id)}`;
  const query = purge ? `?purge=true&confirm=${encodeURIComponent(purge.confirm)}` : '';
  const res =
    action === 'delete'
      ? await api.delete<{ build: Build }>(path + query)
      : await api.post<{ build: Build }>(`${path}/${action}`, {});
  return res.build;
}

import { api } from '../api/client';
import type { Build, Workspace, WorkspaceStatus } from '../api/types';

export type WorkspaceAction = 'start' | 'stop' | 'restart' | 'rebuild' | 'update' | 'delete';

export const TRANSITIONAL: ReadonlySet<WorkspaceStatus> = new Set(['pending', 'starting', 'stopping', 'deleting']);

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

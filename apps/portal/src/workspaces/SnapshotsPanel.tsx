import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { Snapshot, Workspace } from '../api/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatBytes, formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

const KINDS: Record<string, string> = {
  manual: 'taken by hand',
  scheduled: 'taken by: schedule',
  'before-restore': 'home before a restore',
};

/**
 * Snapshots of the home: take one (a running workspace pauses while it is read), restore one in
 * place (the current home is kept as a snapshot first), or delete one to free snapshot storage.
 */
export function SnapshotsPanel({ workspace }: { workspace: Pick<Workspace, 'id' | 'status'> }) {
  const list = useAsync(
    (signal) => api.get<{ items: Snapshot[] }>(`/workspaces/${workspace.id}/snapshots`, signal),
    [workspace.id],
  );
  const [error, setError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<Snapshot | null>(null);
  const items = list.data?.items ?? [];
  const writing = items.some((s) => s.status === 'pending' || s.status === 'running');
  const { reload } = list;

  // While one is being written, look again every two seconds.
  useEffect(() => {
    if (!writing) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [writing, reload]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const canSnapshot = ['running', 'stopped', 'failed'].includes(workspace.status);

  return (
    <section className="panel" aria-labelledby="snapshots-title">
      <h2 id="snapshots-title">Snapshots</h2>
      <p className="muted">
        A snapshot keeps the whole home directory. While it is taken, a running workspace is paused (its programs freeze
        for that time, then carry on).
      </p>
      <button
        type="button"
        disabled={!canSnapshot || writing}
        onClick={() => void act(() => api.post(`/workspaces/${workspace.id}/snapshots`, {}))}
      >
        {writing ? 'Taking a snapshot…' : 'Take a snapshot'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Taken</th>
              <th>Kind</th>
              <th>Size</th>
              <th>Template version</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-snapshot={s.id}>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>{KINDS[s.kind] ?? s.kind}</td>
                <td>{s.sizeBytes === null ? '—' : formatBytes(s.sizeBytes)}</td>
                <td>v{s.templateVersion}</td>
                <td title={s.error ?? undefined}>{s.status}</td>
                <td>
                  <button type="button" disabled={s.status !== 'ready'} onClick={() => setRestoring(s)}>
                    Restore
                  </button>{' '}
                  <button
                    type="button"
                    className="danger-outline"
                    disabled={s.status === 'pending' || s.status === 'running'}
                    onClick={() => void act(() => api.delete(`/workspaces/${workspace.id}/snapshots/${s.id}`))}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring && (
        <ConfirmDialog
          title="Restore this snapshot?"
          confirmLabel="Restore"
          onConfirm={() => {
            const s = restoring;
            setRestoring(null);
            void act(() => api.post(`/workspaces/${workspace.id}/snapshots/${s.id}/restore`, {}));
          }}
          onCancel={() => setRestoring(null)}
        >
          <p>
            The workspace restarts with its home as it was on {formatDateTime(restoring.createdAt)}. The current home is
            kept as a snapshot first, so you can undo this.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

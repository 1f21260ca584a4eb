import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { TrashItem, TrashList } from '../api/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { formatBytes, formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

/** Deleted workspaces whose home volumes are still kept: restore one (stopped, with its files) or purge it. */
export function TrashPage() {
  const trash = useAsync((signal) => api.get<TrashList>('/trash', signal), []);
  const [error, setError] = useState<string | null>(null);
  const [purging, setPurging] = useState<TrashItem | null>(null);
  const [typed, setTyped] = useState('');

  const restore = async (item: TrashItem) => {
    setError(null);
    try {
      await api.post(`/trash/${item.workspaceId}/restore`, {});
      trash.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const purge = async (item: TrashItem) => {
    setError(null);
    try {
      await api.delete(`/trash/${item.workspaceId}?confirm=${encodeURIComponent(typed)}`);
      trash.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPurging(null);
      setTyped('');
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Trash</h1>
      <p className="muted">
        A deleted workspace's home volume is kept here
        {trash.data ? ` for ${trash.data.trashDays} day${trash.data.trashDays === 1 ? '' : 's'}` : ''}, then deleted for
        good.
      </p>
      <ErrorBanner message={error ?? trash.error} onRetry={trash.reload} />
      {trash.loading && !trash.data ? (
        <Loading />
      ) : !trash.data || trash.data.items.length === 0 ? (
        <Empty>
          <p>The trash is empty.</p>
        </Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Workspace</th>
              <th>Deleted</th>
              <th>Kept until</th>
              <th>Home</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {trash.data.items.map((item) => (
              <tr key={item.workspaceId} data-trash={item.name}>
                <td>{item.name}</td>
                <td>{formatDateTime(item.deletedAt)}</td>
                <td>{item.purging ? 'being deleted' : formatDateTime(item.expiresAt)}</td>
                <td>{item.homeUsageBytes === null ? '—' : formatBytes(item.homeUsageBytes)}</td>
                <td>
                  <button type="button" disabled={item.purging} onClick={() => void restore(item)}>
                    Restore
                  </button>{' '}
                  <button
                    type="button"
                    className="danger-outline"
                    disabled={item.purging}
                    onClick={() => setPurging(item)}
                  >
                    Delete for good
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {purging && (
        <ConfirmDialog
          title={`Delete “${purging.name}” for good?`}
          confirmLabel="Delete for good"
          danger
          busy={typed !== purging.name}
          onConfirm={() => void purge(purging)}
          onCancel={() => setPurging(null)}
        >
          <p>Every file in its home volume is lost. This cannot be undone.</p>
          <label htmlFor="trash-purge-confirm">
            Type <strong>{purging.name}</strong> to confirm
          </label>
          <input id="trash-purge-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </ConfirmDialog>
      )}
    </section>
  );
}

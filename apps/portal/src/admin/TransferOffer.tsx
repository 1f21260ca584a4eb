import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { User, Workspace } from '../api/contract';
import { useAsync } from '../lib/use-async';

/**
 * Offered when an admin deactivates someone: their workspaces (homes and snapshots included) can
 * be handed to another active user first, one click each (`POST /workspaces/:id/transfer`).
 */
export function TransferOffer({ user, users }: { user: User; users: User[] }) {
  const owned = useAsync(
    async (signal) => (await api.get<Workspace[]>('/workspaces', signal)).filter((w) => w.ownerId === user.id),
    [user.id],
  );
  const candidates = users.filter((u) => u.id !== user.id && u.active !== false);
  const [to, setTo] = useState(candidates[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string[]>([]);

  const transfer = async (w: Workspace) => {
    setError(null);
    try {
      await api.post(`/workspaces/${w.id}/transfer`, { ownerId: to });
      setDone((d) => [...d, w.id]);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const left = (owned.data ?? []).filter((w) => !done.includes(w.id));
  if (owned.loading || left.length === 0) return null;
  return (
    <div className="transfer-offer">
      <p>
        They own {left.length} workspace{left.length === 1 ? '' : 's'}. Hand {left.length === 1 ? 'it' : 'them'} to
        someone else first?
      </p>
      <label htmlFor="transfer-to">New owner</label>
      <select id="transfer-to" value={to} onChange={(e) => setTo(e.target.value)}>
        {candidates.map((u) => (
          <option key={u.id} value={u.id}>
            {u.email}
          </option>
        ))}
      </select>
      <ul>
        {left.map((w) => (
          <li key={w.id}>
            {w.name}{' '}
            <button type="button" disabled={!to} onClick={() => void transfer(w)}>
              Transfer
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

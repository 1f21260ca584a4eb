import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { SshKey, SshSettings } from '../api/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

/** The signed-in user's SSH public keys (what the SSH gateway accepts) and the start-on-connect setting. */
export function SshKeysPage() {
  const keys = useAsync((signal) => api.get<SshKey[]>('/users/me/ssh-keys', signal), []);
  const settings = useAsync((signal) => api.get<SshSettings>('/users/me/ssh-settings', signal), []);
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<SshKey | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await api.post<SshKey>('/users/me/ssh-keys', { name: name.trim(), publicKey: publicKey.trim() });
      setName('');
      setPublicKey('');
      keys.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (k: SshKey) => {
    setError(null);
    try {
      await api.delete(`/users/me/ssh-keys/${k.id}`);
      keys.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setDeleting(null);
    }
  };
  const setStartsStopped = async (startsStopped: boolean) => {
    setError(null);
    try {
      const updated = await api.put<SshSettings>('/users/me/ssh-settings', { startsStopped });
      settings.setData(() => updated);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">SSH keys</h1>
      <form className="panel" onSubmit={(e) => void add(e)} aria-label="Add an SSH key">
        <label htmlFor="ssh-key-name">Name</label>
        <input id="ssh-key-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        <label htmlFor="ssh-key-public">Public key</label>
        <textarea
          id="ssh-key-public"
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
          required
          rows={3}
          placeholder="ssh-ed25519 AAAA… you@laptop"
        />
        <p className="muted">
          ssh-ed25519, ecdsa, or RSA of at least 3072 bits (the contents of ~/.ssh/id_ed25519.pub).
        </p>
        <button type="submit" className="primary" disabled={busy}>
          Add key
        </button>
      </form>
      <ErrorBanner message={keys.error ?? error} onRetry={keys.error ? keys.reload : undefined} />
      {keys.loading && !keys.data && <Loading />}
      {keys.data?.length === 0 && <Empty>No SSH keys yet.</Empty>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fingerprint</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.fingerprint}</code> <span className="muted">{k.type}</span>
                  </td>
                  <td>{formatDateTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}</td>
                  <td>
                    <button type="button" className="danger-outline" onClick={() => setDeleting(k)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {settings.data && (
        <div className="panel">
          <label>
            <input
              type="checkbox"
              checked={settings.data.startsStopped}
              onChange={(e) => void setStartsStopped(e.target.checked)}
            />{' '}
            Start a stopped workspace when I connect over SSH (otherwise the connection is refused with a message)
          </label>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete the key ${deleting.name}?`}
          confirmLabel="Delete"
          danger
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>Connections with this key are refused from the next one on.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { Role, User } from '../api/contract';
import { useUser } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { TransferOffer } from './TransferOffer';
import { ResetDialog } from './ResetDialog';
import { TokenDialog } from './TokenDialog';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { useAsync } from '../lib/use-async';

export function UsersPage() {
  const me = useUser();
  const users = useAsync((signal) => api.get<User[]>('/users', signal), []);
  const [error, setError] = useState<string | null>(null);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const [tokenFor, setTokenFor] = useState<User | null>(null);
  const [resetFor, setResetFor] = useState<User | null>(null);

  const setRole = async (u: User, role: Role) => {
    setError(null);
    try {
      const updated = await api.patch<User>(`/users/${u.id}`, { role });
      users.setData((all) => all?.map((x) => (x.id === u.id ? { ...x, ...updated } : x)));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const deactivate = async (u: User) => {
    setError(null);
    try {
      await api.delete(`/users/${u.id}`);
      users.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setDeactivating(null);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Users</h1>
      <CreateUserForm onCreated={users.reload} />
      <ErrorBanner message={users.error ?? error} onRetry={users.error ? users.reload : undefined} />
      {users.loading && !users.data && <Loading />}
      {users.data?.length === 0 && <Empty>No users.</Empty>}
      {users.data && users.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Active</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} className={u.active === false ? 'inactive' : ''}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                      Role of {u.email}
                    </label>
                    <select
                      id={`role-${u.id}`}
                      value={u.role}
                      disabled={u.id === me.id || u.active === false}
                      onChange={(e) => void setRole(u, e.target.value as Role)}
                    >
                      <option value="developer">developer</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td>{u.active === false ? 'no' : 'yes'}</td>
                  <td>
                    <div className="actions compact">
                      <button type="button" disabled={u.active === false} onClick={() => setTokenFor(u)}>
                        Create token
                      </button>
                      <button type="button" disabled={u.active === false} onClick={() => setResetFor(u)}>
                        Reset password
                      </button>
                      <button
                        type="button"
                        className="danger-outline"
                        disabled={u.id === me.id || u.active === false}
                        onClick={() => setDeactivating(u)}
                      >
                        Deactivate
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deactivating && (
        <ConfirmDialog
          title={`Deactivate ${deactivating.email}?`}
          confirmLabel="Deactivate"
          danger
          onConfirm={() => void deactivate(deactivating)}
          onCancel={() => setDeactivating(null)}
        >
          <p>Their sessions and tokens end at once and their running workspaces are stopped (home volumes are kept).</p>
          <TransferOffer user={deactivating} users={users.data ?? []} />
        </ConfirmDialog>
      )}
      {tokenFor && <TokenDialog user={tokenFor} onClose={() => setTokenFor(null)} />}
      {resetFor && <ResetDialog user={resetFor} onClose={() => setResetFor(null)} />}
    </section>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('developer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await api.post('/users', { email, name, role, ...(password ? { password } : {}) });
      setDone(`Created ${email}.`);
      setEmail('');
      setName('');
      setPassword('');
      onCreated();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="panel">
      <summary>Create a user</summary>
      <form onSubmit={(e) => void submit(e)} className="inline-form" aria-label="Create a user">
        <div className="field">
          <label htmlFor="new-email">Email</label>
          <input id="new-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-name">Name</label>
          <input id="new-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-password">Password (optional)</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-role">Role</label>
          <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="developer">developer</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            Create user
          </button>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="ok" role="status">
            {done}
          </p>
        )}
      </form>
    </details>
  );
}

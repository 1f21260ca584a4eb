import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { CreatedToken, Role, User } from '../api/types';
import { useUser } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { TransferOffer } from './TransferOffer';
import { Modal } from '../components/Modal';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { useAsync } from '../lib/use-async';

const SCOPES = [
  'all',
  'workspaces:read',
  'workspaces:write',
  'templates:read',
  'templates:write',
  'users:read',
  'users:write',
  'audit:read',
];

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

interface PasswordReset {
  code: string;
  url: string;
  expiresAt: string;
}

/** Makes a one-time reset code for the user and shows it (with its link) once, to hand over. */
function ResetDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const [reset, setReset] = useState<PasswordReset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const create = async () => {
    setError(null);
    try {
      setReset(await api.post<PasswordReset>(`/users/${user.id}/password-reset`, {}));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const copy = (what: string, text: string) => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(what));
  };
  return (
    <Modal title={`Reset password for ${user.email}`} onClose={onClose}>
      {reset ? (
        <div>
          <p className="notice warning">
            Shown only once. It works a single time, until {new Date(reset.expiresAt).toLocaleString()}; a newer reset
            replaces it.
          </p>
          <label htmlFor="reset-link">Link</label>
          <input id="reset-link" className="mono" readOnly value={reset.url} onFocus={(e) => e.target.select()} />
          <p>
            <button type="button" onClick={() => copy('link', reset.url)}>
              {copied === 'link' ? 'Copied' : 'Copy link'}
            </button>
          </p>
          <label htmlFor="reset-code-shown">Code</label>
          <input
            id="reset-code-shown"
            className="mono"
            readOnly
            value={reset.code}
            onFocus={(e) => e.target.select()}
          />
          <p>
            <button type="button" onClick={() => copy('code', reset.code)}>
              {copied === 'code' ? 'Copied' : 'Copy code'}
            </button>
          </p>
        </div>
      ) : (
        <div>
          <p>
            The user sets a new password with a one-time code; their current password and every session end when it is
            used.
          </p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="button" className="primary" onClick={() => void create()}>
            Create reset code
          </button>
        </div>
      )}
    </Modal>
  );
}

function TokenDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const [name, setName] = useState('onboarding');
  const [days, setDays] = useState('7');
  const [scopes, setScopes] = useState<string[]>(['workspaces:write']);
  const [token, setToken] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setToken(
        await api.post<CreatedToken>(`/users/${user.id}/tokens`, {
          name,
          scopes,
          ...(days ? { expiresInDays: Number(days) } : {}),
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Modal title={`Token for ${user.email}`} onClose={onClose}>
      {token ? (
        <div>
          <p className="notice warning">Copy it now: this token is shown only once.</p>
          <label htmlFor="created-token">Token</label>
          <input id="created-token" className="mono" readOnly value={token.token} onFocus={(e) => e.target.select()} />
          <p>
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(token.token).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </p>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-label="Create token">
          <div className="field">
            <label htmlFor="token-name">Name</label>
            <input id="token-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="token-days">Expires in (days)</label>
            <input
              id="token-days"
              type="number"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </div>
          <fieldset className="field">
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  checked={scopes.includes(s)}
                  onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
                />{' '}
                {s}
              </label>
            ))}
          </fieldset>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={scopes.length === 0}>
            Create token
          </button>
        </form>
      )}
    </Modal>
  );
}

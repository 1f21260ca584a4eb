import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { CreatedToken, User } from '../api/contract';
import { Modal } from '../components/Modal';

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

export function TokenDialog({ user, onClose }: { user: User; onClose: () => void }) {
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

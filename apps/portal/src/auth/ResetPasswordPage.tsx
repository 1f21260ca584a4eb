import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';

/**
 * Public page for an admin-made reset: the code comes in the link's fragment (never sent to a
 * server) or is typed in. On success every session of the account has ended; the user signs in.
 */
export function ResetPasswordPage() {
  const [code, setCode] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('code') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password-reset', { code: code.trim(), password }, { allow401: true });
      setDone(true);
      window.history.replaceState(null, '', '/reset-password');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <div className="signin-card">
        <h1 className="brand">⚓ Berth</h1>
        <h2>Choose a new password</h2>
        {done ? (
          <p className="notice" role="status">
            Your password is changed. <a href="/">Sign in</a> with it.
          </p>
        ) : (
          <form onSubmit={(e) => void submit(e)} aria-label="Reset password">
            <div className="field">
              <label htmlFor="reset-code">Reset code</label>
              <input id="reset-code" className="mono" required value={code} onChange={(e) => setCode(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="reset-password">New password</label>
              <input
                id="reset-password"
                type="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary wide" disabled={busy}>
              {busy ? 'Saving…' : 'Set password'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../api/client';
import type { AuthProviders, User } from '../api/contract';
import { useSession } from './session';

const REASONS = {
  none: null,
  expired: 'Your session has expired. Please sign in again.',
  'signed-out': 'You have signed out.',
} as const;

export function SignInPage({ reason }: { reason: keyof typeof REASONS }) {
  const { signedIn } = useSession();
  const [providers, setProviders] = useState<AuthProviders | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    emailRef.current?.focus();
    api
      .get<AuthProviders>('/auth/providers')
      .then(setProviders, () => setProviders({ password: true, oidc: { enabled: false } }));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ user: User }>('/auth/login', { email, password }, { allow401: true });
      signedIn(res.user);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('Wrong email or password.');
      else if (err instanceof ApiError && err.status === 429)
        setError('Too many attempts. Wait a minute and try again.');
      else setError(errorMessage(err));
      setBusy(false);
    }
  };

  const notice = REASONS[reason];
  return (
    <main className="signin">
      <div className="signin-card">
        <h1 className="brand">⚓ Berth</h1>
        <p className="muted">Your development workspaces, one click away.</p>
        {notice && (
          <p className={reason === 'expired' ? 'notice warning' : 'notice'} role="status" data-testid="signin-notice">
            {notice}
          </p>
        )}
        <form onSubmit={(e) => void submit(e)} aria-label="Sign in" noValidate={false}>
          <div className="field">
            <label htmlFor="signin-email">Email</label>
            <input
              ref={emailRef}
              id="signin-email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              type="password"
              autoComplete="current-password"
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
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {providers?.oidc.enabled && (
          <>
            <div className="divider" aria-hidden="true">
              <span>or</span>
            </div>
            <a className="button wide" href={providers.oidc.loginUrl ?? '/api/v1/auth/oidc/login'}>
              Sign in with single sign-on
            </a>
          </>
        )}
      </div>
    </main>
  );
}

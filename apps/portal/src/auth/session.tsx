import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, hasSessionHint, onUnauthorized } from '../api/client';
import type { User } from '../api/contract';

type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed-out'; reason: 'none' | 'expired' | 'signed-out' }
  | { kind: 'signed-in'; user: User };

interface SessionApi {
  state: SessionState;
  signedIn: (user: User) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/**
 * Who is signed in. Without the berth_csrf cookie there is no session to ask about (so no
 * needless 401 at start); with it, GET /users/me decides, and a 401 then means "expired".
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() =>
    hasSessionHint() ? { kind: 'loading' } : { kind: 'signed-out', reason: 'none' },
  );

  useEffect(() => {
    onUnauthorized(() => setState((s) => (s.kind === 'signed-out' ? s : { kind: 'signed-out', reason: 'expired' })));
    return () => onUnauthorized(null);
  }, []);

  useEffect(() => {
    if (state.kind !== 'loading') return;
    api.get<User>('/users/me').then(
      (user) => setState({ kind: 'signed-in', user }),
      () => setState((s) => (s.kind === 'loading' ? { kind: 'signed-out', reason: 'expired' } : s)),
    );
  }, [state.kind]);

  const signedIn = useCallback((user: User) => setState({ kind: 'signed-in', user }), []);
  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout', undefined, { allow401: true });
    } finally {
      setState({ kind: 'signed-out', reason: 'signed-out' });
    }
  }, []);

  const value = useMemo(() => ({ state, signedIn, signOut }), [state, signedIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only for components rendered behind the sign-in gate. */
export function useUser(): User {
  const { state } = useSession();
  if (state.kind !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}

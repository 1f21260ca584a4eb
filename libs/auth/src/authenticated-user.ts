/** What a guard attaches to the request: never the password hash. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'developer';
  /** How this request authenticated: cookie sessions need CSRF checks, bearer tokens do not. */
  via: 'session' | 'token';
}

export const toAuthenticatedUser = (
  user: { id: string; email: string; name: string; role: 'admin' | 'developer' },
  via: AuthenticatedUser['via'],
): AuthenticatedUser => ({ id: user.id, email: user.email, name: user.name, role: user.role, via });

/** What a guard attaches to the request: never the password hash. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'developer';
  /** How this request authenticated: cookie sessions need CSRF checks, bearer tokens do not. */
  via: 'session' | 'token' | 'ssh';
  /** The API token used, when `via` is 'token'. */
  tokenId?: string;
  /** What the request may do: a session may do everything its role allows; a token only its scopes. */
  scopes: readonly string[];
}

export const toAuthenticatedUser = (
  user: { id: string; email: string; name: string; role: 'admin' | 'developer' },
  via: AuthenticatedUser['via'],
  token?: { id: string; scopes: readonly string[] },
): AuthenticatedUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  via,
  ...(token ? { tokenId: token.id, scopes: token.scopes } : { scopes: ['all'] }),
});

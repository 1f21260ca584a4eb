import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { IDP_ACCOUNTS, IDP_CLIENT, type IdpAccount } from './oidc-accounts.js';

export interface RunningIdp {
  issuer: string;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (panva's oidc-provider, the certified implementation) on a free port of
 * 127.0.0.1, with one confidential client whose redirect URI is Berth's callback. Its sign-in
 * step is ours and minimal: `POST /interaction/:uid` with `login=<name>` signs that account in
 * and grants the requested scopes at once (no password, no consent page). Everything else —
 * authorization, PKCE, tokens, ID token signing, userinfo — is the provider's own.
 */
export async function startIdp(redirectUri: string): Promise<RunningIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bySub = new Map<string, IdpAccount>(Object.values(IDP_ACCOUNTS).map((a: IdpAccount) => [a.sub, a]));
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: IDP_CLIENT.id,
        client_secret: IDP_CLIENT.secret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'berth-e2e', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(24).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds); the defaults work but print a notice on every first use.
    ttl: { AuthorizationCode: 60, Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, sub) => {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: account.email_verified,
          groups: account.groups,
          name: account.name,
        }),
      };
    },
    // Errors as one plain line (the default is an HTML page), so a failing test shows why.
    renderError: (ctx, out) => {
      ctx.type = 'text/plain';
      ctx.body = `idp error: ${JSON.stringify(out)}`;
    },
  });

  const handleProvider = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url?.startsWith('/interaction/')) {
      signIn(provider, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(`idp interaction failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      return;
    }
    if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
      res.setHeader('content-type', 'text/html');
      res.end(`<form method="post" action="${req.url}"><input name="login"><button>Sign in</button></form>`);
      return;
    }
    handleProvider(req, res);
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Login and consent in one step, for the account named in the form. */
async function signIn(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const login = new URLSearchParams(Buffer.concat(chunks).toString()).get('login') ?? '';
  const account = (IDP_ACCOUNTS as Record<string, IdpAccount | undefined>)[login];
  if (!account) {
    res.statusCode = 400;
    res.end(`idp: no account named ${login}`);
    return;
  }
  const details = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.sub }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

import { type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import httpProxy from 'http-proxy';
import {
  authorizeDoor,
  type AuthenticatedUser,
  CredentialAuthenticator,
  credentialOf,
  DOORS,
  mayReachWorkspaceOf,
  toAuthenticatedUser,
} from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { BerthError, EDITOR_PORT, ErrorCode, minShare, notFound, type PortShare } from '#domain';
import { UsersRepository, WorkspacesRepository } from '#persistence';
import { type WorkspaceTarget, WorkspaceAccessService } from '../access/workspace-access.service.js';
import { UpgradeRouter } from '../access/upgrade.router.js';
import {
  type AppAddress,
  appOrigin,
  type AppsDomain,
  appsDomain,
  BERTH_COOKIE,
  ownerHandle,
  parseAppHost,
} from '../access/app-origins.js';
import { AppSessionsStore } from './app-sessions.store.js';
import { AuditService } from '../audit/audit.service.js';
import { portalUrl } from '../common/portal-url.js';
import { WorkspacePortAgents } from './workspace-port.agent.js';

export const TICKET_PATH = '/__berth/ticket';

/**
 * The app origins: requests whose Host is `<port>--<workspace>--<owner>.<apps domain>` are proxied
 * to that workspace port (HTTP and WebSocket), never into Nest. The caller is the app cookie's
 * user (from a ticket) or a bearer token; either way the door table and the workspace's owner
 * rule decide. Berth's cookies, CSRF header and Authorization never reach the app, and the app
 * cannot set a Berth cookie.
 */
@Injectable()
export class AppOriginProxy implements OnModuleInit {
  private readonly logger = new Logger(AppOriginProxy.name);
  private readonly proxy = httpProxy.createProxyServer({ ws: true, xfwd: true, proxyTimeout: 120_000 });
  readonly domain: AppsDomain;
  private readonly cookieName: string;
  private readonly portal: string;

  constructor(
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly credentials: CredentialAuthenticator,
    private readonly access: WorkspaceAccessService,
    private readonly workspaces: WorkspacesRepository,
    private readonly users: UsersRepository,
    private readonly store: AppSessionsStore,
    private readonly audit: AuditService,
    private readonly upgrades: UpgradeRouter,
    private readonly agents: WorkspacePortAgents,
  ) {
    this.domain = appsDomain(config);
    this.portal = portalUrl(config);
    // `__Host-`: only settable by this very host over https, so no sibling subdomain can plant it.
    this.cookieName = this.domain.scheme === 'https' ? '__Host-berth_app' : 'berth_app';
    this.proxy.on('proxyRes', (proxyRes) => {
      const cookies = proxyRes.headers['set-cookie'];
      if (cookies) proxyRes.headers['set-cookie'] = cookies.filter((c) => !BERTH_COOKIE.test(c.trim()));
    });
    this.proxy.on('error', (error, _req, res) => {
      this.logger.warn(`app proxy error: ${error.message}`);
      if (res && 'writeHead' in res && !res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({ status: 502, title: 'Bad Gateway', detail: 'the app in the workspace did not answer' }),
        );
      } else if (res && 'destroy' in res) res.destroy();
    });
  }

  /** An app origin's WebSockets (dev servers' hot reload) go to the app, with the app's own sign-in. */
  onModuleInit(): void {
    this.upgrades.addHostHandler({
      take: async (req, socket, head) => {
        const app = this.addressOf(req);
        if (!app) return false;
        await this.ws(req, socket, head, app);
        return true;
      },
    });
  }

  /** The app this request is for, or null when it is for the portal/API. */
  addressOf(req: IncomingMessage): AppAddress | null {
    return parseAppHost(this.domain, req.headers.host);
  }

  originOf(address: AppAddress): string {
    return appOrigin(this.domain, address);
  }

  /** The app origin of a workspace port, for links and the ticket redirect. */
  async originFor(workspace: { name: string; ownerId: string }, port: number): Promise<string> {
    const owner = await this.users.findById(workspace.ownerId);
    return this.originOf({ port, workspace: workspace.name, owner: ownerHandle(owner?.email ?? '') });
  }

  async web(req: IncomingMessage, res: ServerResponse, address: AppAddress): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app');
    const workspace = await this.resolve(address);
    if (url.pathname === TICKET_PATH) return this.redeem(url.searchParams.get('t') ?? '', workspace.id, address, res);
    const user = await this.caller(req, workspace.id, address.port);
    let upstream: Upstream;
    try {
      upstream = await this.admit('HTTP', user, workspace.id, address.port);
    } catch (error) {
      // A browser with no app cookie yet: off to the portal's sign-in, which comes back through the
      // ticket route (scripts and fetches keep their 401).
      if (user || !isNavigation(req) || !(error instanceof BerthError) || error.code !== ErrorCode.Unauthenticated)
        throw error;
      const ticketRoute = `/api/v1/workspaces/${workspace.id}/ports/${address.port}/open?path=${encodeURIComponent(`${url.pathname}${url.search}`)}`;
      res.writeHead(302, {
        location: `${this.portal}/?return=${encodeURIComponent(ticketRoute)}`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    strip(req);
    this.proxy.web(req, res, upstream);
  }

  async ws(req: IncomingMessage, socket: Duplex, head: Buffer, address: AppAddress): Promise<void> {
    // Only the app's own pages may open its WebSockets (the app cookie would ride along otherwise).
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.originOf(address))
      throw new BerthError(ErrorCode.Forbidden, `origin ${origin} may not open this WebSocket`, { refusal: 'origin' });
    const workspace = await this.resolve(address);
    const user = await this.caller(req, workspace.id, address.port);
    const upstream = await this.admit('WS', user, workspace.id, address.port);
    strip(req);
    this.proxy.ws(req, socket, head, upstream);
  }

  private async redeem(ticket: string, workspaceId: string, address: AppAddress, res: ServerResponse): Promise<void> {
    const grant = await this.store.redeemTicket(ticket);
    if (!grant || grant.workspaceId !== workspaceId || grant.port !== address.port)
      throw new BerthError(ErrorCode.Unauthenticated, 'this sign-in link is used up, expired or for another app');
    const secret = await this.store.startSession({ userId: grant.userId, workspaceId, port: address.port });
    // A ticket is traded once per sign-in on an app origin: its first use is what the audit keeps.
    const user = await this.users.findById(grant.userId);
    void this.audit.record({
      actor: user ? toAuthenticatedUser(user, 'session') : null,
      action: 'workspace.port.open',
      targetType: 'workspace',
      targetId: workspaceId,
      ip: null,
      outcome: 'success',
      details: { port: address.port },
    });
    const secure = this.domain.scheme === 'https' ? '; Secure' : '';
    res.writeHead(302, {
      // Host-only (no Domain): valid for this one app origin, never for the portal or a sibling.
      'set-cookie': `${this.cookieName}=${secret}; Path=/; HttpOnly; SameSite=Lax${secure}`,
      location: grant.path.startsWith('/') && !grant.path.startsWith('//') ? grant.path : '/',
      'cache-control': 'no-store',
    });
    res.end();
  }

  /** The app cookie's user (for this app only), or a bearer token's; null when anonymous. */
  private async caller(req: IncomingMessage, workspaceId: string, port: number): Promise<AuthenticatedUser | null> {
    const bearer = credentialOf(req);
    if (bearer?.kind === 'token') return this.credentials.authenticate(bearer);
    const secret = readCookie(req.headers.cookie, this.cookieName);
    const grant = secret ? await this.store.session(secret) : null;
    if (!grant || grant.workspaceId !== workspaceId || grant.port !== port) return null;
    return this.credentials.authenticate({ kind: 'session', userId: grant.userId });
  }

  private async resolve(address: AppAddress): Promise<{ id: string; ownerId: string }> {
    const found = (await this.workspaces.findLiveByName(address.workspace)).filter(
      (w) => ownerHandle(w.owner.email) === address.owner,
    );
    if (found.length !== 1 || !found[0]) throw notFound('app');
    return found[0];
  }

  /**
   * The door of the port's share level (capped by the template's maximum) decides; at `owner`,
   * only the owner and admins get past it (anyone else: not found). Answers where the request
   * goes: the published port through the runtime, or for the editor (published nowhere, on the workspace's loopback)
   * an agent that dials it through the relay.
   */
  private async admit(
    transport: 'HTTP' | 'WS',
    user: AuthenticatedUser | null,
    workspaceId: string,
    port: number,
  ): Promise<Upstream> {
    // The share level's door first (401 without credentials), then who may see the workspace; both
    // before its state, so a stranger learns nothing from a 409.
    const target = await this.access.runningWorkspace(workspaceId, (t) => {
      const level = shareOf(t, port);
      authorizeDoor(DOORS[DOOR_BY_SHARE[transport][level]], user);
      return level !== 'owner' || (user !== null && mayReachWorkspaceOf(user, t.ownerId));
    });
    const published = target.ports.some((p) => p.port === port);
    if (!published && port !== EDITOR_PORT)
      throw new BerthError(ErrorCode.NotFound, `the template publishes no port ${port}`);
    this.access.recordActivity(workspaceId);
    // Through the runtime either way (a connection per request for a published port, so a
    // recreated container is never reached at an old address; pooled relays for the editor on the
    // loopback). The URL only names the protocol: the agent's connection is the upstream.
    return {
      target: 'http://workspace',
      agent: this.agents.agentFor(workspaceId, port, published ? 'published' : 'loopback'),
    };
  }
}

const DOOR_BY_SHARE = {
  HTTP: {
    owner: 'HTTP {app origin}/*',
    authenticated: 'HTTP {app origin shared: authenticated}/*',
    public: 'HTTP {app origin shared: public}/*',
  },
  WS: {
    owner: 'WS {app origin}/*',
    authenticated: 'WS {app origin shared: authenticated}/*',
    public: 'WS {app origin shared: public}/*',
  },
} as const;

export const effectiveShare = (set: PortShare | undefined, max: PortShare): PortShare => minShare(set ?? 'owner', max);

/**
 * A port's level. The editor's port (unless the template publishes that number itself) is always
 * `owner`: VS Code is a shell, so only the owner and admins get past its door.
 */
export const shareOf = (
  target: Pick<WorkspaceTarget, 'ports' | 'portShares' | 'maxPortShare'>,
  port: number,
): PortShare =>
  port === EDITOR_PORT && !target.ports.some((p) => p.port === port)
    ? 'owner'
    : effectiveShare(target.portShares[String(port)], target.maxPortShare);

/** Where a proxied request goes: a URL, and for ports nothing publishes, the agent that dials them. */
interface Upstream {
  target: string;
  agent?: Agent;
}

/** What the app must never see: Berth's cookies, the CSRF header, the caller's credentials. */
function strip(req: IncomingMessage): void {
  delete req.headers.authorization;
  delete req.headers['x-csrf-token'];
  const kept = (req.headers.cookie ?? '').split(/;\s*/).filter((c) => c && !BERTH_COOKIE.test(c));
  if (kept.length) req.headers.cookie = kept.join('; ');
  else delete req.headers.cookie;
}

/** A top-level page load in a browser (not a fetch, script or API client). */
function isNavigation(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.headers.authorization) return false;
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined) return mode === 'navigate';
  return (req.headers.accept ?? '').includes('text/html');
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === name) return part.slice(eq + 1);
  }
  return undefined;
}

import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { scopeAllows, type TokenScope } from './scopes.js';

/**
 * Every way into Berth ("door") and who may use it: REST routes, the SSE stream, the terminal
 * WebSocket, exec and the port proxy. The global guards, the WebSocket upgrade router and the
 * port proxy all look their door up here and call `authorizeDoor`; a Nest route without an entry
 * stops the API at boot, and the authorization-matrix e2e test walks this table. So a new door
 * cannot open without someone writing down here which roles and which token scope it needs.
 *
 * - `roles`: who may use it (`public`: no sign-in at all). Ownership of the object reached by id
 *   is decided by the services (another developer's workspace is "not found").
 * - `scope`: what a bearer token must carry (`any`: every valid token; sessions are limited by
 *   their role only). A `:write` scope includes the matching `:read`.
 */
export type DoorKind = 'rest' | 'sse' | 'websocket' | 'exec' | 'proxy' | 'ssh';
export type DoorRole = AuthenticatedUser['role'];

export interface Door {
  kind: DoorKind;
  roles: 'public' | readonly DoorRole[];
  scope: Exclude<TokenScope, 'all'> | 'any' | 'all';
}

const everyone: readonly DoorRole[] = ['admin', 'developer'];
const adminOnly: readonly DoorRole[] = ['admin'];
const pub = (kind: DoorKind = 'rest'): Door => ({ kind, roles: 'public', scope: 'any' });
const signedIn = (scope: Door['scope'], kind: DoorKind = 'rest'): Door => ({ kind, roles: everyone, scope });
const admin = (scope: Door['scope']): Door => ({ kind: 'rest', roles: adminOnly, scope });

/** Keys: `<METHOD> <express route path>` for Nest routes; `WS …` for upgrades; `HTTP …` for proxies (any method). */
export const DOORS = {
  // Health and sign-in.
  'GET /healthz': pub(),
  'GET /readyz': pub(),
  'POST /api/v1/auth/login': pub(),
  'POST /api/v1/auth/password-reset': pub(),
  'GET /api/v1/auth/providers': pub(),
  'GET /api/v1/auth/oidc/login': pub(),
  'GET /api/v1/auth/oidc/callback': pub(),
  'POST /api/v1/auth/logout': signedIn('all'),

  // Who am I, users (admin), tokens (own).
  'GET /api/v1/users/me': signedIn('any'),
  'POST /api/v1/users/me/password': signedIn('all'),
  'GET /api/v1/users': admin('users:read'),
  'GET /api/v1/users/:id': admin('users:read'),
  'POST /api/v1/users': admin('users:write'),
  'PUT /api/v1/users/by-email/:email': admin('users:write'),
  'PATCH /api/v1/users/:id': admin('users:write'),
  'DELETE /api/v1/users/:id': admin('users:write'),
  'POST /api/v1/users/:id/tokens': admin('users:write'),
  'POST /api/v1/users/:id/password-reset': admin('users:write'),
  'POST /api/v1/tokens': signedIn('all'),
  'GET /api/v1/tokens': signedIn('all'),
  'DELETE /api/v1/tokens/:id': signedIn('all'),
  // SSH keys open shells: only sessions and `all` tokens manage them.
  'GET /api/v1/users/me/ssh-keys': signedIn('all'),
  'POST /api/v1/users/me/ssh-keys': signedIn('all'),
  'DELETE /api/v1/users/me/ssh-keys/:id': signedIn('all'),
  'GET /api/v1/users/me/ssh-settings': signedIn('all'),
  'PUT /api/v1/users/me/ssh-settings': signedIn('all'),

  // Templates: everyone reads the catalogue; admins change it.
  'GET /api/v1/templates': signedIn('templates:read'),
  'GET /api/v1/templates/:id': signedIn('templates:read'),
  'GET /api/v1/templates/:id/versions': signedIn('templates:read'),
  'GET /api/v1/templates/:id/versions/:n': signedIn('templates:read'),
  'GET /api/v1/templates/:id/versions/:n/impact': admin('templates:read'),
  'POST /api/v1/templates': admin('templates:write'),
  'POST /api/v1/templates/validate': admin('templates:write'),
  'POST /api/v1/templates/import/devcontainer': admin('templates:write'),
  'DELETE /api/v1/templates/:id': admin('templates:write'),
  'POST /api/v1/templates/:id/versions': admin('templates:write'),
  'POST /api/v1/templates/:id/versions/:n/promote': admin('templates:write'),
  'PUT /api/v1/templates/:id/versions/:n/pool': admin('templates:write'),

  // Workspaces (owner, or an admin).
  'GET /api/v1/workspaces': signedIn('workspaces:read'),
  'POST /api/v1/workspaces': signedIn('workspaces:write'),
  'GET /api/v1/workspaces/:id': signedIn('workspaces:read'),
  'DELETE /api/v1/workspaces/:id': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/start': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/stop': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/restart': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/rebuild': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/update': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/activity': signedIn('workspaces:write'),
  'POST /api/v1/workspaces/:id/recover': signedIn('workspaces:write'),
  // Handing a workspace to another user is an admin's decision.
  'POST /api/v1/workspaces/:id/transfer': admin('users:write'),
  'GET /api/v1/workspaces/:id/stats': signedIn('workspaces:read'),
  'GET /api/v1/workspaces/:id/builds': signedIn('workspaces:read'),
  'GET /api/v1/workspaces/:id/builds/:buildId': signedIn('workspaces:read'),
  'POST /api/v1/workspaces/:id/builds/:buildId/cancel': signedIn('workspaces:write'),
  'GET /api/v1/workspaces/:id/events': signedIn('workspaces:read', 'sse'),
  // Running code inside a workspace is writing to it, whatever the transport.
  'POST /api/v1/workspaces/:id/exec': signedIn('workspaces:write', 'exec'),
  'WS /api/v1/workspaces/:id/terminal': signedIn('workspaces:write', 'websocket'),
  // SSH over the API's WebSocket; the SSH key inside must then be the same user's.
  'WS /api/v1/workspaces/:id/ssh': signedIn('workspaces:write', 'websocket'),
  // The SSH gateway (BERTH_SSH_PORT): a registered key stands for its user; admins may reach
  // other users' workspaces as `<workspace>.<owner email>`.
  'SSH <workspace>@gateway': signedIn('all', 'ssh'),
  // Forwarded ports, each on its own origin (BERTH_APPS_URL): the API issues a one-time ticket
  // after checking access; the app origin trades it for its own cookie.
  'GET /api/v1/workspaces/:id/ports/:port/open': signedIn('workspaces:write', 'proxy'),
  // One door per share level: `owner` (the owner and admins), `authenticated` (any signed-in
  // user; a token needs only workspaces:read), `public` (anyone).
  'HTTP {app origin}/*': signedIn('workspaces:write', 'proxy'),
  'WS {app origin}/*': signedIn('workspaces:write', 'proxy'),
  'HTTP {app origin shared: authenticated}/*': signedIn('workspaces:read', 'proxy'),
  'WS {app origin shared: authenticated}/*': signedIn('workspaces:read', 'proxy'),
  'HTTP {app origin shared: public}/*': pub('proxy'),
  'WS {app origin shared: public}/*': pub('proxy'),
  'PATCH /api/v1/workspaces/:id/ports/:port': signedIn('workspaces:write'),
  // VS Code in the browser: whether it applies, and starting it (then its ticket, as for a port;
  // the editor's origin is its port's, at the `owner` level always: it is a shell).
  'GET /api/v1/workspaces/:id/editor': signedIn('workspaces:read'),
  'POST /api/v1/workspaces/:id/editor': signedIn('workspaces:write', 'proxy'),
  // The path-based proxy of old only redirects to the ticket route above (which checks access).
  'HTTP /w/:id/ports/:port': pub('proxy'),

  // Snapshots of a workspace's home (owner, or an admin); restore is a transition.
  'POST /api/v1/workspaces/:id/snapshots': signedIn('workspaces:write'),
  'GET /api/v1/workspaces/:id/snapshots': signedIn('workspaces:read'),
  'GET /api/v1/workspaces/:id/snapshots/:snapshotId': signedIn('workspaces:read'),
  'POST /api/v1/workspaces/:id/snapshots/:snapshotId/restore': signedIn('workspaces:write'),
  'DELETE /api/v1/workspaces/:id/snapshots/:snapshotId': signedIn('workspaces:write'),

  // The trash of deleted workspaces (owner, or an admin): list, restore, purge.
  'GET /api/v1/trash': signedIn('workspaces:read'),
  'POST /api/v1/trash/:workspaceId/restore': signedIn('workspaces:write'),
  'DELETE /api/v1/trash/:workspaceId': signedIn('workspaces:write'),

  // Admin pages.
  'GET /api/v1/audit': admin('audit:read'),
  'GET /api/v1/admin/system': admin('audit:read'),
  // The volume inventory: every home volume with orphans; adopt and report never delete.
  'GET /api/v1/admin/volumes': admin('audit:read'),
  'POST /api/v1/admin/volumes/:workspaceId/adopt': admin('all'),
  'POST /api/v1/admin/volumes/:workspaceId/report': admin('all'),
  'GET /api/v1/admin/queues/:queue/jobs': admin('audit:read'),
  'POST /api/v1/admin/queues/:queue/jobs/:id/retry': admin('all'),
  'DELETE /api/v1/admin/queues/:queue/jobs/:id': admin('all'),
  // The hosts that run workspaces (BERTH_RUNTIME=swarm: Swarm nodes; one engine: one node).
  'GET /api/v1/admin/nodes': admin('audit:read'),
  'POST /api/v1/admin/nodes/:id/cordon': admin('all'),
  'POST /api/v1/admin/nodes/:id/uncordon': admin('all'),

  // Prometheus: the controller itself admits loopback or BERTH_METRICS_TOKEN (a scrape
  // credential, not a user).
  'GET /metrics': pub(),
} as const satisfies Record<string, Door>;

export type DoorKey = keyof typeof DOORS;

export const isDoorKey = (key: string): key is DoorKey => Object.hasOwn(DOORS, key);

/** The door of a Nest route (`HEAD` uses the `GET` door, as Express routes it). */
export function routeDoor(method: string, routePath: string): Door | undefined {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const key = `${verb} ${routePath}`;
  return isDoorKey(key) ? DOORS[key] : undefined;
}

/**
 * The one authorization rule: the role must be listed, and a token must carry the door's scope.
 * `user` is null for anonymous callers; public doors let them through.
 */
export function authorizeDoor(door: Door, user: AuthenticatedUser | null): void {
  if (door.roles === 'public') return;
  if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
  if (!door.roles.includes(user.role))
    throw new BerthError(ErrorCode.Forbidden, `this needs the ${door.roles.join(' or ')} role`, {
      refusal: 'role',
    });
  const required = door.scope === 'all' ? undefined : door.scope;
  if (user.via === 'token' && !scopeAllows(user.scopes, required))
    throw new BerthError(ErrorCode.Forbidden, `this token lacks the ${door.scope} scope`, {
      requiredScope: door.scope,
      refusal: 'scope',
    });
}

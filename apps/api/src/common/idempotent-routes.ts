import { type Request } from 'express';

/**
 * POST routes that create something, so they honour `Idempotency-Key` (door-table keys). Every
 * POST door must be in one of these two lists: a test fails for a new POST nobody classified.
 */
export const IDEMPOTENT_POSTS = new Set<string>([
  'POST /api/v1/workspaces',
  'POST /api/v1/workspaces/:id/start',
  'POST /api/v1/workspaces/:id/stop',
  'POST /api/v1/workspaces/:id/restart',
  'POST /api/v1/workspaces/:id/rebuild',
  'POST /api/v1/workspaces/:id/update',
  'POST /api/v1/tokens',
  'POST /api/v1/users',
  'POST /api/v1/users/:id/tokens',
  'POST /api/v1/users/:id/password-reset',
  'POST /api/v1/users/me/ssh-keys',
  'POST /api/v1/templates',
  'POST /api/v1/templates/import/devcontainer',
  'POST /api/v1/templates/:id/versions',
  'POST /api/v1/workspaces/:id/snapshots',
  'POST /api/v1/workspaces/:id/snapshots/:snapshotId/restore',
  'POST /api/v1/trash/:workspaceId/restore',
]);

/** POSTs that create nothing a client would hold on to (sessions, checks, commands, repairs). */
export const OTHER_POSTS = new Set<string>([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/users/me/password',
  'POST /api/v1/templates/validate',
  'POST /api/v1/templates/:id/versions/:n/promote',
  'POST /api/v1/workspaces/:id/activity',
  'POST /api/v1/workspaces/:id/recover',
  'POST /api/v1/workspaces/:id/exec',
  // Starts the browser editor and answers a one-time ticket: a repeat must get a fresh ticket.
  'POST /api/v1/workspaces/:id/editor',
  'POST /api/v1/workspaces/:id/builds/:buildId/cancel',
  'POST /api/v1/admin/queues/:queue/jobs/:id/retry',
  // Repeating these lands in the same state: a transfer to the same owner, an adopted orphan
  // (then no longer an orphan: 404), a report (one more audit row, nothing created).
  'POST /api/v1/workspaces/:id/transfer',
  'POST /api/v1/admin/volumes/:workspaceId/adopt',
  'POST /api/v1/admin/volumes/:workspaceId/report',
  // Cordoning a cordoned node (or uncordoning an active one) lands in the same state.
  'POST /api/v1/admin/nodes/:id/cordon',
  'POST /api/v1/admin/nodes/:id/uncordon',
]);

export function isIdempotentRoute(req: Request): boolean {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && IDEMPOTENT_POSTS.has(`${req.method} ${path}`);
}

import { type IncomingMessage } from 'node:http';
import { ThrottlerException } from '@nestjs/throttler';
import { type AuthenticatedUser } from '#auth';
import { BerthError } from '#domain';
import { type AuditService } from './audit.service.js';

type Req = IncomingMessage & { user?: AuthenticatedUser; ip?: string; originalUrl?: string };

/**
 * Refusals are audited too: 403 for a role, a token scope, CSRF or a foreign Origin, and 429.
 * Guards and the raw entry points (upgrades, app origins) refuse before any interceptor runs, so
 * the places that turn errors into answers call this. Sign-in's own 429 is audited by its guard.
 */
export function auditRefusal(audit: AuditService | undefined, request: unknown, error: unknown): void {
  const req = request as Req | undefined;
  if (!audit || !req) return;
  const refusal =
    error instanceof BerthError && typeof error.details.refusal === 'string'
      ? error.details.refusal
      : error instanceof ThrottlerException
        ? 'rate'
        : undefined;
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
  if (!refusal || (refusal === 'rate' && path === '/api/v1/auth/login')) return;
  void audit.record({
    actor: req.user ?? null,
    action: 'access.refused',
    targetType: 'door',
    ip: req.ip ?? req.socket.remoteAddress ?? null,
    outcome: 'failure',
    details: {
      refusal,
      status: refusal === 'rate' ? 429 : 403,
      method: req.method ?? '',
      path: path.slice(0, 200),
      host: (req.headers.host ?? '').slice(0, 200),
    },
  });
}

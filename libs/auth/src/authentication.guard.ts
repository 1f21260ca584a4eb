import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { timingSafeEqual } from 'node:crypto';
import { type Request } from 'express';
import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { authorizeDoor, type Door, routeDoor } from './doors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_COOKIE = 'berth_csrf';

type BerthRequest = Request & { user?: AuthenticatedUser; session?: { csrf?: string } };

class BearerGuard extends AuthGuard('bearer') {}

/** The door (libs/auth/src/doors.ts) of the route Express matched; a route without one is refused. */
export function doorOf(request: Request): Door {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  const door = typeof path === 'string' ? routeDoor(request.method, path) : undefined;
  if (!door) throw new BerthError(ErrorCode.Forbidden, 'this route is not in the door table', { refusal: 'door' });
  return door;
}

/**
 * Global: who the caller is, then the one rule of the door table (role and token scope). A bearer
 * token wins when present; otherwise the passport session. Cookie-authenticated mutations must
 * echo the CSRF token (double submit), which a cross-site form cannot read.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly bearer = new BearerGuard();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BerthRequest>();
    const door = doorOf(request);
    if (door.roles === 'public') return true;
    if (request.headers.authorization?.startsWith('Bearer ')) {
      await this.bearer.canActivate(context);
      authorizeDoor(door, request.user ?? null);
      return true;
    }
    if (!request.isAuthenticated() || !request.user)
      throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(request)) {
      throw new BerthError(
        ErrorCode.Forbidden,
        `missing or wrong ${CSRF_HEADER} header (copy the ${CSRF_COOKIE} cookie)`,
        { refusal: 'csrf' },
      );
    }
    authorizeDoor(door, request.user);
    return true;
  }
}

function csrfMatches(request: BerthRequest): boolean {
  const expected = request.session?.csrf;
  const given = request.headers[CSRF_HEADER];
  if (!expected || typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

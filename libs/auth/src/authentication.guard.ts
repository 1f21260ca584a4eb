import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { timingSafeEqual } from 'node:crypto';
import { type Request } from 'express';
import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { IS_PUBLIC } from './decorators.js';
import { REQUIRED_SCOPE, scopeAllows } from './scopes.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_COOKIE = 'berth_csrf';

type BerthRequest = Request & { user?: AuthenticatedUser; session?: { csrf?: string } };

class BearerGuard extends AuthGuard('bearer') {}

/**
 * Global: every route needs a signed-in user unless marked @Public(). A bearer token wins when
 * present; otherwise the passport session. Cookie-authenticated mutations must echo the CSRF
 * token (double submit), which a cross-site form cannot read.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly bearer = new BearerGuard();

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<BerthRequest>();
    if (request.headers.authorization?.startsWith('Bearer ')) {
      await this.bearer.canActivate(context);
      const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [
        context.getHandler(),
        context.getClass(),
      ]);
      if (!request.user || !scopeAllows(request.user.scopes, required)) {
        throw new BerthError(ErrorCode.Forbidden, `this token lacks the ${required ?? 'all'} scope`, {
          requiredScope: required ?? 'all',
        });
      }
      return true;
    }
    if (!request.isAuthenticated() || !request.user)
      throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(request)) {
      throw new BerthError(
        ErrorCode.Forbidden,
        `missing or wrong ${CSRF_HEADER} header (copy the ${CSRF_COOKIE} cookie)`,
      );
    }
    return true;
  }
}

function csrfMatches(request: BerthRequest): boolean {
  const expected = request.session?.csrf;
  const given = request.headers[CSRF_HEADER];
  if (!expected || typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

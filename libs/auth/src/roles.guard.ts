import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { ROLES } from './decorators.js';

/** Global, after authentication: routes marked @Roles('admin') refuse other roles with 403. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<AuthenticatedUser['role'][] | undefined>(ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user || !roles.includes(user.role))
      throw new BerthError(ErrorCode.Forbidden, `this needs the ${roles.join(' or ')} role`);
    return true;
  }
}

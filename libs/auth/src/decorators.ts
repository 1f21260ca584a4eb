import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { type AuthenticatedUser } from './authenticated-user.js';

export const IS_PUBLIC = 'berth:isPublic';
export const ROLES = 'berth:roles';

/** The route needs no authentication (login, health). Everything else does by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
export const Roles = (...roles: AuthenticatedUser['role'][]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const request = ctx.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
  return request.user;
});

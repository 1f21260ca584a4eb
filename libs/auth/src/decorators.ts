import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { type AuthenticatedUser } from './authenticated-user.js';

export const IS_PUBLIC = 'berth:isPublic';
export const ROLES = 'berth:roles';

// Each access rule is also written into the OpenAPI document (x-berth-*), so the authorization
// matrix test reads the rules from the same route table the server uses.

/** The route needs no authentication (login, health). Everything else does by default. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-berth-public', true));

export const Roles = (...roles: AuthenticatedUser['role'][]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES, roles), ApiExtension('x-berth-roles', roles));

/**
 * Objects behind these routes are shared by every signed-in user (e.g. the template catalogue),
 * so another developer may read them. Everything else reached by id is owner-only (404).
 */
export const SharedResource = (): MethodDecorator & ClassDecorator => ApiExtension('x-berth-shared', true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const request = ctx.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
  return request.user;
});

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { type AuthenticatedUser } from './authenticated-user.js';

// Roles, scopes and public routes live in the door table (doors.ts), not in decorators.

/**
 * Objects behind these routes are shared by every signed-in user (e.g. the template catalogue),
 * so another developer may read them. Everything else reached by id is owner-only (404).
 */
export const SharedResource = (): MethodDecorator & ClassDecorator => ApiExtension('x-berth-shared', true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const request = ctx.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
  return request.user;
});

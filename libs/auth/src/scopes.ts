import { SetMetadata } from '@nestjs/common';

/**
 * What an API token may do. A route declares the scope it needs; a token must carry it (a
 * `:write` scope includes the matching `:read`), or `all`. Routes that declare nothing need
 * `all`, so a new route is closed to narrow tokens until someone decides otherwise.
 * Sessions (people in the portal) are limited by their role only.
 */
export const TOKEN_SCOPES = [
  'workspaces:read',
  'workspaces:write',
  'templates:read',
  'templates:write',
  'users:read',
  'users:write',
  'audit:read',
  'all',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const REQUIRED_SCOPE = 'berth:requiredScope';

/** `any`: every valid token may call the route (e.g. "who am I"). */
export const RequiresScope = (scope: Exclude<TokenScope, 'all'> | 'any'): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPE, scope);

export function scopeAllows(granted: readonly string[], required: string | undefined): boolean {
  if (granted.includes('all') || required === 'any') return true;
  if (!required) return false;
  if (granted.includes(required)) return true;
  const [resource, level] = required.split(':');
  return level === 'read' && granted.includes(`${resource}:write`);
}

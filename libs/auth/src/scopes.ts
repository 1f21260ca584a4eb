/**
 * What an API token may do. Each door (doors.ts) names the scope it needs; a token must carry it
 * (a `:write` scope includes the matching `:read`), or `all`.
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

export function scopeAllows(granted: readonly string[], required: string | undefined): boolean {
  if (granted.includes('all') || required === 'any') return true;
  if (!required) return false;
  if (granted.includes(required)) return true;
  const [resource, level] = required.split(':');
  return level === 'read' && granted.includes(`${resource}:write`);
}

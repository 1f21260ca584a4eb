import { scopeAllows } from './scopes.js';

describe('token scopes', () => {
  it.each([
    [['all'], 'workspaces:write', true],
    [['all'], undefined, true],
    [['workspaces:read'], 'workspaces:read', true],
    [['workspaces:read'], 'workspaces:write', false],
    [['workspaces:write'], 'workspaces:read', true],
    [['workspaces:write'], 'templates:read', false],
    [['templates:write'], 'workspaces:write', false],
    [['users:write'], 'users:read', true],
    [['workspaces:read'], undefined, false],
    [['workspaces:read'], 'any', true],
    [[], 'any', true],
  ] as const)('%j calling a route that needs %s: %s', (granted, required, allowed) => {
    expect(scopeAllows(granted, required)).toBe(allowed);
  });
});

import { BerthError, ErrorCode } from '#domain';
import { type AuthenticatedUser } from './authenticated-user.js';
import { DOORS } from './doors.js';
import { mayReachWorkspaceOf, WorkspaceAccessRule, workspaceOwnerScope } from './workspace-access.js';
import { type WorkspacesRepository } from '#persistence';

const user = (role: AuthenticatedUser['role'], id = `${role}-1`): AuthenticatedUser => ({
  id,
  email: `${id}@berth.test`,
  name: id,
  role,
  via: 'session',
  scopes: ['all'],
});

describe('the one workspace access rule', () => {
  it('admins reach every workspace; anyone else only their own', () => {
    expect(workspaceOwnerScope(user('admin'))).toBeNull();
    expect(workspaceOwnerScope(user('developer', 'dev-1'))).toBe('dev-1');
    expect(mayReachWorkspaceOf(user('admin'), 'someone')).toBe(true);
    expect(mayReachWorkspaceOf(user('developer', 'dev-1'), 'dev-1')).toBe(true);
    expect(mayReachWorkspaceOf(user('developer', 'dev-1'), 'dev-2')).toBe(false);
  });

  it("checks the door first: no caller, or a token without the door's scope, never reaches the database", async () => {
    // The repository is never called on these paths, so an object that fails the test if touched stands in for it.
    const untouched = new Proxy({} as WorkspacesRepository, {
      get: () => () => Promise.reject(new Error('the database was consulted')),
    });
    const rule = new WorkspaceAccessRule(untouched);
    const door = DOORS['WS /api/v1/workspaces/:id/terminal'];
    await expect(rule.requireWorkspaceAccess(null, 'w', { door })).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
    const readOnly: AuthenticatedUser = { ...user('developer'), via: 'token', scopes: ['workspaces:read'] };
    await expect(rule.requireWorkspaceAccess(readOnly, 'w', { door })).rejects.toBeInstanceOf(BerthError);
    await expect(rule.requireWorkspaceAccess(readOnly, 'w', { door })).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
    });
  });
});

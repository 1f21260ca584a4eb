import { Injectable } from '@nestjs/common';
import { BerthError, ErrorCode, notFound } from '#domain';
import { WorkspacesRepository, type WorkspaceRecord } from '#persistence';
import { type AuthenticatedUser } from './authenticated-user.js';
import { authorizeDoor, type Door } from './doors.js';

/**
 * The admin-or-owner rule, once: admins reach every workspace, anyone else only their own. As a
 * query filter: the owner id to restrict to, or null for any owner.
 */
export const workspaceOwnerScope = (user: Pick<AuthenticatedUser, 'id' | 'role'>): string | null =>
  user.role === 'admin' ? null : user.id;

/** The same rule for a workspace already in hand. */
export const mayReachWorkspaceOf = (user: Pick<AuthenticatedUser, 'id' | 'role'>, ownerId: string): boolean =>
  workspaceOwnerScope(user) === null || user.id === ownerId;

export interface WorkspaceNeed {
  /**
   * The door the caller came through, checked with the door table's rule (role, token scope).
   * REST and SSE routes leave it out: the global guard already checked their door the same way.
   */
  door?: Door;
  /** Reaching inside (terminal, exec, SSH, ports): only a running workspace (else 409). */
  running?: boolean;
}

/**
 * The one access rule for a workspace, whatever the transport (REST, SSE, the terminal, exec,
 * the port proxy, SSH): the door's rule for the caller, then the admin-or-owner rule. Another
 * user's workspace is "not found", never "forbidden", so ids cannot be probed.
 */
@Injectable()
export class WorkspaceAccessRule {
  constructor(private readonly workspaces: WorkspacesRepository) {}

  async requireWorkspaceAccess(
    user: AuthenticatedUser | null,
    workspaceId: string,
    need: WorkspaceNeed = {},
  ): Promise<WorkspaceRecord> {
    if (need.door) authorizeDoor(need.door, user);
    if (!user) throw new BerthError(ErrorCode.Unauthenticated, 'sign in or send a bearer token');
    const workspace = await this.workspaces.findLive(workspaceId, workspaceOwnerScope(user));
    if (!workspace) throw notFound('workspace');
    if (need.running && workspace.status !== 'running')
      throw new BerthError(ErrorCode.Conflict, `the workspace is ${workspace.status}`);
    return workspace;
  }
}

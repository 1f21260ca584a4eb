import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { WorkspaceAccessRule, type AuthenticatedUser, type WorkspaceNeed } from '#auth';
import {
  BerthError,
  ErrorCode,
  notFound,
  parseTemplateSpec,
  type PortShare,
  type PortShares,
  type WorkspacePort,
} from '#domain';
import { TemplatesRepository, WorkspacesRepository, type WorkspaceRecord } from '#persistence';

export interface WorkspaceTarget {
  workspaceId: string;
  name: string;
  ownerId: string;
  user: string;
  homePath: string;
  ports: WorkspacePort[];
  /** Share level per port as the owner set it (absent: owner), and the template's maximum. */
  portShares: PortShares;
  maxPortShare: PortShare;
}

/**
 * Who may reach inside a workspace (terminal, proxied ports): its owner, or an admin. Another
 * user's workspace is "not found", as everywhere; a stopped one is a conflict.
 */
@Injectable()
export class WorkspaceAccessService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesRepository,
    private readonly rule: WorkspaceAccessRule,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** Terminal input and proxied traffic count as use of the workspace. */
  recordActivity(workspaceId: string): void {
    void this.workspaces.touchActivity(workspaceId, this.config.BERTH_ACTIVITY_RESOLUTION_MS).catch(() => undefined);
  }

  /** The caller's (or, for an admin, anyone's) running workspace, by the one access rule (libs/auth). */
  async runningTarget(
    user: AuthenticatedUser,
    workspaceId: string,
    need: Omit<WorkspaceNeed, 'running'> = {},
  ): Promise<WorkspaceTarget> {
    return this.targetOf(await this.rule.requireWorkspaceAccess(user, workspaceId, { ...need, running: true }));
  }

  /**
   * Any owner's running workspace: for ports shared beyond their owner. Callers then apply the
   * share level's door and, at `owner` level, the admin-or-owner rule (mayReachWorkspaceOf).
   */
  async runningWorkspace(
    workspaceId: string,
    visibleTo: (target: WorkspaceTarget) => boolean,
  ): Promise<WorkspaceTarget> {
    const ws = await this.workspaces.findLive(workspaceId, null);
    if (!ws) throw notFound('workspace');
    const target = await this.targetOf(ws);
    // Visibility before state: a stranger gets the 404 of a missing workspace whatever its status,
    // since a 409 ("the workspace is stopped") would tell them that it exists.
    if (!visibleTo(target)) throw notFound('workspace');
    if (ws.status !== 'running') throw new BerthError(ErrorCode.Conflict, `the workspace is ${ws.status}`);
    return target;
  }

  private async targetOf(ws: WorkspaceRecord): Promise<WorkspaceTarget> {
    const version = await this.templates.findVersion(ws.templateId, ws.templateVersion);
    if (!version) throw notFound('template version');
    const spec = parseTemplateSpec(version.spec);
    return {
      workspaceId: ws.id,
      name: ws.name,
      ownerId: ws.ownerId,
      user: spec.user,
      homePath: spec.homePath,
      ports: ws.ports,
      portShares: ws.portShares,
      maxPortShare: spec.maxPortShare,
    };
  }
}

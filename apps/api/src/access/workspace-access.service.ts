import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { type AuthenticatedUser } from '#auth';
import {
  BerthError,
  ErrorCode,
  notFound,
  parseTemplateSpec,
  type PortShare,
  type PortShares,
  type WorkspacePort,
} from '#domain';
import { TemplatesRepository, WorkspacesRepository } from '#persistence';

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
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** Terminal input and proxied traffic count as use of the workspace. */
  recordActivity(workspaceId: string): void {
    void this.workspaces.touchActivity(workspaceId, this.config.BERTH_ACTIVITY_RESOLUTION_MS).catch(() => undefined);
  }

  async runningTarget(user: AuthenticatedUser, workspaceId: string): Promise<WorkspaceTarget> {
    return this.running(workspaceId, user.role === 'admin' ? null : user.id);
  }

  /** Any owner's running workspace: for ports shared beyond their owner (callers check the level). */
  runningWorkspace(workspaceId: string): Promise<WorkspaceTarget> {
    return this.running(workspaceId, null);
  }

  private async running(workspaceId: string, ownerId: string | null): Promise<WorkspaceTarget> {
    const ws = await this.workspaces.findLive(workspaceId, ownerId);
    if (!ws) throw notFound('workspace');
    if (ws.status !== 'running') throw new BerthError(ErrorCode.Conflict, `the workspace is ${ws.status}`);
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

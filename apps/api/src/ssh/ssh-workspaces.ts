import { Inject, Injectable } from '@nestjs/common';
import { DOORS, type AuthenticatedUser } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { UsersRepository, WorkspacesRepository } from '#persistence';
import { RUNTIME_DRIVER, type InteractiveExec, type InteractiveExecRequest, type RuntimeDriver } from '#runtime';
import { WorkspaceAccessService, type WorkspaceTarget } from '../access/workspace-access.service.js';
import { WorkspacesService } from '../workspaces/workspaces.service.js';

const START_WAIT_MS = 300_000;
const POLL_MS = 250;

/** What an SSH session needs from the rest of Berth: a running workspace, processes in it, activity. */
@Injectable()
export class SshWorkspaces {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly workspaces: WorkspacesRepository,
    private readonly users: UsersRepository,
    private readonly lifecycle: WorkspacesService,
    private readonly access: WorkspaceAccessService,
  ) {}

  /**
   * The running workspace to open a session in. A stopped one is started (through the same
   * builder as every start, so it is audited) when the user's setting says so, else refused with
   * a message meant for the person at the terminal. `progress` gets one line per step.
   */
  async ensureRunning(
    user: AuthenticatedUser,
    workspaceId: string,
    progress: (line: string) => void,
  ): Promise<WorkspaceTarget> {
    const ws = await this.workspaces.findById(workspaceId);
    if (!ws || ws.deletedAt) throw new Error('the workspace no longer exists');
    if (ws.status !== 'running') {
      const owner = await this.users.findById(user.id);
      if (!owner?.sshStartsStopped && ws.status !== 'starting') {
        throw new Error(
          `workspace ${ws.name} is ${ws.status}; start it first (your SSH setting says not to start it on connect)`,
        );
      }
      progress(`berth: workspace ${ws.name} is ${ws.status}; starting it…`);
      if (ws.status !== 'starting') await this.lifecycle.transition(user, ws.id, 'start');
      const deadline = Date.now() + START_WAIT_MS;
      for (;;) {
        const now = await this.workspaces.findById(ws.id);
        if (now?.status === 'running') break;
        if (!now || now.status === 'failed' || Date.now() > deadline) {
          throw new Error(`workspace ${ws.name} did not start: ${now?.lastError ?? now?.status ?? 'deleted'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      progress(`berth: workspace ${ws.name} is running`);
    }
    return this.access.runningTarget(user, workspaceId, { door: DOORS['SSH <workspace>@gateway'] });
  }

  openExec(workspaceId: string, req: InteractiveExecRequest): Promise<InteractiveExec> {
    return this.runtime.openExec(workspaceId, req);
  }

  recordActivity(workspaceId: string): void {
    this.access.recordActivity(workspaceId);
  }

  /** How often an open SSH connection counts as activity (the writes themselves are throttled too). */
  get activityIntervalMs(): number {
    return Math.max(500, Math.min(this.config.BERTH_ACTIVITY_RESOLUTION_MS, 30_000));
  }
}

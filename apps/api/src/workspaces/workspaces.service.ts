import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { RUNTIME_DRIVER, type ContainerStats, type RuntimeDriver } from '#runtime';
import { workspaceOwnerScope, WorkspaceAccessRule, type AuthenticatedUser } from '#auth';
import {
  BerthError,
  canRequest,
  conflict,
  ErrorCode,
  invalid,
  notFound,
  parseTemplateSpec,
  resolveParameterValues,
  type TransitionKind,
} from '#domain';
import {
  BuildsRepository,
  isUniqueViolation,
  TemplatesRepository,
  WorkspacesRepository,
  type BuildRecord,
  type WorkspaceRecord,
} from '#persistence';
import { TransitionBuilder, type TransitionOrder } from '#queue';
import { type BuildView, type CreateWorkspaceDto, type WorkspaceView } from './workspaces.dto.js';
import { toBuildView, toWorkspaceView } from './workspace.views.js';
import { QuotaService } from './quota.service.js';
import { PortUrls } from './port-urls.service.js';

/** Transitions that move the workspace onto the template's promoted version. */
const MOVES_TO_PROMOTED = new Set<TransitionKind>(['rebuild', 'update']);
/** Transitions that leave the workspace running, so they are checked against the owner's quota; stop and delete never are. */
const STARTS = new Set<TransitionKind>(['start', 'restart', 'rebuild', 'update']);

/**
 * Accepts lifecycle requests: checks them, then has the TransitionBuilder write the desired state
 * and a Build row and enqueue the job. The worker does the Docker work; nothing here waits for a
 * container.
 */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: BuildsRepository,
    private readonly templates: TemplatesRepository,
    private readonly builder: TransitionBuilder,
    private readonly quota: QuotaService,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly portUrls: PortUrls,
    private readonly access: WorkspaceAccessRule,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WorkspacesService.name);
  }

  async create(user: AuthenticatedUser, dto: CreateWorkspaceDto): Promise<WorkspaceView> {
    const template = await this.templates.findById(dto.templateId);
    if (!template?.active) throw invalid(`template ${dto.templateId} does not exist`, 'templateId');
    const spec = parseTemplateSpec(template.active.spec);
    // Checked against the template's declared bounds; the complete set (defaults filled) is kept.
    const parameters = resolveParameterValues(spec.parameters, dto.parameters, spec.env);
    const starts = this.quota.cost(template.active.spec, parameters);
    let created: { order: TransitionOrder; build: BuildRecord };
    try {
      // The workspace and its first start are inserted together, under the owner's quota lock.
      created = await this.quota.admit(user.id, { addsWorkspace: true, starts }, async (scope) => {
        const workspace = await scope.createWorkspace({
          name: dto.name,
          ownerId: user.id,
          templateId: template.id,
          templateVersion: template.activeVersion,
          parameters,
        });
        // The workspace stays `pending` until the worker takes the start.
        const order: TransitionOrder = { workspace, kind: 'start', by: { userId: user.id }, firstStart: true };
        return { order, build: await scope.createTransition(this.builder.describe(order)) };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`you already have a workspace named ${dto.name}`, { field: 'name' });
      throw error;
    }
    const { order, build } = created;
    this.carryIds(order.workspace.id, build.id);
    await this.builder.dispatch(order, build);
    this.logger.info({ workspaceId: order.workspace.id, buildId: build.id }, `${build.kind} queued`);
    return this.view((await this.workspaces.findById(order.workspace.id)) ?? order.workspace);
  }

  async list(user: AuthenticatedUser): Promise<WorkspaceView[]> {
    const rows = await this.workspaces.listLive(workspaceOwnerScope(user));
    const active = await this.workspaces.activeVersions(rows.map((w) => w.templateId));
    const urls = await this.portUrls.for(rows);
    return rows.map((w) => toWorkspaceView(w, active.get(w.templateId), urls(w)));
  }

  async get(user: AuthenticatedUser, id: string): Promise<WorkspaceView> {
    return this.view(await this.find(user, id));
  }

  async transition(
    user: AuthenticatedUser,
    id: string,
    kind: TransitionKind,
    options: { reinitialize?: boolean } = {},
  ): Promise<BuildView> {
    const workspace = await this.find(user, id);
    const active = await this.builds.findActive(workspace.id);
    if (active) {
      // The same request repeated returns the build in flight; a different one conflicts.
      if (active.kind === kind) return toBuildView(active);
      throw conflict(`a ${active.kind} is in progress for this workspace`, { activeBuildId: active.id });
    }
    if (!canRequest(kind, workspace.status)) {
      throw conflict(`cannot ${kind} a workspace that is ${workspace.status}`, { workspaceStatus: workspace.status });
    }
    if (kind === 'update') {
      const promoted = (await this.templates.findById(workspace.templateId))?.activeVersion;
      if (promoted === undefined || promoted <= workspace.templateVersion) {
        throw conflict(`the workspace already runs the promoted version (${workspace.templateVersion})`, {
          templateVersion: workspace.templateVersion,
        });
      }
    }
    const build = await this.request(workspace, kind, user, options);
    this.carryIds(workspace.id, build.id);
    return toBuildView(build);
  }

  /**
   * Every further log line of this request (its "request completed" line too) carries the
   * workspace and build ids, as the worker's lines of the same build do: one grep shows a start.
   */
  private carryIds(workspaceId: string, buildId: string): void {
    try {
      this.logger.assign({ workspaceId, buildId });
    } catch {
      // Outside an HTTP request (no request logger to extend): the line below still carries them.
    }
  }

  /** Asks every running workspace of `ownerId` to stop (used when an account is deactivated). */
  async stopAllOwnedBy(actor: AuthenticatedUser, ownerId: string): Promise<number> {
    let stopped = 0;
    for (const workspace of await this.workspaces.listLive(ownerId)) {
      if (workspace.status !== 'running') continue;
      // A transition already in flight is left to finish; the account can no longer start one.
      await this.transition(actor, workspace.id, 'stop').then(
        () => stopped++,
        () => undefined,
      );
    }
    return stopped;
  }

  /**
   * CPU and memory of the running container. A workspace that is not running (or whose container
   * just went away mid-transition) answers `running: false` with zeros rather than an error: the
   * portal polls this while states change, and an error status would be noise, not news.
   */
  async stats(user: AuthenticatedUser, id: string): Promise<ContainerStats & { running: boolean }> {
    const workspace = await this.find(user, id);
    const idle = { running: false, cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0 };
    if (workspace.status !== 'running') return idle;
    try {
      return { running: true, ...(await this.runtime.stats(workspace.id)) };
    } catch (error) {
      if (error instanceof BerthError && error.code === ErrorCode.Conflict) return idle;
      throw error;
    }
  }

  /**
   * Cancels a build in flight. A queued one ends at once; a running one stops at the worker's
   * next check (within a second), interrupting the stage it is in. The workspace ends `failed`,
   * from where start, stop or recover apply.
   */
  async cancelBuild(user: AuthenticatedUser, id: string, buildId: string): Promise<BuildView> {
    const workspace = await this.find(user, id);
    const build = await this.builds.findForWorkspace(workspace.id, buildId);
    if (!build) throw notFound('build');
    if (!(await this.builds.requestCancel(build.id, user.id)))
      throw conflict(`the build already ${build.status}`, { buildStatus: build.status });
    if (build.status === 'queued') {
      await this.builds.finish(
        build.id,
        { status: 'failed', error: 'cancelled before it started', errorCode: ErrorCode.Cancelled, stages: {} },
        { id: workspace.id, status: 'failed', lastError: `the ${build.kind} was cancelled before it started` },
      );
    }
    return toBuildView((await this.builds.findById(build.id)) ?? build);
  }

  /** "I'm still here": counts as activity (the portal's answer to an idle warning). */
  async recordActivity(user: AuthenticatedUser, id: string): Promise<void> {
    const workspace = await this.find(user, id);
    await this.workspaces.touchActivity(workspace.id, 0);
  }

  async listBuilds(user: AuthenticatedUser, id: string): Promise<BuildView[]> {
    const workspace = await this.find(user, id);
    return (await this.builds.listForWorkspace(workspace.id)).map((b) => toBuildView(b));
  }

  async getBuild(user: AuthenticatedUser, id: string, buildId: string): Promise<BuildView> {
    const workspace = await this.find(user, id);
    const build = await this.builds.findForWorkspace(workspace.id, buildId);
    if (!build) throw notFound('build');
    return toBuildView(build, await this.builds.logs(build.id));
  }

  /** The one access rule (libs/auth): the owner or an admin; anyone else gets "not found". */
  private find(user: AuthenticatedUser, id: string): Promise<WorkspaceRecord> {
    return this.access.requireWorkspaceAccess(user, id);
  }

  private async view(workspace: WorkspaceRecord): Promise<WorkspaceView> {
    return toWorkspaceView(
      workspace,
      (await this.workspaces.activeVersions([workspace.templateId])).get(workspace.templateId),
      (await this.portUrls.for([workspace]))(workspace),
    );
  }

  private async request(
    workspace: WorkspaceRecord,
    kind: TransitionKind,
    user: AuthenticatedUser,
    options: { reinitialize?: boolean } = {},
  ): Promise<BuildRecord> {
    const order: TransitionOrder = {
      workspace,
      kind,
      by: { userId: user.id },
      templateVersion: MOVES_TO_PROMOTED.has(kind)
        ? ((await this.templates.findById(workspace.templateId))?.activeVersion ?? workspace.templateVersion)
        : workspace.templateVersion,
      reinitialize: MOVES_TO_PROMOTED.has(kind) && options.reinitialize === true,
    };
    const build = STARTS.has(kind)
      ? await this.builder.request(order, async (transition) =>
          // Charged to the owner (not the admin acting for them), at the version it will run.
          this.quota.admit(
            workspace.ownerId,
            {
              addsWorkspace: false,
              starts: await this.quota.costAt(workspace, transition.templateVersion),
              workspaceId: workspace.id,
            },
            (tx) => tx.createTransition(transition),
          ),
        )
      : await this.builder.request(order);
    this.logger.info({ workspaceId: workspace.id, buildId: build.id }, `${build.kind} queued`);
    return build;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { RUNTIME_DRIVER, type ContainerStats, type RuntimeDriver } from '#runtime';
import { workspaceOwnerScope, WorkspaceAccessRule, type AuthenticatedUser } from '#auth';
import {
  assertPurgeConfirmed,
  BerthError,
  canRequest,
  conflict,
  ErrorCode,
  invalid,
  isTransitional,
  notFound,
  parseTemplateSpec,
  resolveParameterValues,
  type TransitionKind,
} from '#domain';
import {
  BuildsRepository,
  isUniqueViolation,
  SnapshotsRepository,
  TemplatesRepository,
  UsersRepository,
  WorkspacesRepository,
  type BuildRecord,
  type WorkspaceRecord,
} from '#persistence';
import { TransitionBuilder, type TransitionOrder } from '#queue';
import { type BuildView, type CreateWorkspaceDto, type WorkspaceView } from './workspaces.dto.js';
import { toBuildView, toWorkspaceView } from './workspace.views.js';
import { QuotaService } from './quota.service.js';
import { PortUrls } from './port-urls.service.js';
import { WarmPoolClaims } from './warm-pool-claims.js';

/** Transitions that move the workspace onto the template's promoted version. */
const MOVES_TO_PROMOTED = new Set<TransitionKind>(['rebuild', 'update']);
/** Transitions that leave the workspace running, so they are checked against the owner's quota; stop and delete never are. */
const STARTS = new Set<TransitionKind>(['start', 'restart', 'rebuild', 'update', 'restore']);

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
    private readonly snapshots: SnapshotsRepository,
    private readonly users: UsersRepository,
    private readonly builder: TransitionBuilder,
    private readonly quota: QuotaService,
    @Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver,
    private readonly portUrls: PortUrls,
    private readonly access: WorkspaceAccessRule,
    private readonly warm: WarmPoolClaims,
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
    // A clone starts from one of the caller's own ready snapshots (an admin: anyone's); else 404.
    const snapshot = dto.fromSnapshot
      ? await this.snapshots.findReadyOwnedBy(dto.fromSnapshot, user.role === 'admin' ? null : user.id)
      : undefined;
    if (snapshot === null) throw notFound('snapshot');
    let created: { order: TransitionOrder; build: BuildRecord; warm: boolean };
    try {
      // The workspace and its first start are inserted together, under the owner's quota lock.
      created = await this.quota.admit(user.id, { addsWorkspace: true, starts }, async (scope) => {
        const fields = { name: dto.name, templateId: template.id, templateVersion: template.activeVersion, parameters };
        // A matching warm pool slot becomes this workspace (never for a clone: its home is the snapshot).
        const warm = snapshot || !template.active ? null : await this.warm.claim(scope, template.active, fields);
        const workspace = warm ?? (await scope.createWorkspace({ ...fields, ownerId: user.id }));
        // The workspace stays `pending` until the worker takes the start (a warm one: until settled below).
        const order: TransitionOrder = {
          workspace,
          kind: 'start',
          by: { userId: user.id },
          firstStart: true,
          ...(snapshot ? { snapshotId: snapshot.id } : {}),
        };
        return { order, build: await scope.createTransition(this.builder.describe(order)), warm: warm !== null };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`you already have a workspace named ${dto.name}`, { field: 'name' });
      throw error;
    }
    const { order, build } = created;
    this.carryIds(order.workspace.id, build.id);
    await (created.warm ? this.warm.settle(order, build) : this.builder.dispatch(order, build));
    if (!created.warm) this.logger.info({ workspaceId: order.workspace.id, buildId: build.id }, `${build.kind} queued`);
    return this.view((await this.workspaces.findById(order.workspace.id)) ?? order.workspace);
  }

  async list(user: AuthenticatedUser): Promise<WorkspaceView[]> {
    const rows = await this.workspaces.listLive(workspaceOwnerScope(user));
    const [active, urls] = await Promise.all([
      this.workspaces.activeVersions(rows.map((w) => w.templateId)),
      this.portUrls.for(rows),
    ]);
    return rows.map((w) => toWorkspaceView(w, active.get(w.templateId), urls(w)));
  }

  /** The hottest read of the API (scripts poll it): one query for the row and its view. */
  async get(user: AuthenticatedUser, id: string): Promise<WorkspaceView> {
    // The access rule's own scope (libs/auth), applied in the same query as the view's lookups.
    const found = await this.workspaces.findLiveForView(id, workspaceOwnerScope(user));
    if (!found) throw notFound('workspace');
    return toWorkspaceView(found.workspace, found.promotedVersion, this.portUrls.of(found.workspace, found.ownerEmail));
  }

  async transition(
    user: AuthenticatedUser,
    id: string,
    kind: TransitionKind,
    options: { reinitialize?: boolean; snapshotId?: string } = {},
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
   * `DELETE /workspaces/:id`: the container goes at once and the home volume to the trash, or,
   * with `purge` (an admin, or the owner typing the name again), the volume is deleted too.
   * Asking again with `purge` while the delete is in flight turns it into a purge.
   */
  async delete(
    user: AuthenticatedUser,
    id: string,
    options: { purge?: boolean; confirm?: string },
  ): Promise<BuildView> {
    if (options.purge) assertPurgeConfirmed(user.role, (await this.find(user, id)).name, options.confirm);
    const build = await this.transition(user, id, 'delete');
    // Read by the worker after the container is gone; written later, the trash pass purges it.
    if (options.purge) await this.workspaces.update(id, { purgeRequestedAt: new Date() });
    return build;
  }

  /**
   * An admin hands a workspace (its home, snapshots and trash state) to another user. The new
   * owner must be active, have the room in their quota and no workspace of that name; the
   * container, if any, is recreated by a restart so its owner label is the new one (the volume's
   * label cannot change in Docker: Postgres holds the owner of record). Answers the workspace.
   */
  async transfer(admin: AuthenticatedUser, id: string, newOwnerId: string): Promise<WorkspaceView> {
    const workspace = await this.find(admin, id);
    if (workspace.ownerId === newOwnerId) return this.view(workspace);
    const owner = await this.users.findById(newOwnerId);
    if (!owner?.active) throw invalid('the new owner must be an active user', 'ownerId');
    if (isTransitional(workspace.status) || (await this.builds.findActive(workspace.id)))
      throw conflict('a transition of this workspace is in progress; transfer it when it has finished');
    const starts =
      workspace.status === 'running' ? await this.quota.costAt(workspace, workspace.templateVersion) : NO_COST;
    try {
      await this.quota.admit(newOwnerId, { addsWorkspace: true, starts }, (scope) =>
        scope.transferWorkspace(workspace.id, workspace.ownerId, newOwnerId),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(`the new owner already has a workspace named ${workspace.name}`, { field: 'ownerId' });
      throw error;
    }
    this.logger.info({ workspaceId: id, from: workspace.ownerId, to: newOwnerId }, 'workspace transferred');
    const moved = (await this.workspaces.findById(id)) ?? workspace;
    if (moved.status === 'running') await this.transition(admin, id, 'restart');
    return this.view((await this.workspaces.findById(id)) ?? moved);
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
    // Independent lookups, side by side: one round trip of latency instead of two.
    const [active, urls] = await Promise.all([
      this.workspaces.activeVersions([workspace.templateId]),
      this.portUrls.for([workspace]),
    ]);
    return toWorkspaceView(workspace, active.get(workspace.templateId), urls(workspace));
  }

  private async request(
    workspace: WorkspaceRecord,
    kind: TransitionKind,
    user: AuthenticatedUser,
    options: { reinitialize?: boolean; snapshotId?: string } = {},
  ): Promise<BuildRecord> {
    const order: TransitionOrder = {
      workspace,
      kind,
      by: { userId: user.id },
      templateVersion: MOVES_TO_PROMOTED.has(kind)
        ? ((await this.templates.findById(workspace.templateId))?.activeVersion ?? workspace.templateVersion)
        : workspace.templateVersion,
      reinitialize: MOVES_TO_PROMOTED.has(kind) && options.reinitialize === true,
      ...(options.snapshotId ? { snapshotId: options.snapshotId } : {}),
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

const NO_COST = { cpus: 0, memoryMb: 0 };

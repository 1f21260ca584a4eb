import { Injectable, Logger } from '@nestjs/common';
import { conflict, transitionRule, type TransitionKind, type WorkspacePort } from '#domain';
import {
  AuditRepository,
  BuildsRepository,
  isUniqueViolation,
  WorkspacesRepository,
  type BuildRecord,
  type TransitionRequest,
  type WorkspaceRecord,
} from '#persistence';
import { WorkspaceJobsProducer } from './workspace-jobs.producer.js';

/** Who asks: a person (by user id), or Berth itself with the reason it shows on the workspace. */
export type Requester = { userId: string } | { system: string };

export interface TransitionOrder {
  /** The workspace as read before the request (put back as it was if the queue is away). */
  workspace: WorkspaceRecord;
  kind: TransitionKind;
  by: Requester;
  /** The template version the transition runs (rebuild/update: the promoted one); default: the workspace's. */
  templateVersion?: number;
  /** Run the template's initScript again (rebuild/update only). */
  reinitialize?: boolean;
  /** Re-checked under the row lock when the build is inserted; `allowedFrom` defaults to the rule's `from`. */
  checks?: Pick<TransitionRequest, 'allowedFrom' | 'dueForDeletionBy' | 'unusedSince'>;
  /** A new workspace's first start: it shows `pending` until the worker takes it. */
  firstStart?: boolean;
  /** restore: the snapshot put into the home; a clone's first start: the snapshot its home begins with. */
  snapshotId?: string;
}

/** A transition carried out at once, in the caller's process (recover), rather than by the worker. */
export interface SettledWork {
  /** The one stage the build shows (e.g. `recover`). */
  stage: string;
  /** The ports the workspace has afterwards. */
  ports: WorkspacePort[];
  /** What was found and done, kept as the build's log. */
  log: string[];
}

/** Audit action per kind, as the REST routes name them (`DELETE /workspaces/:id` is `remove`). */
const AUDIT_ACTION: Record<TransitionKind, string> = {
  start: 'workspaces.start',
  stop: 'workspaces.stop',
  restart: 'workspaces.restart',
  rebuild: 'workspaces.rebuild',
  update: 'workspaces.update',
  delete: 'workspaces.remove',
  restore: 'snapshots.restore',
};

/**
 * The one place a transition is created (as Coder's wsbuilder): a person's request, Berth's own
 * (idle stop, retention delete) and recover all come here, so each one is a Build row inserted
 * the same way (status, desired state and checks from the rule table, re-checked under the row
 * lock), is audited (a person's by the REST audit interceptor, Berth's own here), and is handed to
 * the worker through the queue — or, for recover, carried out and finished at once.
 */
@Injectable()
export class TransitionBuilder {
  private readonly logger = new Logger(TransitionBuilder.name);

  constructor(
    private readonly builds: BuildsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly audit: AuditRepository,
    private readonly jobs: WorkspaceJobsProducer,
  ) {}

  /** The Build row's request: what the workspace shows, what it should become, what is re-checked. */
  describe(order: TransitionOrder): TransitionRequest {
    const rule = transitionRule(order.kind);
    return {
      workspaceId: order.workspace.id,
      kind: order.kind,
      templateVersion: order.templateVersion ?? order.workspace.templateVersion,
      requestedById: 'userId' in order.by ? order.by.userId : null,
      ...('system' in order.by ? { reason: order.by.system } : {}),
      ...(order.reinitialize ? { reinitialize: true } : {}),
      ...(order.snapshotId ? { snapshotId: order.snapshotId } : {}),
      requestedStatus: order.firstStart ? 'pending' : rule.requested,
      desiredState: rule.desired,
      allowedFrom: rule.from,
      ...order.checks,
    };
  }

  /**
   * Inserts the build and enqueues it. `insert` runs the insert another way (inside the caller's
   * transaction, e.g. under the owner's quota lock). A person repeating a request gets the build
   * in flight; any other clash is a conflict (409).
   */
  async request(
    order: TransitionOrder,
    insert: (req: TransitionRequest) => Promise<BuildRecord> = (req) => this.builds.createForTransition(req),
  ): Promise<BuildRecord> {
    const { build, repeated } = await this.insert(order, insert);
    if (!repeated) await this.dispatch(order, build);
    return build;
  }

  /**
   * Hands an inserted build to the worker. A person's request is undone when the queue is away
   * (build removed; the workspace put back as it was, or removed if `firstStart` created it) and
   * answered 503, so a retry later starts clean. Berth's own is left queued: the reaper enqueues
   * it again.
   */
  async dispatch(order: TransitionOrder, build: BuildRecord): Promise<void> {
    const { workspace } = order;
    try {
      await this.jobs.enqueue({ buildId: build.id, workspaceId: workspace.id });
    } catch (error) {
      if ('system' in order.by) return;
      await this.builds.discard(build.id);
      if (order.firstStart) {
        await this.workspaces.removeNeverStarted(workspace.id);
      } else {
        const { status, desiredState, templateVersion, lastError, stopReason, dormantAt, deletesAt } = workspace;
        await this.workspaces.update(workspace.id, {
          status,
          desiredState,
          templateVersion,
          lastError,
          stopReason,
          dormantAt,
          deletesAt,
        });
      }
      throw error;
    }
  }

  /**
   * A transition carried out here and now (recover: the state is read back from the engine):
   * the build is inserted like any other (so it conflicts with one in flight), `work` runs, and
   * the build ends with the workspace in the rule's `success` state.
   */
  async settle(order: TransitionOrder, work: () => Promise<SettledWork>): Promise<BuildRecord> {
    const { build, repeated } = await this.insert(order, (req) => this.builds.createForTransition(req));
    if (repeated) return build;
    return this.complete(order, build, work);
  }

  /**
   * Ends a build inserted elsewhere (a warm pool claim, under the owner's quota lock) the way
   * `settle` ends its own: `work` runs here, the build succeeds with the workspace in the rule's
   * `success` state (a start: `running`), or fails with its error.
   */
  async complete(order: TransitionOrder, build: BuildRecord, work: () => Promise<SettledWork>): Promise<BuildRecord> {
    const startedAt = await this.builds.markRunning(build);
    try {
      const { stage, ports, log } = await work();
      await this.builds.appendLog(build.id, 'system', log);
      await this.workspaces.update(order.workspace.id, { ports });
      await this.builds.finish(
        build.id,
        { status: 'succeeded', stages: { [stage]: Date.now() - startedAt.getTime() } },
        { id: order.workspace.id, status: transitionRule(order.kind).success },
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.builds.finish(
        build.id,
        { status: 'failed', error: message, stages: {} },
        { id: order.workspace.id, status: 'failed', lastError: message },
      );
      throw error;
    }
    return (await this.builds.findById(build.id)) ?? build;
  }

  private async insert(
    order: TransitionOrder,
    insert: (req: TransitionRequest) => Promise<BuildRecord>,
  ): Promise<{ build: BuildRecord; repeated: boolean }> {
    let build: BuildRecord;
    try {
      build = await insert(this.describe(order));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Lost a race with a concurrent request: a person repeating it is answered as if it had come first.
      const active = await this.builds.findActive(order.workspace.id);
      if ('userId' in order.by && active?.kind === order.kind) return { build: active, repeated: true };
      throw conflict('another transition of this workspace is in progress', { activeBuildId: active?.id });
    }
    if ('system' in order.by) await this.auditSystem(order, build);
    return { build, repeated: false };
  }

  /** Berth's own transitions have no HTTP request to audit: recorded here, as acted by `system`. */
  private async auditSystem(order: TransitionOrder, build: BuildRecord): Promise<void> {
    await this.audit
      .append({
        actorId: null,
        actorEmail: null,
        via: 'system',
        tokenId: null,
        action: AUDIT_ACTION[order.kind],
        targetType: 'workspaces',
        targetId: order.workspace.id,
        ip: null,
        outcome: 'success',
        details: { buildId: build.id, reason: build.reason },
      })
      .catch((error: unknown) =>
        // An audit write never undoes a transition already recorded; it is logged loudly instead.
        this.logger.error(`audit of ${build.kind} ${build.id} not recorded: ${String(error)}`),
      );
  }
}

import { Injectable } from '@nestjs/common';
import { type BuildKind, type BuildStages, type DesiredState, type ErrorCode, type WorkspaceStatus } from '#domain';
import { PrismaService } from './prisma.service.js';
import { maybe, toBuild, toBuildLogLine } from './mappers.js';
import { type BuildLogRecord, type BuildRecord } from './records.js';
import { insertTransition } from './transition-insert.js';

export interface BuildOutcome {
  status: 'succeeded' | 'failed';
  error?: string;
  errorCode?: ErrorCode;
  stages: BuildStages;
}

export interface TransitionRequest {
  workspaceId: string;
  kind: BuildKind;
  templateVersion: number;
  requestedById: string | null;
  /** Why Berth itself asked for this transition (e.g. idle stop); shown on the workspace and kept on the build. */
  reason?: string;
  /** Statuses the workspace must still be in when the build is inserted. */
  allowedFrom?: readonly WorkspaceStatus[];
  /**
   * Retention deletes only: proceed only if the workspace is still dormant with its deletion due by
   * then, re-checked under the row lock, so a workspace started meanwhile is never deleted.
   */
  dueForDeletionBy?: Date;
  /**
   * Idle stops only: proceed only if nobody has used the workspace after this instant (recorded
   * activity, or a transition asked for), re-checked under the row lock, so a workspace used
   * meanwhile is never stopped as idle.
   */
  unusedSince?: Date;
  /** Run the template's initScript again (rebuild/update only). */
  reinitialize?: boolean;
  /** The snapshot a restore (or a clone's first start) puts into the home. */
  snapshotId?: string;
  /** Status the workspace shows as soon as the request is accepted. */
  requestedStatus: WorkspaceStatus;
  desiredState: DesiredState;
}

@Injectable()
export class BuildsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the build and moves the workspace in one transaction. The partial unique index
   * "one active build per workspace" makes a concurrent second request fail with P2002.
   */
  async createForTransition(req: TransitionRequest): Promise<BuildRecord> {
    return this.prisma.$transaction((tx) => insertTransition(tx, req));
  }

  async findActive(workspaceId: string): Promise<BuildRecord | null> {
    return maybe(toBuild)(
      await this.prisma.build.findFirst({ where: { workspaceId, status: { in: ['queued', 'running'] } } }),
    );
  }

  /** Running builds whose worker stopped sending heartbeats. */
  async findHung(heartbeatBefore: Date): Promise<BuildRecord[]> {
    const rows = await this.prisma.build.findMany({
      where: { status: 'running', heartbeatAt: { lt: heartbeatBefore } },
      take: 100,
    });
    return rows.map(toBuild);
  }

  /** Builds still waiting for a worker (their job may have been lost with Redis). */
  async findQueuedBefore(queuedBefore: Date): Promise<BuildRecord[]> {
    const rows = await this.prisma.build.findMany({
      where: { status: 'queued', queuedAt: { lt: queuedBefore } },
      take: 100,
    });
    return rows.map(toBuild);
  }

  /** Workspace ids with a transition in flight (the reconciler leaves those alone). */
  async activeWorkspaceIds(): Promise<Set<string>> {
    const rows = await this.prisma.build.findMany({
      where: { status: { in: ['queued', 'running'] } },
      select: { workspaceId: true },
    });
    return new Set(rows.map((r) => r.workspaceId));
  }

  /** When the latest successful (re)start finished: a workspace's "running since". */
  async lastStartedAt(workspaceId: string): Promise<Date | null> {
    const build = await this.prisma.build.findFirst({
      where: { workspaceId, status: 'succeeded', kind: { in: ['start', 'restart', 'rebuild', 'update'] } },
      orderBy: { finishedAt: 'desc' },
      select: { finishedAt: true },
    });
    return build?.finishedAt ?? null;
  }

  /** Marks an active build for cancellation; false when it already finished. */
  async requestCancel(id: string, byUserId: string): Promise<boolean> {
    const { count } = await this.prisma.build.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { cancelRequestedAt: new Date(), cancelRequestedById: byUserId },
    });
    return count === 1;
  }

  async isCancelRequested(id: string): Promise<boolean> {
    const build = await this.prisma.build.findUnique({ where: { id }, select: { cancelRequestedAt: true } });
    return Boolean(build?.cancelRequestedAt);
  }

  async findById(id: string): Promise<BuildRecord | null> {
    return maybe(toBuild)(await this.prisma.build.findUnique({ where: { id } }));
  }

  async findForWorkspace(workspaceId: string, buildId: string): Promise<BuildRecord | null> {
    return maybe(toBuild)(await this.prisma.build.findFirst({ where: { id: buildId, workspaceId } }));
  }

  async listForWorkspace(workspaceId: string): Promise<BuildRecord[]> {
    const rows = await this.prisma.build.findMany({ where: { workspaceId }, orderBy: { queuedAt: 'desc' }, take: 100 });
    return rows.map(toBuild);
  }

  /** Marks the build taken by a worker; a build resumed after a crash keeps its first start time. */
  async markRunning(build: BuildRecord): Promise<Date> {
    const now = new Date();
    const startedAt = build.startedAt ?? now;
    await this.prisma.build.update({
      where: { id: build.id },
      data: { status: 'running', startedAt, heartbeatAt: now },
    });
    return startedAt;
  }

  /** Removes a build that never reached the queue (the request is answered 503 instead). */
  async discard(id: string): Promise<void> {
    await this.prisma.build.deleteMany({ where: { id, status: 'queued' } });
  }

  /** A build handed back by a stopping worker waits in the queue again (not failed). */
  async requeue(id: string, stages: BuildStages): Promise<void> {
    await this.prisma.build.updateMany({
      where: { id, status: 'running' },
      data: { status: 'queued', heartbeatAt: null, stages },
    });
  }

  async recordStage(id: string, stages: BuildStages): Promise<void> {
    await this.prisma.build.update({ where: { id }, data: { stages, heartbeatAt: new Date() } });
  }

  /**
   * Ends a build and sets its workspace's resulting state in one transaction: nobody can see the
   * workspace `running` (or `stopped`, `failed`) while its build still counts as in flight, so a
   * request made the moment the status changes is never refused as conflicting.
   */
  async finish(
    id: string,
    outcome: BuildOutcome,
    workspace?: { id: string; status: WorkspaceStatus; lastError?: string | null; deleted?: boolean },
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.build.update({
        where: { id },
        data: {
          status: outcome.status,
          error: outcome.error ?? null,
          errorCode: outcome.errorCode ?? null,
          stages: outcome.stages,
          finishedAt: new Date(),
        },
      });
      if (!workspace) return;
      const { status, lastError = null, deleted } = workspace;
      await tx.workspace.update({
        where: { id: workspace.id },
        data: { status, lastError, ...(deleted ? { deletedAt: new Date(), ports: [] } : {}) },
      });
    });
  }

  async appendLog(buildId: string, stream: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.prisma.buildLog.createMany({
      data: lines.map((line) => ({ buildId, stream, line: line.slice(0, 4000) })),
    });
  }

  async logs(buildId: string): Promise<BuildLogRecord[]> {
    const rows = await this.prisma.buildLog.findMany({ where: { buildId }, orderBy: { id: 'asc' }, take: 5000 });
    return rows.map(toBuildLogLine);
  }
}

import { Injectable } from '@nestjs/common';
import { type SnapshotKind } from '#domain';
import { PrismaService } from './prisma.service.js';
import { type Snapshot as SnapshotRecord } from './generated/client.js';
import { toWorkspace } from './mappers.js';
import { LATEST_FINISHED_BUILD } from './includes.js';
import { type WorkspaceRecord } from './records.js';

export type { SnapshotRecord };

export type { SnapshotKind };
/** A live workspace as the snapshot schedule sees it (one query for all of them per tick). */
export interface ScheduleCandidate {
  workspace: WorkspaceRecord;
  lastScheduledAt: Date | null;
  /** When its latest transition finished (with lastActivityAt: its latest use). */
  lastBuildFinishedAt: Date | null;
  inProgress: boolean;
}

@Injectable()
export class SnapshotsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: {
    workspaceId: string;
    ownerId: string;
    createdById: string | null;
    kind: SnapshotKind;
    templateVersion: number;
  }): Promise<SnapshotRecord> {
    return this.prisma.snapshot.create({ data: { ...data, status: 'pending' } });
  }

  /**
   * A scheduled snapshot, only if the workspace is still as the schedule judged it: nothing being
   * written, and no scheduled snapshot newer than `lastScheduledAt`. The workspace row is locked,
   * so two workers' ticks at once make one snapshot. Null when another tick got there first.
   */
  createScheduled(ws: WorkspaceRecord, lastScheduledAt: Date | null): Promise<SnapshotRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Workspace" WHERE id = ${ws.id}::uuid FOR UPDATE`;
      const busy = await tx.snapshot.count({
        where: {
          workspaceId: ws.id,
          OR: [
            { status: { in: ['pending', 'running'] } },
            ...(lastScheduledAt
              ? [{ kind: 'scheduled', createdAt: { gt: lastScheduledAt } }]
              : [{ kind: 'scheduled' }]),
          ],
        },
      });
      if (busy > 0) return null;
      return tx.snapshot.create({
        data: {
          workspaceId: ws.id,
          ownerId: ws.ownerId,
          createdById: null,
          kind: 'scheduled',
          templateVersion: ws.templateVersion,
          status: 'pending',
        },
      });
    });
  }

  findById(id: string): Promise<SnapshotRecord | null> {
    return this.prisma.snapshot.findUnique({ where: { id } });
  }

  /** A snapshot of that workspace (another workspace's id is "not found"). */
  findForWorkspace(workspaceId: string, id: string): Promise<SnapshotRecord | null> {
    return this.prisma.snapshot.findFirst({ where: { id, workspaceId } });
  }

  /** A ready snapshot the user may restore from (null `ownerId`: anyone's, for admins). */
  findReadyOwnedBy(id: string, ownerId: string | null): Promise<SnapshotRecord | null> {
    return this.prisma.snapshot.findFirst({ where: { id, status: 'ready', ...(ownerId ? { ownerId } : {}) } });
  }

  listForWorkspace(workspaceId: string, limit = 200): Promise<SnapshotRecord[]> {
    return this.prisma.snapshot.findMany({ where: { workspaceId }, orderBy: { createdAt: 'desc' }, take: limit });
  }

  async markRunning(id: string): Promise<boolean> {
    const { count } = await this.prisma.snapshot.updateMany({
      where: { id, status: { in: ['pending', 'running'] } },
      data: { status: 'running' },
    });
    return count === 1;
  }

  async markReady(id: string, result: { storeKey: string; sizeBytes: number; sha256: string }): Promise<void> {
    await this.prisma.snapshot.update({
      where: { id },
      data: { ...result, sizeBytes: BigInt(result.sizeBytes), status: 'ready', finishedAt: new Date(), error: null },
    });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.snapshot.update({
      where: { id },
      data: { status: 'failed', error: error.slice(0, 1000), finishedAt: new Date() },
    });
  }

  /** Compressed bytes the owner's snapshots take (ready ones; a snapshot in progress is counted as 0). */
  async usageBytes(ownerId: string): Promise<number> {
    const agg = await this.prisma.snapshot.aggregate({
      where: { ownerId, status: 'ready' },
      _sum: { sizeBytes: true },
    });
    return Number(agg._sum.sizeBytes ?? 0);
  }

  /** Snapshots in progress of that owner (the quota admits one more only when the used bytes leave room). */
  inProgress(workspaceId: string): Promise<SnapshotRecord | null> {
    return this.prisma.snapshot.findFirst({ where: { workspaceId, status: { in: ['pending', 'running'] } } });
  }

  /** Workspaces a snapshot is being written of (their container may be paused meanwhile). */
  async activeWorkspaceIds(): Promise<Set<string>> {
    const rows = await this.prisma.snapshot.findMany({
      where: { status: { in: ['pending', 'running'] } },
      select: { workspaceId: true },
      distinct: ['workspaceId'],
    });
    return new Set(rows.map((r) => r.workspaceId));
  }

  async remove(id: string): Promise<void> {
    await this.prisma.snapshot.delete({ where: { id } });
  }

  /**
   * Finished scheduled snapshots of a workspace to prune: the ready ones beyond the newest `keep`,
   * and every failed one but the newest (it keeps the reason on record).
   */
  async scheduledBeyond(workspaceId: string, keep: number): Promise<SnapshotRecord[]> {
    const older = (status: 'ready' | 'failed', skip: number): Promise<SnapshotRecord[]> =>
      this.prisma.snapshot.findMany({
        where: { workspaceId, kind: 'scheduled', status },
        orderBy: { createdAt: 'desc' },
        skip,
      });
    return [...(await older('ready', keep)), ...(await older('failed', 1))];
  }

  /** Live workspaces in a status a snapshot can be taken in, with what the schedule needs to judge them. */
  async scheduleCandidates(): Promise<ScheduleCandidate[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { deletedAt: null, status: { in: ['running', 'stopped', 'failed'] } },
      include: {
        builds: LATEST_FINISHED_BUILD,
        snapshots: {
          where: { kind: 'scheduled' },
          orderBy: { createdAt: 'desc' },
          take: 1,
          select: { createdAt: true },
        },
        _count: { select: { snapshots: { where: { status: { in: ['pending', 'running'] } } } } },
      },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(({ builds, snapshots, _count, ...workspace }) => ({
      workspace: toWorkspace(workspace),
      lastScheduledAt: snapshots[0]?.createdAt ?? null,
      lastBuildFinishedAt: builds[0]?.finishedAt ?? null,
      inProgress: _count.snapshots > 0,
    }));
  }
}

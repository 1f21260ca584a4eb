import { Injectable } from '@nestjs/common';
import { type SnapshotKind } from '#domain';
import { PrismaService } from './prisma.service.js';
import { type Snapshot as SnapshotRecord } from './generated/client.js';

export type { SnapshotRecord };

export type { SnapshotKind };

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

  async remove(id: string): Promise<void> {
    await this.prisma.snapshot.delete({ where: { id } });
  }

  /** Scheduled snapshots of a workspace beyond the newest `keep`, oldest last (to prune). */
  async scheduledBeyond(workspaceId: string, keep: number): Promise<SnapshotRecord[]> {
    return this.prisma.snapshot.findMany({
      where: { workspaceId, kind: 'scheduled', status: { in: ['ready', 'failed'] } },
      orderBy: { createdAt: 'desc' },
      skip: keep,
    });
  }

  /** When the workspace's newest scheduled snapshot was taken (null: never). */
  async lastScheduledAt(workspaceId: string): Promise<Date | null> {
    const row = await this.prisma.snapshot.findFirst({
      where: { workspaceId, kind: 'scheduled' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    return row?.createdAt ?? null;
  }
}

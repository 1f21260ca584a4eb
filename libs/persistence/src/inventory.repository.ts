import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { type WorkspaceRecord } from './records.js';
import { toWorkspace } from './mappers.js';

export interface SnapshotSummary {
  count: number;
  lastAt: Date | null;
}

/** What the admin's volume inventory reads from Postgres (a few queries for the whole list). */
@Injectable()
export class InventoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every workspace row that has (or should have) a home volume: live once prepared, or trashed. */
  async rowsWithVolumes(): Promise<WorkspaceRecord[]> {
    const rows = await this.prisma.workspace.findMany({
      where: {
        OR: [
          { deletedAt: null, volumePreparedAt: { not: null } },
          { deletedAt: { not: null }, purgedAt: null },
        ],
      },
      take: 10_000,
    });
    return rows.map(toWorkspace);
  }

  async rowsByIds(ids: string[]): Promise<WorkspaceRecord[]> {
    return (await this.prisma.workspace.findMany({ where: { id: { in: ids } } })).map(toWorkspace);
  }

  async snapshotSummaries(workspaceIds: string[]): Promise<Map<string, SnapshotSummary>> {
    const groups = await this.prisma.snapshot.groupBy({
      by: ['workspaceId'],
      where: { workspaceId: { in: workspaceIds }, status: 'ready' },
      _count: { _all: true },
      _max: { createdAt: true },
    });
    return new Map(groups.map((g) => [g.workspaceId, { count: g._count._all, lastAt: g._max.createdAt }]));
  }

  /** Makes a row for an orphan volume, straight into the trash, so it can be restored or purged like any other. */
  async adoptIntoTrash(data: {
    id: string;
    name: string;
    ownerId: string;
    templateId: string;
    templateVersion: number;
    trashExpiresAt: Date;
  }): Promise<WorkspaceRecord> {
    const now = new Date();
    const row = await this.prisma.workspace.create({
      data: {
        ...data,
        status: 'deleted',
        desiredState: 'deleted',
        deletedAt: now,
        volumePreparedAt: now,
        initializedAt: now,
      },
    });
    return toWorkspace(row);
  }
}

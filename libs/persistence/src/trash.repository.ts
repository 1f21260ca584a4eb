import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { type WorkspaceRecord } from './records.js';
import { toWorkspace } from './mappers.js';

/** A trashed workspace: deleted (404 everywhere else), its home volume kept until it expires or is purged. */
const TRASHED = { deletedAt: { not: null }, purgedAt: null, trashExpiresAt: { not: null } } as const;

/**
 * The trash of deleted workspaces (README "Your data"). A row is in the trash from the end of its
 * delete transition until its volume is purged (on request, or at `trashExpiresAt`).
 */
@Injectable()
export class TrashRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Trashed workspaces, newest first; `ownerId` restricts to that owner's (null: everyone's). */
  async list(ownerId: string | null): Promise<WorkspaceRecord[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { ...TRASHED, ...(ownerId ? { ownerId } : {}) },
      orderBy: { deletedAt: 'desc' },
      take: 500,
    });
    return rows.map(toWorkspace);
  }

  /** Ids of every trashed workspace (their volumes are kept on purpose: not orphans). */
  async ids(): Promise<Set<string>> {
    const rows = await this.prisma.workspace.findMany({ where: TRASHED, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  async find(id: string, ownerId: string | null): Promise<WorkspaceRecord | null> {
    const row = await this.prisma.workspace.findFirst({ where: { id, ...TRASHED, ...(ownerId ? { ownerId } : {}) } });
    return row ? toWorkspace(row) : null;
  }

  /** Starts the trash clock at the end of a delete transition that kept the volume. */
  async keep(id: string, expiresAt: Date): Promise<void> {
    await this.prisma.workspace.update({ where: { id }, data: { trashExpiresAt: expiresAt } });
  }

  /** Asks for a purge; false when the row left the trash meanwhile (restored or purged). */
  async requestPurge(id: string, at = new Date()): Promise<boolean> {
    const { count } = await this.prisma.workspace.updateMany({
      where: { id, ...TRASHED, purgeRequestedAt: null },
      data: { purgeRequestedAt: at },
    });
    return count === 1;
  }

  /** Trashed rows whose volume should go now: expired, or a purge was asked for. */
  async due(now: Date): Promise<WorkspaceRecord[]> {
    const rows = await this.prisma.workspace.findMany({
      where: { ...TRASHED, OR: [{ trashExpiresAt: { lte: now } }, { purgeRequestedAt: { not: null } }] },
      orderBy: { trashExpiresAt: 'asc' },
      take: 100,
    });
    return rows.map(toWorkspace);
  }

  async markPurged(id: string, at = new Date()): Promise<void> {
    await this.prisma.workspace.update({ where: { id }, data: { purgedAt: at } });
  }

  /** The owner's trashed volumes, counted apart from live workspaces (quota view). */
  async usage(ownerId: string): Promise<{ count: number; bytes: number }> {
    const agg = await this.prisma.workspace.aggregate({
      where: { ...TRASHED, ownerId },
      _count: { _all: true },
      _sum: { homeUsageBytes: true },
    });
    return { count: agg._count._all, bytes: Number(agg._sum.homeUsageBytes ?? 0) };
  }
}

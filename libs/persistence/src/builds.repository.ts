import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { type BuildLogRecord, type BuildRecord, type Prisma } from './records.js';

type BuildKind = BuildRecord['kind'];
type WorkspaceStatus = Prisma.WorkspaceUpdateInput['status'];

export interface TransitionRequest {
  workspaceId: string;
  kind: BuildKind;
  templateVersion: number;
  requestedById: string | null;
  /** Run the template's initScript again (rebuild/update only). */
  reinitialize?: boolean;
  /** Status the workspace shows as soon as the request is accepted. */
  requestedStatus: WorkspaceStatus;
  desiredState: string;
}

@Injectable()
export class BuildsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the build and moves the workspace in one transaction. The partial unique index
   * "one active build per workspace" makes a concurrent second request fail with P2002.
   */
  async createForTransition(req: TransitionRequest): Promise<BuildRecord> {
    return this.prisma.$transaction(async (tx) => {
      const build = await tx.build.create({
        data: { workspaceId: req.workspaceId, kind: req.kind, templateVersion: req.templateVersion, requestedById: req.requestedById, reinitialize: req.reinitialize ?? false },
      });
      await tx.workspace.update({
        where: { id: req.workspaceId },
        data: { status: req.requestedStatus, desiredState: req.desiredState, lastError: null, templateVersion: req.templateVersion },
      });
      return build;
    });
  }

  findActive(workspaceId: string): Promise<BuildRecord | null> {
    return this.prisma.build.findFirst({ where: { workspaceId, status: { in: ['queued', 'running'] } } });
  }

  findById(id: string): Promise<BuildRecord | null> {
    return this.prisma.build.findUnique({ where: { id } });
  }

  findForWorkspace(workspaceId: string, buildId: string): Promise<BuildRecord | null> {
    return this.prisma.build.findFirst({ where: { id: buildId, workspaceId } });
  }

  listForWorkspace(workspaceId: string): Promise<BuildRecord[]> {
    return this.prisma.build.findMany({ where: { workspaceId }, orderBy: { queuedAt: 'desc' }, take: 100 });
  }

  async markRunning(id: string): Promise<void> {
    const now = new Date();
    await this.prisma.build.update({ where: { id }, data: { status: 'running', startedAt: now, heartbeatAt: now } });
  }

  async recordStage(id: string, stages: Record<string, number>): Promise<void> {
    await this.prisma.build.update({ where: { id }, data: { stages, heartbeatAt: new Date() } });
  }

  async finish(id: string, outcome: { status: 'succeeded' | 'failed'; error?: string; errorCode?: string; stages: Record<string, number> }): Promise<void> {
    await this.prisma.build.update({
      where: { id },
      data: { status: outcome.status, error: outcome.error ?? null, errorCode: outcome.errorCode ?? null, stages: outcome.stages, finishedAt: new Date() },
    });
  }

  async appendLog(buildId: string, stream: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.prisma.buildLog.createMany({ data: lines.map((line) => ({ buildId, stream, line: line.slice(0, 4000) })) });
  }

  logs(buildId: string): Promise<BuildLogRecord[]> {
    return this.prisma.buildLog.findMany({ where: { buildId }, orderBy: { id: 'asc' }, take: 5000 });
  }
}

import { Injectable } from '@nestjs/common';
import { type JsonValue } from '#domain';
import { maybe, toJsonInput, toTemplateVersion } from './mappers.js';
import { PrismaService } from './prisma.service.js';
import { type TemplateVersionRecord } from './records.js';

/** Template versions: immutable specs, each with its own image build state and log. */
@Injectable()
export class TemplateVersionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The next version number is taken inside the transaction; the unique key settles races. */
  async create(
    templateId: string,
    spec: JsonValue,
    message: string,
    createdById: string | null,
  ): Promise<TemplateVersionRecord> {
    return this.prisma.$transaction(async (tx) => {
      const last = await tx.templateVersion.findFirst({
        where: { templateId },
        orderBy: { version: 'desc' },
        select: { version: true },
      });
      return toTemplateVersion(
        await tx.templateVersion.create({
          data: { templateId, version: (last?.version ?? 0) + 1, spec: toJsonInput(spec), message, createdById },
        }),
      );
    });
  }

  async list(templateId: string): Promise<TemplateVersionRecord[]> {
    const rows = await this.prisma.templateVersion.findMany({ where: { templateId }, orderBy: { version: 'desc' } });
    return rows.map(toTemplateVersion);
  }

  async findById(id: string): Promise<TemplateVersionRecord | null> {
    return maybe(toTemplateVersion)(await this.prisma.templateVersion.findUnique({ where: { id } }));
  }

  /** Takes the build of a pending (or ready-but-missing) version; false when someone else has it. */
  async claimBuild(id: string, from: ('pending' | 'ready' | 'failed')[]): Promise<boolean> {
    const { count } = await this.prisma.templateVersion.updateMany({
      where: { id, status: { in: from } },
      data: { status: 'building', buildStartedAt: new Date(), buildFinishedAt: null, buildError: null },
    });
    return count === 1;
  }

  /** Takes over a build whose worker went away (started before `startedBefore`, never finished). */
  async claimStale(id: string, startedBefore: Date): Promise<boolean> {
    const { count } = await this.prisma.templateVersion.updateMany({
      where: { id, status: 'building', buildStartedAt: { lt: startedBefore } },
      data: { buildStartedAt: new Date(), buildError: null },
    });
    return count === 1;
  }

  /** Gives a claimed build back (its worker stopped early, or the engine was away): `pending` again. */
  async releaseClaim(id: string): Promise<void> {
    await this.prisma.templateVersion.updateMany({
      where: { id, status: 'building' },
      data: { status: 'pending', buildStartedAt: null },
    });
  }

  async markReady(id: string, image: { id: string; digest: string }): Promise<void> {
    await this.prisma.templateVersion.update({
      where: { id },
      data: {
        status: 'ready',
        imageId: image.id,
        imageDigest: image.digest,
        buildFinishedAt: new Date(),
        buildError: null,
      },
    });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.templateVersion.update({
      where: { id },
      data: { status: 'failed', buildError: error, buildFinishedAt: new Date() },
    });
  }

  async appendLog(versionId: string, stream: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.prisma.templateVersionLog.createMany({
      data: lines.map((line) => ({ versionId, stream, line: line.slice(0, 4000) })),
    });
  }

  logs(versionId: string): Promise<{ at: Date; stream: string; line: string }[]> {
    return this.prisma.templateVersionLog.findMany({
      where: { versionId },
      orderBy: { id: 'asc' },
      take: 5000,
      select: { at: true, stream: true, line: true },
    });
  }
}

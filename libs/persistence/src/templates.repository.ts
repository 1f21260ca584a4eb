import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { type Prisma, type TemplateRecord, type TemplateVersionRecord } from './records.js';

export type TemplateWithActive = TemplateRecord & { active: TemplateVersionRecord | null };

@Injectable()
export class TemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the template with version 1 promoted, in one transaction. */
  async createWithFirstVersion(data: {
    name: string;
    description: string;
    createdById: string | null;
    spec: Prisma.InputJsonValue;
    message: string;
  }): Promise<TemplateWithActive> {
    const template = await this.prisma.template.create({
      data: {
        name: data.name,
        description: data.description,
        createdById: data.createdById,
        activeVersion: 1,
        versions: { create: { version: 1, spec: data.spec, message: data.message, createdById: data.createdById } },
      },
      include: { versions: true },
    });
    const { versions, ...rest } = template;
    return { ...rest, active: versions[0] ?? null };
  }

  async list(): Promise<TemplateWithActive[]> {
    const templates = await this.prisma.template.findMany({
      where: { archivedAt: null },
      orderBy: { name: 'asc' },
      include: { versions: true },
    });
    return templates.map(({ versions, ...t }) => ({
      ...t,
      active: versions.find((v) => v.version === t.activeVersion) ?? null,
    }));
  }

  async findById(id: string): Promise<TemplateWithActive | null> {
    const template = await this.prisma.template.findFirst({
      where: { id, archivedAt: null },
      include: { versions: true },
    });
    if (!template) return null;
    const { versions, ...t } = template;
    return { ...t, active: versions.find((v) => v.version === t.activeVersion) ?? null };
  }

  findByName(name: string): Promise<TemplateRecord | null> {
    return this.prisma.template.findUnique({ where: { name } });
  }

  findVersion(templateId: string, version: number): Promise<TemplateVersionRecord | null> {
    return this.prisma.templateVersion.findUnique({ where: { templateId_version: { templateId, version } } });
  }

  /** Promotes a version: new workspaces (and updates) use it from now on. */
  async promote(id: string, version: number): Promise<void> {
    await this.prisma.template.update({ where: { id }, data: { activeVersion: version } });
  }

  /** Archived, not deleted: workspaces on it keep running and rebuilding from their version. */
  async archive(id: string): Promise<boolean> {
    const { count } = await this.prisma.template.updateMany({
      where: { id, archivedAt: null },
      data: { archivedAt: new Date() },
    });
    return count === 1;
  }
}

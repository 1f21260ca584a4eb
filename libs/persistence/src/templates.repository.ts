import { Injectable } from '@nestjs/common';
import { type JsonValue } from '#domain';
import { maybe, toJsonInput, toTemplate, toTemplateVersion } from './mappers.js';
import { PrismaService } from './prisma.service.js';
import { type TemplateRecord, type TemplateVersionRecord } from './records.js';

export type TemplateWithActive = TemplateRecord & { active: TemplateVersionRecord | null };

@Injectable()
export class TemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the template with version 1 promoted, in one transaction. */
  async createWithFirstVersion(data: {
    name: string;
    description: string;
    createdById: string | null;
    spec: JsonValue;
    message: string;
  }): Promise<TemplateWithActive> {
    const template = await this.prisma.template.create({
      data: {
        name: data.name,
        description: data.description,
        createdById: data.createdById,
        activeVersion: 1,
        versions: {
          create: { version: 1, spec: toJsonInput(data.spec), message: data.message, createdById: data.createdById },
        },
      },
      include: { versions: true },
    });
    const { versions, ...rest } = template;
    return { ...toTemplate(rest), active: maybe(toTemplateVersion)(versions[0] ?? null) };
  }

  async list(): Promise<TemplateWithActive[]> {
    const templates = await this.prisma.template.findMany({
      where: { archivedAt: null },
      orderBy: { name: 'asc' },
      include: { versions: true },
    });
    return templates.map(({ versions, ...t }) => ({
      ...toTemplate(t),
      active: maybe(toTemplateVersion)(versions.find((v) => v.version === t.activeVersion) ?? null),
    }));
  }

  async findById(id: string): Promise<TemplateWithActive | null> {
    const template = await this.prisma.template.findFirst({
      where: { id, archivedAt: null },
      include: { versions: true },
    });
    if (!template) return null;
    const { versions, ...t } = template;
    return {
      ...toTemplate(t),
      active: maybe(toTemplateVersion)(versions.find((v) => v.version === t.activeVersion) ?? null),
    };
  }

  async findByName(name: string): Promise<TemplateRecord | null> {
    return maybe(toTemplate)(await this.prisma.template.findUnique({ where: { name } }));
  }

  async findVersion(templateId: string, version: number): Promise<TemplateVersionRecord | null> {
    return maybe(toTemplateVersion)(
      await this.prisma.templateVersion.findUnique({ where: { templateId_version: { templateId, version } } }),
    );
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

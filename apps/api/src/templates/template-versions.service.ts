import { Injectable } from '@nestjs/common';
import { conflict, notFound, storedSpec } from '#domain';
import { TemplatesRepository, TemplateVersionsRepository, type TemplateVersionRecord } from '#persistence';
import { TemplateBuildsProducer } from '#queue';
import { TemplateSpecChecker } from './template-spec.checker.js';
import { toTemplateView, toVersionView } from './template.views.js';
import { type CreateVersionDto, type TemplateVersionView, type TemplateView } from './templates.dto.js';

/** Immutable versions of a template: create (queued image build), list, inspect, promote. */
@Injectable()
export class TemplateVersionsService {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly checker: TemplateSpecChecker,
    private readonly builds: TemplateBuildsProducer,
  ) {}

  async create(templateId: string, dto: CreateVersionDto, createdById: string): Promise<TemplateVersionView> {
    await this.requireTemplate(templateId);
    const spec = this.checker.check(dto.spec);
    const version = await this.versions.create(templateId, storedSpec(spec), dto.message ?? '', createdById);
    await this.builds.enqueue(version.id);
    return toVersionView(version);
  }

  async list(templateId: string): Promise<TemplateVersionView[]> {
    await this.requireTemplate(templateId);
    return (await this.versions.list(templateId)).map((v) => toVersionView(v));
  }

  async get(templateId: string, version: number): Promise<TemplateVersionView> {
    const found = await this.find(templateId, version);
    return toVersionView(found, await this.versions.logs(found.id));
  }

  /** Only a version whose image is ready can become the one new workspaces use. */
  async promote(templateId: string, version: number): Promise<TemplateView> {
    const found = await this.find(templateId, version);
    if (found.status !== 'ready')
      throw conflict(`version ${version} is ${found.status}; only a ready version can be promoted`, {
        versionStatus: found.status,
      });
    await this.templates.promote(templateId, version);
    const template = await this.templates.findById(templateId);
    if (!template) throw notFound('template');
    return toTemplateView(template);
  }

  async find(templateId: string, version: number): Promise<TemplateVersionRecord> {
    await this.requireTemplate(templateId);
    const found = await this.templates.findVersion(templateId, version);
    if (!found) throw notFound('template version');
    return found;
  }

  private async requireTemplate(id: string): Promise<void> {
    if (!(await this.templates.findById(id))) throw notFound('template');
  }
}
